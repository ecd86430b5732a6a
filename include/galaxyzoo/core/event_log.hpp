#pragma once
/// @file
/// Events for scripts and dashboards: the library reports each finished epoch, trial and
/// workflow step as an Event to the process's event sink, which a program points at a
/// JSON-lines file (one object per line, flushed per line, so `tail -f` and scripts can
/// follow a running job). Without a sink events cost nothing and go nowhere.
///
/// Events the library emits (every object also has "type" and "time", seconds since
/// 1970 as a number):
///  - "epoch" (the trainer, rank 0): epoch (from 1), epochs, train_loss, train_accuracy,
///    val_loss, val_accuracy (null without validation), seconds, images_per_second;
///  - "trial" (the search, per trial this process finished): number, state, value (null
///    unless complete), seconds;
///  - "step" (Workflow::run(), per step): seconds (this run's), total_seconds (resumed
///    runs' included), step, state ("ran", "skipped", "interrupted" or "not reached"),
///    summary.
///
/// @code
/// galaxyzoo::JsonLinesEventLog log("events.jsonl");
/// galaxyzoo::set_event_sink([&log](const galaxyzoo::Event& e) { log.write(e); });
/// ...                                       // train, search, run the workflow
/// galaxyzoo::set_event_sink({});           // before log goes away
/// @endcode

#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace galaxyzoo {

/// One thing that happened: its type and its fields, in the order added.
struct Event {
  std::string type;                                        ///< "epoch", "trial", "step", ...
  std::vector<std::pair<std::string, double>> numbers;     ///< numeric fields (NaN: null)
  std::vector<std::pair<std::string, std::string>> texts;  ///< text fields

  /// Adds the numeric field @p key; returns *this for chaining.
  Event& number(std::string key, double value);
  /// Adds the text field @p key; returns *this for chaining.
  Event& text(std::string key, std::string value);
};

/// Receives every emitted event, one call at a time.
using EventSink = std::function<void(const Event&)>;

/// Sets the process's sink (empty: events are dropped). Thread-safe.
void set_event_sink(EventSink sink);
/// Whether a sink is set (so that a caller can skip building an event).
bool event_sink_set() noexcept;
/// Passes @p event to the sink, if one is set; a sink's exception propagates. Thread-safe.
void emit_event(const Event& event);

/// @p event as one line of JSON (no newline): {"type": ..., "time": @p time, fields...};
/// NaN and infinite numbers become null.
std::string event_json(const Event& event, double time);

/// A JSON-lines file of events, appended to (a resumed job continues its log).
class JsonLinesEventLog {
 public:
  /// Opens @p file for appending. @throws IoError if it cannot be opened.
  explicit JsonLinesEventLog(const std::filesystem::path& file);

  /// Appends @p event with the current time and flushes. Thread-safe.
  /// @throws IoError if it cannot be written.
  void write(const Event& event);

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  std::mutex mutex_;
};

}  // namespace galaxyzoo
