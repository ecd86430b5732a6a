#include "galaxyzoo/workflow/workflow.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <utility>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/event_log.hpp"
#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

constexpr const char* kRecordFormat = "galaxyzoo.workflow_step";
constexpr int kRecordVersion = 1;

// 64-bit FNV-1a: enough to tell inputs apart, not a security measure.
std::uint64_t fnv1a(const std::string& text, std::uint64_t hash = 14695981039346656037ull) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// "size:mtime" of a regular file; empty if it is not one.
std::string file_stamp(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return {};
  const auto time = fs::last_write_time(path, ec);
  if (ec) return {};
  return std::to_string(size) + ":" + std::to_string(time.time_since_epoch().count());
}

struct Record {
  bool exists = false;
  std::string fingerprint;
  bool complete = false;
  double seconds = 0;
  std::string summary;
  std::string details;
};

Record read_record(const fs::path& file) {
  Record record;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return record;
  const std::string text = read_text_file(file, "workflow step record");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, 0, "",
                     std::string("not a workflow step record (") + e.what() +
                         "); delete it to run the step afresh");
  }
  const auto field = [&](const char* key, auto expected) {
    using T = decltype(expected);
    if (!json.is_object() || !json.contains(key)) {
      throw InputError(file, 0, key, "missing; delete the record to run the step afresh");
    }
    try {
      return json.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(file, 0, key,
                       "has the wrong type; delete the record to run the step afresh");
    }
  };
  if (field("format", std::string()) != kRecordFormat || field("version", 0) != kRecordVersion) {
    throw InputError(file, 0, "format",
                     std::string("expected a ") + kRecordFormat + " record, version " +
                         std::to_string(kRecordVersion));
  }
  record.exists = true;
  record.fingerprint = field("fingerprint", std::string());
  const std::string state = field("state", std::string());
  if (state != "started" && state != "complete") {
    throw InputError(file, 0, "state", "expected 'started' or 'complete', found '" + state + "'");
  }
  record.complete = state == "complete";
  record.seconds = field("seconds", 0.0);
  record.summary = field("summary", std::string());
  record.details = field("details", std::string());
  return record;
}

void write_record(const fs::path& file, const WorkflowStep& step, const std::string& fingerprint,
                  bool complete, double seconds, const std::string& summary,
                  const std::string& details) {
  nlohmann::json json;
  json["format"] = kRecordFormat;
  json["version"] = kRecordVersion;
  json["step"] = step.name;
  json["fingerprint"] = fingerprint;
  json["state"] = complete ? "complete" : "started";
  json["seconds"] = seconds;
  json["summary"] = summary;
  json["details"] = details;
  json["needs"] = step.needs;
  json["inputs"] = step.inputs.values();
  json["updated_unix"] = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  write_file_atomically(file, json.dump(2) + "\n");
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Skips @p step if its record is complete with @p report's fingerprint, else runs it
// (resuming when the record is a started one with that fingerprint, cleaning first when
// the fingerprint differs); returns @p report filled in.
StepReport run_or_skip(const WorkflowStep& step, StepReport report,
                       const WorkflowOptions& options) {
  const fs::path record_file = options.record_dir / (step.name + ".json");
  const Record record = read_record(record_file);
  const bool same_inputs = record.exists && record.fingerprint == report.fingerprint;
  if (same_inputs && record.complete) {
    report.status = StepStatus::skipped;
    report.total_seconds = record.seconds;
    report.summary = record.summary;
    report.details = record.details;
    return report;
  }
  // Clean before the "started" record is written: a kill in between leaves the old
  // record, and the next run cleans again.
  if (!same_inputs && step.clean) step.clean();
  std::error_code ec;
  fs::create_directories(options.record_dir, ec);
  if (ec) throw IoError(options.record_dir, ec.message());
  const double before = same_inputs ? record.seconds : 0.0;
  if (!same_inputs) write_record(record_file, step, report.fingerprint, false, 0.0, "", "");
  if (options.on_start) options.on_start(step, same_inputs);

  const auto start = std::chrono::steady_clock::now();
  StepOutcome outcome;
  try {
    outcome = step.run();
  } catch (...) {
    // Keep the time spent, so the summary stays honest after a resume.
    write_record(record_file, step, report.fingerprint, false, before + seconds_since(start), "",
                 "");
    throw;
  }
  report.seconds = seconds_since(start);
  report.total_seconds = before + report.seconds;
  report.summary = outcome.summary;
  report.details = outcome.details;
  report.status = outcome.finished ? StepStatus::ran : StepStatus::interrupted;
  write_record(record_file, step, report.fingerprint, outcome.finished, report.total_seconds,
               outcome.summary, outcome.details);
  return report;
}

}  // namespace

StepInputs& StepInputs::set(const std::string& key, const std::string& value) {
  values_[key] = value;
  return *this;
}

StepInputs& StepInputs::set(const std::string& key, std::int64_t value) {
  return set(key, std::to_string(value));
}

StepInputs& StepInputs::set(const std::string& key, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return set(key, std::string(text));
}

StepInputs& StepInputs::set(const std::string& key, const std::vector<std::int64_t>& values) {
  std::string text;
  for (const auto v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
  return set(key, text);
}

StepInputs& StepInputs::file(const fs::path& path) {
  std::error_code ec;
  std::string stamp;
  if (fs::is_directory(path, ec)) {
    std::vector<std::pair<std::string, std::string>> entries;
    const FolderListing listing = list_folder(path, [](const std::string&) { return true; });
    for (const auto& file : listing.files)
      entries.emplace_back(file.filename().string(), file_stamp(file));
    for (const auto& bad : listing.skipped)  // a repaired entry changes the stamp
      entries.emplace_back(bad.path.filename().string(), "unusable: " + bad.reason);
    std::sort(entries.begin(), entries.end());
    std::uint64_t hash = fnv1a("folder");
    for (const auto& [name, s] : entries) hash = fnv1a(name + "=" + s + "\n", hash);
    stamp = "folder:" + std::to_string(entries.size()) + ":" + hex(hash);
  } else {
    stamp = file_stamp(path);
    if (stamp.empty()) stamp = "missing";
  }
  return set("file:" + path.lexically_normal().string(), stamp);
}

std::string StepInputs::fingerprint() const {
  std::uint64_t hash = fnv1a("galaxyzoo step inputs\n");
  for (const auto& [key, value] : values_) hash = fnv1a(key + "=" + value + "\n", hash);
  return hex(hash);
}

const char* to_string(StepStatus status) noexcept {
  switch (status) {
    case StepStatus::ran:
      return "ran";
    case StepStatus::skipped:
      return "skipped";
    case StepStatus::interrupted:
      return "interrupted";
    case StepStatus::not_reached:
      return "not reached";
  }
  return "?";
}

Workflow::Workflow(WorkflowOptions options) : options_(std::move(options)) {
  if (options_.record_dir.empty()) throw Error("Workflow: the record folder is empty");
}

void Workflow::add(WorkflowStep step) {
  if (!valid_name(step.name)) {
    throw Error("Workflow: step name '" + step.name + "': expected letters, digits, '_' or '-'");
  }
  for (const auto& s : steps_) {
    if (s.name == step.name) throw Error("Workflow: step '" + step.name + "' added twice");
  }
  for (const auto& need : step.needs) {
    const bool known =
        std::any_of(steps_.begin(), steps_.end(), [&](const auto& s) { return s.name == need; });
    if (!known)
      throw Error("Workflow: step '" + step.name + "' needs '" + need +
                  "', which was not added before it");
  }
  if (!step.run) throw Error("Workflow: step '" + step.name + "' has nothing to run");
  steps_.push_back(std::move(step));
}

std::string Workflow::fingerprint(const std::string& name) const {
  const auto it =
      std::find_if(steps_.begin(), steps_.end(), [&](const auto& s) { return s.name == name; });
  if (it == steps_.end()) throw Error("Workflow: no step '" + name + "'");
  std::uint64_t hash = fnv1a("step " + it->name + " " + it->inputs.fingerprint() + "\n");
  for (const auto& need : it->needs)
    hash = fnv1a("needs " + need + " " + fingerprint(need) + "\n", hash);
  return hex(hash);
}

std::vector<StepReport> Workflow::run() {
  finished_ = false;
  std::vector<StepReport> reports;
  bool stopped = false;
  for (const auto& step : steps_) {
    StepReport report;
    report.name = step.name;
    report.fingerprint = fingerprint(step.name);
    stopped = stopped || stop_requested();
    if (!stopped) {
      report = run_or_skip(step, std::move(report), options_);
      stopped = report.status == StepStatus::interrupted;
    }
    reports.push_back(report);
    emit_event(Event{
        "step",
        {{"seconds", report.seconds}, {"total_seconds", report.total_seconds}},
        {{"step", report.name}, {"state", to_string(report.status)}, {"summary", report.summary}}});
    if (options_.on_step) options_.on_step(report);
  }
  finished_ = !stopped;
  return reports;
}

}  // namespace galaxyzoo
