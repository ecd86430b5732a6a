#include "program.hpp"

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/event_log.hpp>
#include <galaxyzoo/core/log_file.hpp>
#include <galaxyzoo/core/memory.hpp>
#include <galaxyzoo/core/progress.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/version.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <ostream>
#include <utility>

namespace galaxyzoo::examples {
namespace {

constexpr const char* kRunWithHelp = "Run with --help for more information.";

// What --quiet, --verbose, --log_file and --events set up for the body, undone at the end.
class Outputs {
 public:
  Outputs(bool quiet, bool verbose, const std::string& log_file, const std::string& events) {
    if (!log_file.empty()) log_ = std::make_unique<LogFile>(log_file, /*console_stdout=*/!quiet);
    if (quiet && !log_) std::cout.setstate(std::ios::badbit);
    ProgressOutput progress = ProgressOutput::standard_error();
    if (verbose) progress.interval_seconds = 0;
    // Plain lines into the log where the console gets none (a terminal's redrawn line,
    // or nothing at all when quiet); else the log copies the console's.
    if (log_ && (quiet || progress.terminal)) progress.log = &log_->stream();
    if (quiet) progress.stream = nullptr;
    set_progress_output(progress);
    if (!events.empty()) {
      events_ = std::make_unique<JsonLinesEventLog>(events);
      set_event_sink([log = events_.get()](const Event& e) { log->write(e); });
    }
  }
  ~Outputs() {
    set_event_sink({});
    set_progress_output({});
    std::cout.clear();
  }
  Outputs(const Outputs&) = delete;
  Outputs& operator=(const Outputs&) = delete;

 private:
  std::unique_ptr<LogFile> log_;
  std::unique_ptr<JsonLinesEventLog> events_;
};

// Where run() prints in parse-only mode: nowhere.
std::ostream& null_stream() {
  static std::ostream stream(nullptr);
  return stream;
}

// A flag's text quoted for a message, cut short if long (a fuzzer's, say).
std::string shown(const std::string& text) {
  constexpr std::size_t kMaxShown = 40;
  return "'" + (text.size() <= kMaxShown ? text : text.substr(0, kMaxShown) + "...") + "'";
}

// A number as written in a range: the shortest decimal text that reads back the same,
// without an exponent (86400, not 8.64e+04).
std::string format_bound(double value) {
  char text[400];
  const auto end = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed).ptr;
  return std::string(text, end);
}

std::string describe(IntegerRange range) {
  return "[" + std::to_string(range.min) + ", " + std::to_string(range.max) + "]";
}

std::string describe(const RealRange& range) {
  return (range.min_open ? "(" : "[") + format_bound(range.min) + ", " + format_bound(range.max) +
         (range.max_open ? ")" : "]");
}

// A whole number in decimal: its magnitude and sign, or false for anything else (a
// fraction, an exponent, junk, a magnitude over 2^64 - 1).
bool read_whole_number(const std::string& text, bool& negative, std::uint64_t& magnitude) {
  std::size_t start = 0;
  negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) start = 1;
  const char* first = text.data() + start;
  const char* last = text.data() + text.size();
  if (first == last || *first < '0' || *first > '9') return false;  // from_chars takes no sign
  const auto [end, error] = std::from_chars(first, last, magnitude);
  return error == std::errc() && end == last;
}

bool in_range(bool negative, std::uint64_t magnitude, IntegerRange range) {
  if (negative && magnitude != 0) {
    // -magnitude >= min, with min < 0: magnitude <= -min (computed without overflow).
    return range.min < 0 && magnitude <= static_cast<std::uint64_t>(-(range.min + 1)) + 1 &&
           magnitude % range.step == 0;
  }
  return (range.min <= 0 || magnitude >= static_cast<std::uint64_t>(range.min)) &&
         magnitude <= range.max && magnitude % range.step == 0;
}

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

CLI::Validator whole_number_in(IntegerRange range) {
  const std::string expected =
      "expected a whole number in " + describe(range) +
      (range.step > 1 ? ", a multiple of " + std::to_string(range.step) : std::string());
  return CLI::Validator(
      [range, expected](std::string& value) -> std::string {
        bool negative = false;
        std::uint64_t magnitude = 0;
        if (!read_whole_number(value, negative, magnitude) ||
            !in_range(negative, magnitude, range)) {
          return "got " + shown(value) + ", " + expected;
        }
        value = (negative && magnitude != 0 ? "-" : "") + std::to_string(magnitude);
        return {};
      },
      describe(range));
}

CLI::Validator real_number_in(RealRange range) {
  const std::string expected = "expected a finite number in " + describe(range);
  return CLI::Validator(
      [range, expected](std::string& value) -> std::string {
        const char* first = value.c_str();
        char* end = nullptr;
        const double number = value.empty() || std::isspace(static_cast<unsigned char>(value[0]))
                                  ? std::nan("")
                                  : std::strtod(first, &end);
        const bool whole_text = end == first + value.size();
        const bool above_min = range.min_open ? number > range.min : number >= range.min;
        const bool below_max = range.max_open ? number < range.max : number <= range.max;
        if (!whole_text || !std::isfinite(number) || !above_min || !below_max) {
          return "got " + shown(value) + ", " + expected;
        }
        return {};
      },
      describe(range));
}

bool Program::parse_only_ = false;

void Program::set_parse_only(bool parse_only) noexcept { parse_only_ = parse_only; }

Program::Program(std::string name, const std::string& description)
    : name_(std::move(name)), app_(description, name_) {
  app_.set_version_flag("--version", name_ + " (galaxyzoo " GALAXYZOO_VERSION_STRING ")",
                        "Print the version and exit");
  app_.failure_message([name = name_](const CLI::App*, const CLI::Error& e) {
    return name + ": usage error: " + e.what() + "\n" + kRunWithHelp + "\n";
  });
  add_output_flags();
}

void Program::add_output_flags() {
  auto* quiet = app_.add_flag("--quiet", quiet_, "Print warnings and errors only");
  app_.add_flag("--verbose", verbose_, "A progress line after every batch or file")
      ->excludes(quiet);
  app_.add_option("--log_file", log_file_,
                  "Also write everything printed to this file (appended; no carriage returns)");
  app_.add_option("--events", events_file_,
                  "Append one JSON object per epoch, trial and step to this file");
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
  return add_integer("--seed", seed, flag_ranges::kSeed, help);
}

CLI::Option* Program::add_num_workers(int& workers, const std::string& help) {
  workers = kDefaultThreads;
  return add_integer("--num_workers", workers, flag_ranges::kThreads,
                     help + " (0: one per hardware thread)");
}

CLI::Option* Program::add_jpeg_quality(int& quality) {
  return add_integer("--quality", quality, flag_ranges::kJpegQuality, "JPEG quality");
}

CLI::Option* Program::add_jitter(std::vector<double>& factors) {
  return add_reals("--jitter", factors, flag_ranges::kJitterFactor,
                   "Colour jitter: brightness min max, contrast min max (default 0 1.2 0.2 1.8)")
      ->expected(4);
}

CLI::Option* Program::add_center_crop(int& side) {
  return add_integer("--crop", side, flag_ranges::kImageSide,
                     "Cut the centred square of this side first (raw 424 cutouts: 256; 0: none)");
}

void Program::add_fits_options(ReadOptions& read) {
  FitsReadOptions& fits = read.fits;
  FitsDisplay& d = fits.display;
  // A flag naming one of @p choices; --help shows their names and the current one.
  auto add_choice = [this](const std::string& name, auto& value, auto choices,
                           const std::string& help) {
    auto text = std::make_shared<std::string>();
    std::vector<std::string> names;
    for (const auto& [choice, meaning] : choices) {
      names.push_back(choice);
      if (meaning == value) *text = choice;
    }
    app_.add_option(name, *text, help)->capture_default_str()->check(CLI::IsMember(names));
    add_check([&value, text, choices] { value = choices.at(*text); });
  };
  add_integer("--hdu", fits.hdu, flag_ranges::kFitsHdu,
              "FITS: the HDU to read, 0 the primary (-1: the first holding a 2-D image)");
  auto hdus = std::make_shared<std::vector<int>>();
  add_integers("--composite_hdus", *hdus, flag_ranges::kFitsHdus,
               "FITS: an RGB composite of these three HDUs (red,green,blue) of each file")
      ->allow_extra_args(false)  // "0,1,2 file.fits": the file is not a fourth value
      ->delimiter(',');
  add_choice("--clip", d.clip,
             std::map<std::string, FitsClip>{{"percentile", FitsClip::percentile},
                                             {"zscale", FitsClip::zscale},
                                             {"minmax", FitsClip::minmax}},
             "FITS: how the range stretched to 0-255 is chosen");
  auto percentiles = std::make_shared<std::vector<double>>();
  add_reals("--clip_percentiles", *percentiles, flag_ranges::kPercent,
            "FITS, --clip percentile: LOW,HIGH in % (default 0.5,99.5)")
      ->allow_extra_args(false)
      ->delimiter(',');
  add_real("--zscale_contrast", d.zscale_contrast, flag_ranges::kZscaleContrast,
           "FITS, --clip zscale: IRAF's contrast");
  add_choice("--stretch", d.stretch,
             std::map<std::string, Stretch>{{"asinh", Stretch::asinh}, {"linear", Stretch::linear}},
             "FITS, 16-bit PNG and TIFF: the curve from the clipped range to 0-255");
  add_real("--asinh_softening", d.asinh_softening, flag_ranges::kPositive,
           "The asinh softening, a fraction of the clipped range");
  add_choice("--composite", d.composite,
             std::map<std::string, FitsComposite>{{"lupton", FitsComposite::lupton},
                                                  {"per_band", FitsComposite::per_band}},
             "FITS colour composites: Lupton et al.'s asinh, or each band clipped on its own");
  add_real("--lupton_q", d.lupton_q, flag_ranges::kPositive,
           "FITS, --composite lupton: Q, the asinh softening");
  add_real("--lupton_stretch", d.lupton_stretch, flag_ranges::kPositive,
           "FITS, --composite lupton: the intensity above the minimum that is white "
           "(default: the clip's upper limit of the intensity)");
  add_real("--lupton_minimum", d.lupton_minimum, flag_ranges::kDataValue,
           "FITS, --composite lupton: subtracted from every band (default: each band's lower "
           "clip limit)");
  add_check([&read, hdus, percentiles] {
    FitsReadOptions& f = read.fits;
    read.stretch = f.display.stretch;  // the same curve for 16-bit PNG and TIFF
    read.asinh_softening = f.display.asinh_softening;
    if (!hdus->empty() && hdus->size() != 3) {
      throw UsageError("--composite_hdus: got " + std::to_string(hdus->size()) +
                       " HDUs, expected three: RED,GREEN,BLUE");
    }
    if (!hdus->empty()) std::copy(hdus->begin(), hdus->end(), f.composite_hdus.begin());
    if (percentiles->empty()) return;
    if (percentiles->size() != 2 || !((*percentiles)[0] < (*percentiles)[1])) {
      std::string got;
      for (const double p : *percentiles) got += (got.empty() ? "" : ",") + format_bound(p);
      throw UsageError("--clip_percentiles: got " + got + ", expected LOW,HIGH with LOW < HIGH");
    }
    f.display.low_percentile = (*percentiles)[0];
    f.display.high_percentile = (*percentiles)[1];
  });
}

CLI::Option* Program::add_device(std::string& device) {
  device = "auto";
  return app_.add_option("--device", device, "auto, cpu, cuda or cuda:N")
      ->capture_default_str()
      ->check(parsed_by([](const std::string& spec) { parse_device_request(spec); }, "DEVICE"));
}

CLI::Option* Program::add_threads() {
  set_threads_ = true;
  return add_integer("--threads", threads_, flag_ranges::kThreads,
                     "LibTorch's CPU threads per operation (0: one per hardware thread)");
}

CLI::Option* Program::add_real(const std::string& name, double& value, RealRange range,
                               const std::string& help) {
  return app_.add_option(name, value, help)->capture_default_str()->check(real_number_in(range));
}

CLI::Option* Program::add_reals(const std::string& name, std::vector<double>& values,
                                RealRange range, const std::string& help) {
  return app_.add_option(name, values, help)->check(real_number_in(range));
}

CLI::Option* Program::add_network_size(int& size) {
  return add_integer("--image_size", size, flag_ranges::kNetworkSize,
                     "Network input size, a multiple of 32");
}

void Program::add_check(std::function<void()> check) { checks_.push_back(std::move(check)); }

int Program::run(int argc, char** argv, const std::function<int()>& body) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with the status Success.
    const bool success = e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success);
    if (parse_only_) {
      app_.exit(e, null_stream(), null_stream());
    } else {
      app_.exit(e);
    }
    return success ? kExitOk : kExitUsage;
  }
  return run_body(body);
}

int Program::run_body(const std::function<int()>& body) {
  std::ostream& err = parse_only_ ? null_stream() : std::cerr;
  std::unique_ptr<Outputs> outputs;  // outlives the error messages below: they are logged
  try {
    for (const auto& check : checks_) check();
    if (parse_only_) return kExitOk;
    outputs = std::make_unique<Outputs>(quiet_, verbose_, log_file_, events_file_);
    if (set_threads_) set_cpu_threads(threads_);
    keep_freed_memory();  // LibTorch's steps reuse their large blocks (core/memory.hpp)
    return body();
  } catch (const UsageError& e) {
    err << name_ << ": usage error: " << e.what() << '\n' << kRunWithHelp << '\n';
    return kExitUsage;
  } catch (const Error& e) {
    err << name_ << ": error: " << e.what() << '\n';
  } catch (const std::bad_alloc&) {
    err << name_ << ": error: out of memory\n";
  } catch (const std::exception& e) {
    err << name_ << ": error: " << first_line(e.what()) << '\n';
  } catch (...) {
    err << name_ << ": error: an exception of an unknown type\n";
  }
  return kExitFailure;
}

}  // namespace galaxyzoo::examples
