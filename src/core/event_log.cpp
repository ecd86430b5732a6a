#include "galaxyzoo/core/event_log.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

std::mutex g_sink_mutex;
EventSink g_sink;
std::atomic<bool> g_sink_set{false};

}  // namespace

Event& Event::number(std::string key, double value) {
  numbers.emplace_back(std::move(key), value);
  return *this;
}

Event& Event::text(std::string key, std::string value) {
  texts.emplace_back(std::move(key), std::move(value));
  return *this;
}

void set_event_sink(EventSink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  g_sink = std::move(sink);
  g_sink_set = static_cast<bool>(g_sink);
}

bool event_sink_set() noexcept { return g_sink_set.load(); }

void emit_event(const Event& event) {
  if (!event_sink_set()) return;
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  if (g_sink) g_sink(event);
}

std::string event_json(const Event& event, double time) {
  nlohmann::ordered_json j;
  j["type"] = event.type;
  j["time"] = time;
  for (const auto& [key, value] : event.numbers) {
    if (std::isfinite(value)) {
      j[key] = value;
    } else {
      j[key] = nullptr;
    }
  }
  for (const auto& [key, value] : event.texts) j[key] = value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JsonLinesEventLog::JsonLinesEventLog(const std::filesystem::path& file)
    : path_(file), out_(file, std::ios::app) {
  if (!out_) throw IoError(file, "cannot open the event log for appending");
}

void JsonLinesEventLog::write(const Event& event) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string line = event_json(event, now);
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << '\n' << std::flush;
  if (!out_) throw IoError(path_, "cannot write to the event log");
}

}  // namespace galaxyzoo
