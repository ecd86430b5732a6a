#pragma once
/// @file
/// Progress of long work, in one form everywhere: a ProgressMeter counts the items of a
/// phase (the batches of an epoch, the images rendered) and prints lines such as
///
///     trial 2/5  epoch 3/10  batch 12/57  35.2 images/s  elapsed 0:41  ETA epoch 1:39, step 38:10
///     rendered 200/550  118.0 images/s  elapsed 0:02  ETA 0:03
///
/// On a terminal the line is redrawn in place (after a carriage return); on anything else
/// (a pipe, a file) plain lines are printed now and then (every 10% of the phase and at
/// least every 10 s by default), so that no carriage return reaches a log file. A rate
/// over less than half a second shows as 0.0. ProgressStage marks the
/// levels around a phase (the trial, the epoch): they prefix the line, and the "step" ETA
/// counts what remains of all of them.
///
/// The library's meters (the trainer's, the image steps') print to progress_output(),
/// which is nowhere until a program sets it: a library user sees nothing unless asking.
///
/// @code
/// galaxyzoo::set_progress_output(galaxyzoo::ProgressOutput::standard_error());
/// galaxyzoo::ProgressMeter meter("rendered", images.size(), "images");
/// for (std::size_t i = 0; i < images.size(); ++i) {
///   render(images[i]);
///   meter.update(i + 1, static_cast<double>(i + 1));
/// }
/// meter.finish();
/// @endcode

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace galaxyzoo {

/// Where progress goes and how often.
struct ProgressOutput {
  /// Where progress lines go; nullptr: nowhere (quiet).
  std::ostream* stream = nullptr;
  /// The stream is a terminal: one line redrawn in place after a carriage return.
  /// Otherwise plain lines, each ending in a newline.
  bool terminal = false;
  /// Also plain lines here, e.g. a log file while @p stream is a terminal; nullptr: none.
  std::ostream* log = nullptr;
  /// Plain lines: one whenever this many seconds passed since the last (0: one per update).
  double interval_seconds = 10;
  /// Plain lines: also one each time another this fraction of the phase is done.
  double fraction = 0.1;
  /// Terminal: redraw at most this often, in seconds.
  double redraw_seconds = 0.25;

  /// Standard error, redrawn in place when it is a terminal (is_terminal(2)).
  static ProgressOutput standard_error();
};

/// The output of meters made without one: nowhere until set_progress_output() is called.
/// Thread-safe.
ProgressOutput progress_output();
/// Sets what progress_output() returns. Thread-safe.
void set_progress_output(const ProgressOutput& output);

/// Whether the file descriptor @p fd is a terminal.
bool is_terminal(int fd) noexcept;

/// A duration as the meters print it: "0:07", "3:07", "1:02:03" (hours:)minutes:seconds.
std::string format_duration(double seconds);

/// One level around a meter's phase while it lives, e.g. trial 2 of 5 or epoch 3 of 10:
/// meters on the same thread prefix their line with "trial 2/5  epoch 3/10" and estimate
/// the time left in the step from the levels' counts. Levels nest in order of creation.
class ProgressStage {
 public:
  /// Level @p name at @p index (1-based) of @p count.
  ProgressStage(std::string name, std::int64_t index, std::int64_t count);
  ~ProgressStage();
  ProgressStage(const ProgressStage&) = delete;
  ProgressStage& operator=(const ProgressStage&) = delete;
};

/// Counts the items of one phase and prints progress lines; see the file comment.
/// Not thread-safe: update it from one thread (or one call at a time).
class ProgressMeter {
 public:
  /// Seconds on a monotonic clock; a test passes its own.
  using Clock = std::function<double()>;

  /// A phase of @p total items called @p item ("batch", "rendered"), carrying units called
  /// @p unit ("images") whose rate is shown, started at item @p first (a resumed phase),
  /// printing to @p output; @p clock defaults to std::chrono::steady_clock.
  ProgressMeter(std::string item, std::size_t total, std::string unit,
                ProgressOutput output = progress_output(), std::size_t first = 0, Clock clock = {});
  /// Calls finish().
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  /// @p done items of the phase are done, @p units units since the meter started; prints
  /// when it is time to.
  void update(std::size_t done, double units);
  /// Ends the phase: on a terminal the redrawn line is cleared, so that the next output
  /// starts on a clean line. Idempotent.
  void finish();

  /// The line for the state after the last update, without carriage return or newline.
  std::string line() const;

  /// An on_progress callback (done, total) for the image steps' options that makes a
  /// meter of @p item with @p unit (one unit per item, printing to progress_output()) at
  /// its first call, updates it and finishes it when done reaches total.
  static std::function<void(std::size_t, std::size_t)> callback(std::string item, std::string unit);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace galaxyzoo
