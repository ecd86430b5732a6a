#include "program.hpp"

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/version.hpp>

#include <iostream>
#include <new>
#include <utility>

namespace galaxyzoo::examples {
namespace {

constexpr const char* kRunWithHelp = "Run with --help for more information.";

// The first line of an exception's message: LibTorch's (c10::Error) go on with a
// backtrace that says nothing to a user.
std::string first_line(const char* message) {
  const std::string text = message;
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

CLI::Validator parsed_by(std::function<void(const std::string&)> parse,
                         const std::string& description) {
  return CLI::Validator(
      [parse = std::move(parse)](std::string& value) -> std::string {
        try {
          parse(value);
          return {};
        } catch (const std::exception& e) {
          return first_line(e.what());
        }
      },
      description);
}

Program::Program(std::string name, const std::string& description)
    : name_(std::move(name)), app_(description, name_) {
  app_.set_version_flag("--version", name_ + " (galaxyzoo " GALAXYZOO_VERSION_STRING ")",
                        "Print the version and exit");
  app_.failure_message([name = name_](const CLI::App*, const CLI::Error& e) {
    return name + ": usage error: " + e.what() + "\n" + kRunWithHelp + "\n";
  });
}

CLI::Option* Program::add_input_dir(std::string& dir, const std::string& help) {
  auto* option = app_.add_option("--input_dir", dir, help);
  if (!dir.empty()) option->capture_default_str();
  return option;
}

CLI::Option* Program::add_output_dir(std::string& dir, const std::string& help) {
  auto* option = app_.add_option("--output_dir", dir, help);
  if (!dir.empty()) option->capture_default_str();
  return option;
}

CLI::Option* Program::add_seed(std::uint64_t& seed, const std::string& help) {
  seed = kDefaultSeed;
  return app_.add_option("--seed", seed, help)->capture_default_str();
}

CLI::Option* Program::add_num_workers(int& workers, const std::string& help) {
  workers = kDefaultThreads;
  return app_.add_option("--num_workers", workers, help + " (0: one per hardware thread)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

CLI::Option* Program::add_jpeg_quality(int& quality) {
  return app_.add_option("--quality", quality, "JPEG quality")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

CLI::Option* Program::add_device(std::string& device) {
  device = "auto";
  return app_.add_option("--device", device, "auto, cpu, cuda or cuda:N")
      ->capture_default_str()
      ->check(parsed_by([](const std::string& spec) { parse_device_request(spec); }, "DEVICE"));
}

CLI::Option* Program::add_threads() {
  set_threads_ = true;
  return app_
      .add_option("--threads", threads_,
                  "LibTorch's CPU threads per operation (0: one per hardware thread)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

int Program::run(int argc, char** argv, const std::function<int()>& body) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with the status Success.
    const bool success = e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success);
    app_.exit(e);
    return success ? kExitOk : kExitUsage;
  }
  return run_body(body);
}

int Program::run_body(const std::function<int()>& body) {
  try {
    if (set_threads_) set_cpu_threads(threads_);
    return body();
  } catch (const UsageError& e) {
    std::cerr << name_ << ": usage error: " << e.what() << '\n' << kRunWithHelp << '\n';
    return kExitUsage;
  } catch (const Error& e) {
    std::cerr << name_ << ": error: " << e.what() << '\n';
  } catch (const std::bad_alloc&) {
    std::cerr << name_ << ": error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << name_ << ": error: " << first_line(e.what()) << '\n';
  } catch (...) {
    std::cerr << name_ << ": error: an exception of an unknown type\n";
  }
  return kExitFailure;
}

}  // namespace galaxyzoo::examples
