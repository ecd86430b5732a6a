#pragma once
/// @file
/// What every example program shares: the common flags, each with one name, one default
/// and one meaning (--input_dir, --output_dir, --seed, --num_workers, --device, --threads,
/// --version), and main()'s error handling with the programs' exit statuses.
///
/// @code
/// int main(int argc, char** argv) {
///   galaxyzoo::examples::Program program("augment_data", "Augment one class's images.");
///   std::string input_dir = "preprocessed";
///   program.add_input_dir(input_dir, "Folder with train_<class>_<n>_proc.jpg");
///   program.add_seed(options.seed, "Seed");
///   program.app().add_option("--num", num, "Number of new images");
///   return program.run(argc, argv, [&] {
///     ...                                  // throw freely: run() maps exceptions to statuses
///     return galaxyzoo::examples::kExitOk;  // or galaxyzoo::kExitResumable after a stop
///   });
/// }
/// @endcode

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace galaxyzoo::examples {

/// Exit status: the program did its work.
inline constexpr int kExitOk = 0;
/// Exit status: an error (bad input data, a file-system failure, out of memory, any
/// exception); the message names the program. (galaxyzoo::kExitResumable, 3, is the
/// status of a program stopped on request that can be run again to continue.)
inline constexpr int kExitFailure = 1;
/// Exit status: a bad command line (unknown flag, missing or malformed value).
inline constexpr int kExitUsage = 2;

/// Default of --seed in every program: the original's (its driver's, split's and
/// augmentation's), so that a single-step program makes what run_workflow makes.
inline constexpr std::uint64_t kDefaultSeed = 10;
/// Default of --num_workers and --threads in every program: one per hardware thread.
inline constexpr int kDefaultThreads = 0;

/// A bad flag value found after the command line was parsed: exit status kExitUsage.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A CLI11 check of a flag's value by @p parse, a function that throws galaxyzoo::Error
/// (or any std::exception) on a malformed value: its message becomes the usage error.
CLI::Validator parsed_by(std::function<void(const std::string&)> parse,
                         const std::string& description);

/// One example program: its command line (a CLI::App with --help and --version) and
/// the body run under the shared error handling.
class Program {
 public:
  /// A program called @p name (in messages and --version) doing @p description (--help).
  Program(std::string name, const std::string& description);

  /// The command line, for the program's own flags.
  CLI::App& app() noexcept { return app_; }

  /// --input_dir: the folder the program reads; @p dir's value is the default (none if
  /// empty).
  CLI::Option* add_input_dir(std::string& dir, const std::string& help);
  /// --output_dir: the folder the program writes; @p dir's value is the default (none if
  /// empty).
  CLI::Option* add_output_dir(std::string& dir, const std::string& help);
  /// --seed, default kDefaultSeed (set in @p seed here); @p help says what it seeds.
  CLI::Option* add_seed(std::uint64_t& seed, const std::string& help);
  /// --num_workers, default kDefaultThreads (set in @p workers here); @p help says what
  /// the threads do.
  CLI::Option* add_num_workers(int& workers, const std::string& help);
  /// --quality: JPEG quality of the images written, 1 to 100; @p quality's value is the
  /// default.
  CLI::Option* add_jpeg_quality(int& quality);
  /// --device: auto (the default, set in @p device here), cpu, cuda or cuda:N.
  CLI::Option* add_device(std::string& device);
  /// --threads: LibTorch's CPU threads per operation, default kDefaultThreads; run() sets
  /// them before the body.
  CLI::Option* add_threads();

  /// Parses the command line, then calls @p body and returns its exit status. --help and
  /// --version print and return kExitOk; a command-line error prints "NAME: usage error:
  /// ..." and returns kExitUsage, as a UsageError from @p body does; a galaxyzoo::Error
  /// or any other exception from @p body prints a one-line "NAME: error: ..." and returns
  /// kExitFailure.
  int run(int argc, char** argv, const std::function<int()>& body);

 private:
  int run_body(const std::function<int()>& body);

  std::string name_;
  CLI::App app_;
  int threads_ = kDefaultThreads;
  bool set_threads_ = false;
};

}  // namespace galaxyzoo::examples
