#pragma once
/// @file
/// What every example program shares: the common flags, each with one name, one default
/// and one meaning (--input_dir, --output_dir, --seed, --num_workers, --device, --threads,
/// --version; and on every program --quiet, --verbose, --log_file FILE, which gets
/// everything printed without carriage returns, and --events FILE, the JSON-lines event
/// log of event_log.hpp), the declared range of every numeric flag, and main()'s error handling
/// with the programs' exit statuses.
///
/// Every numeric flag is declared with its range (add_integer(), add_real() and their list
/// forms, or a shared flag's add_xxx()): CLI11 checks the text while parsing, before any
/// work starts, and refuses with exit status kExitUsage and "--flag: got 'TEXT', expected a
/// whole number in [MIN, MAX]" anything else: a negative count (which CLI11 would wrap to a
/// huge unsigned value), a number too large for the flag, a fraction for a count, NaN,
/// infinities, trailing junk. The ranges several programs share are flag_ranges::kXxx.
///
/// @code
/// int galaxyzoo::examples::augment_data_main(int argc, char** argv) {  // programs.hpp
///   Program program("augment_data", "Augment one class's images.");
///   std::string input_dir = "preprocessed";
///   program.add_input_dir(input_dir, "Folder with train_<class>_<n>_proc.jpg");
///   program.add_seed(options.seed, "Seed");
///   program.add_integer("--num", num, {0, 1000000}, "Number of new images");
///   return program.run(argc, argv, [&] {
///     ...                                  // throw freely: run() maps exceptions to statuses
///     return galaxyzoo::examples::kExitOk;  // or galaxyzoo::kExitResumable after a stop
///   });
/// }
/// // no main(): examples/CMakeLists.txt generates one (support/program_main.cpp.in)
/// @endcode

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <galaxyzoo/images/image.hpp>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace galaxyzoo::examples {

/// Exit status: the program did its work.
inline constexpr int kExitOk = 0;
/// Exit status: an error (bad input data, a file-system failure, out of memory, any
/// exception); the message names the program. (galaxyzoo::kExitResumable, 3, is the
/// status of a program stopped on request that can be run again to continue.)
inline constexpr int kExitFailure = 1;
/// Exit status: a bad command line (unknown flag, missing or malformed value).
inline constexpr int kExitUsage = 2;
/// Exit status: the work was done for the inputs that exist, but some named inputs were
/// missing or unusable (classify: catalogue rows without an image, folder entries that
/// cannot be read); the program lists each one and their count.
inline constexpr int kExitPartial = 4;

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

/// The range of a whole-number flag, both ends included. The text must be a whole number
/// in decimal (an optional sign, then digits only) from min to max, and a multiple of step.
struct IntegerRange {
  std::int64_t min = 0;    ///< the smallest value allowed
  std::uint64_t max = 0;   ///< the largest value allowed
  std::uint64_t step = 1;  ///< values must be multiples of this (1: any whole number)
};

/// The range of a real-number flag. The text must be a finite number (no NaN, no
/// infinity) from min to max; an open end excludes its bound.
struct RealRange {
  double min = 0;         ///< the lower bound
  double max = 0;         ///< the upper bound
  bool min_open = false;  ///< true: min itself is refused
  bool max_open = false;  ///< true: max itself is refused
};

/// A CLI11 check that a flag's text is a whole number within @p range. It rewrites the text
/// in plain decimal ("+007" becomes "7"), so that CLI11's conversion (which reads "010" as
/// octal) converts what was checked. Its help text is the range, e.g. "[0, 4096]".
CLI::Validator whole_number_in(IntegerRange range);

/// A CLI11 check that a flag's text is a finite number within @p range; its help text is
/// the range, e.g. "[0, 1)".
CLI::Validator real_number_in(RealRange range);

/// The ranges of the numeric flags that several programs share, each written once here.
namespace flag_ranges {
/// --seed: any 64-bit unsigned number.
inline constexpr IntegerRange kSeed{0, std::numeric_limits<std::uint64_t>::max()};
/// --num_workers and --threads (0: one per hardware thread).
inline constexpr IntegerRange kThreads{0, 4096};
/// --quality: JPEG quality.
inline constexpr IntegerRange kJpegQuality{1, 100};
/// --batch_size: images per batch.
inline constexpr IntegerRange kBatchSize{1, 4096};
/// --image_size of the network input: VGG16 halves it five times.
inline constexpr IntegerRange kNetworkSize{32, 1024, 32};
/// --epochs: most epochs of a training.
inline constexpr IntegerRange kEpochs{1, 100000};
/// --patience: early-stopping patience in epochs (0: off).
inline constexpr IntegerRange kPatience{0, 100000};
/// --trials: finished trials of a search.
inline constexpr IntegerRange kTrials{1, 100000};
/// --cache_mb: decoded-image cache, MB (up to 1 TiB).
inline constexpr IntegerRange kCacheMb{0, 1 << 20};
/// --crop and similar sides of an image in pixels (0: the flag's "off").
inline constexpr IntegerRange kImageSide{0, 16384};
/// --max_img: the cap of each class.
inline constexpr IntegerRange kClassCap{0, 100000000};
/// --num, --num_class_2, --num_class_3: new images made by augmentation.
inline constexpr IntegerRange kAugmented{0, 1000000};
/// --jitter: colour-jitter factors.
inline constexpr RealRange kJitterFactor{0, 100};
/// --hdu: a FITS HDU, 0 the primary one (-1: the first that holds a 2-D image).
inline constexpr IntegerRange kFitsHdu{-1, 99999};
/// --composite_hdus: three FITS HDUs.
inline constexpr IntegerRange kFitsHdus{0, 99999};
/// --clip_percentiles: percentiles, in %.
inline constexpr RealRange kPercent{0, 100};
/// --zscale_contrast: IRAF's zscale contrast.
inline constexpr RealRange kZscaleContrast{0, 1, true, false};
/// --asinh_softening, --lupton_q and --lupton_stretch: positive factors and data values.
inline constexpr RealRange kPositive{0, 1e15, true, false};
/// --lupton_minimum: a data value.
inline constexpr RealRange kDataValue{-1e15, 1e15};
}  // namespace flag_ranges

namespace detail {
/// Throws std::logic_error (a bug in the program, not in its command line) when @p range
/// is empty or does not fit T, the type of flag @p name.
template <class T>
void check_range_fits(const std::string& name, IntegerRange range) {
  static_assert(std::is_integral_v<T> && sizeof(T) <= sizeof(std::int64_t), "a whole-number flag");
  const bool min_fits = std::is_signed_v<T>
                            ? range.min >= static_cast<std::int64_t>(std::numeric_limits<T>::min())
                            : range.min >= 0;
  const bool max_fits = range.max <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  const bool ordered = range.min < 0 || static_cast<std::uint64_t>(range.min) <= range.max;
  if (!min_fits || !max_fits || !ordered || range.step == 0) {
    throw std::logic_error(name + ": the declared range does not fit the flag's type");
  }
}
}  // namespace detail

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
  /// --num_workers, flag_ranges::kThreads, default kDefaultThreads (set in @p workers
  /// here); @p help says what the threads do.
  CLI::Option* add_num_workers(int& workers, const std::string& help);
  /// --quality: JPEG quality of the images written, flag_ranges::kJpegQuality; @p quality's
  /// value is the default.
  CLI::Option* add_jpeg_quality(int& quality);
  /// A whole-number flag @p name within @p range (its default, @p value's value, shown in
  /// --help).
  template <class T>
  CLI::Option* add_integer(const std::string& name, T& value, IntegerRange range,
                           const std::string& help) {
    detail::check_range_fits<T>(name, range);
    return app_.add_option(name, value, help)->capture_default_str()->check(whole_number_in(range));
  }
  /// A flag @p name of several whole numbers, each within @p range (the caller sets how
  /// many with ->expected()).
  template <class T>
  CLI::Option* add_integers(const std::string& name, std::vector<T>& values, IntegerRange range,
                            const std::string& help) {
    detail::check_range_fits<T>(name, range);
    return app_.add_option(name, values, help)->check(whole_number_in(range));
  }
  /// A real-number flag @p name within @p range (its default, @p value's value, shown in
  /// --help).
  CLI::Option* add_real(const std::string& name, double& value, RealRange range,
                        const std::string& help);
  /// A flag @p name of several real numbers, each within @p range (the caller sets how many
  /// with ->expected()).
  CLI::Option* add_reals(const std::string& name, std::vector<double>& values, RealRange range,
                         const std::string& help);
  /// --batch_size, flag_ranges::kBatchSize; @p value's value is the default.
  template <class T>
  CLI::Option* add_batch_size(T& value) {
    return add_integer("--batch_size", value, flag_ranges::kBatchSize, "Images per batch");
  }
  /// --image_size: the network's input side, flag_ranges::kNetworkSize (a multiple of 32);
  /// @p size's value is the default.
  CLI::Option* add_network_size(int& size);
  /// --jitter: four colour-jitter factors (brightness min max, contrast min max), each in
  /// flag_ranges::kJitterFactor; none given leaves @p factors empty.
  CLI::Option* add_jitter(std::vector<double>& factors);
  /// --crop: the side of the centred square cut from each image first,
  /// flag_ranges::kImageSide (0: none); @p side's value is the default.
  CLI::Option* add_center_crop(int& side);
  /// The flags of FITS input, setting @p read.fits (image.hpp's FitsReadOptions and
  /// fits_display.hpp's FitsDisplay, whose defaults they show): --hdu, --composite_hdus
  /// A,B,C, --clip percentile|zscale|minmax, --clip_percentiles LOW,HIGH,
  /// --zscale_contrast, --stretch asinh|linear and --asinh_softening (also for 16-bit PNG
  /// and TIFF: @p read.stretch and asinh_softening), --composite lupton|per_band,
  /// --lupton_q, --lupton_stretch, --lupton_minimum. @p read must outlive run().
  void add_fits_options(ReadOptions& read);
  /// --device: auto (the default, set in @p device here), cpu, cuda or cuda:N.
  CLI::Option* add_device(std::string& device);
  /// --threads: LibTorch's CPU threads per operation, flag_ranges::kThreads, default
  /// kDefaultThreads; run() sets them before the body.
  CLI::Option* add_threads();

  /// Adds @p check, a check of several flags together (e.g. two that exclude each other):
  /// run() calls it after parsing and before the body; it throws UsageError.
  void add_check(std::function<void()> check);

  /// Parse-only mode, for the command-line fuzz target (fuzz/fuzz_command_line.cpp), which
  /// calls every program in one process: from then on run() parses and checks the command
  /// line, prints nothing, and returns kExitOk or kExitUsage without calling the body.
  static void set_parse_only(bool parse_only) noexcept;

  /// Parses the command line (checking every flag's range), runs the add_check() checks,
  /// sets LibTorch's threads (add_threads()) and keep_freed_memory() (core/memory.hpp),
  /// then calls @p body and returns its exit status. --help and
  /// --version print and return kExitOk; a command-line error prints "NAME: usage error:
  /// ..." and returns kExitUsage, as a UsageError from @p body does; a galaxyzoo::Error
  /// or any other exception from @p body prints a one-line "NAME: error: ..." and returns
  /// kExitFailure.
  int run(int argc, char** argv, const std::function<int()>& body);

  /// --quiet was given: the console gets warnings and errors only (no standard output, no
  /// progress); a --log_file still gets everything.
  bool quiet() const noexcept { return quiet_; }
  /// --verbose was given: a progress line after every batch or file, also off a terminal.
  bool verbose() const noexcept { return verbose_; }

 private:
  int run_body(const std::function<int()>& body);
  void add_output_flags();

  static bool parse_only_;

  std::string name_;
  CLI::App app_;
  int threads_ = kDefaultThreads;
  bool set_threads_ = false;
  std::vector<std::function<void()>> checks_;
  bool quiet_ = false;
  bool verbose_ = false;
  std::string log_file_;     // --log_file
  std::string events_file_;  // --events
};

}  // namespace galaxyzoo::examples
