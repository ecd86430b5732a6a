#include "galaxyzoo/hpo/optuna_export.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_table.hpp"

namespace galaxyzoo {
namespace {

using json = nlohmann::ordered_json;

// Optuna's journal operations and trial states (optuna.storages.journal, optuna.trial),
// the same numbers in 3.1 and later.
enum Op : int {
  kCreateStudy = 0,
  kCreateTrial = 4,
  kSetTrialStateValues = 6,
  kSetIntermediate = 7
};
constexpr int kMinimize = 1;  // optuna.study.StudyDirection.MINIMIZE

int optuna_state(TrialState state) {
  switch (state) {
    case TrialState::running:
      return 0;
    case TrialState::complete:
      return 1;
    case TrialState::pruned:
      return 2;
    case TrialState::failed:
      return 3;
  }
  return 3;
}

std::int64_t microseconds(double unix_seconds) { return std::llround(unix_seconds * 1e6); }

std::string two(std::int64_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "%02lld", static_cast<long long>(v));
  return text;
}

std::string six(std::int64_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "%06lld", static_cast<long long>(v));
  return text;
}

// @p v as Python's repr() writes it, and so pandas' to_csv(): the shortest digits that
// read back exactly, in scientific notation below 1e-4 and from 1e16 ("1e-05", "0.0001",
// "2.0", "1e+16").
std::string python_repr(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char text[64];
  const auto end = std::to_chars(text, text + sizeof text, v, std::chars_format::scientific).ptr;
  const std::string sci(text, end);  // "-1.2345e-05"
  const auto e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  const bool negative = sci[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + 'e' +
           (exponent < 0 ? '-' : '+') + two(std::abs(exponent));
  } else if (exponent < 0) {
    out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else {
    const auto point = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= point) digits += std::string(point - digits.size(), '0');
    out += digits.substr(0, point) + '.' + (digits.size() > point ? digits.substr(point) : "0");
  }
  return out;
}

// A parameter's value as pandas writes it: integers and strings as they are, reals as
// python_repr().
std::string pandas_text(const ParameterValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return python_repr(*d);
  return to_string(value);
}

json to_json(const ParameterValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  return std::get<std::string>(value);
}

// Optuna's JSON of a distribution (optuna.distributions.distribution_to_json): a string.
std::string distribution_json(const Parameter& p) {
  json d;
  if (p.kind == ParameterKind::categorical) {
    json choices = json::array();
    for (const auto& c : p.choices) choices.push_back(to_json(c));
    d = {{"name", "CategoricalDistribution"}, {"attributes", {{"choices", choices}}}};
  } else if (p.kind == ParameterKind::integer) {
    d = {{"name", "IntDistribution"},
         {"attributes",
          {{"log", p.log},
           {"step", static_cast<std::int64_t>(p.step > 0 ? p.step : 1)},
           {"low", static_cast<std::int64_t>(p.low)},
           {"high", static_cast<std::int64_t>(p.high)}}}};
  } else {
    d = {{"name", "FloatDistribution"},
         {"attributes",
          {{"step", p.step > 0 ? json(p.step) : json(nullptr)},
           {"low", p.low},
           {"high", p.high},
           {"log", p.log}}}};
  }
  return d.dump();
}

// Optuna's internal representation of a value: the choice's index for a categorical
// parameter, else the number.
json internal_value(const Parameter& p, const ParameterValue& value) {
  if (p.kind != ParameterKind::categorical) return to_double(value);
  const auto it = std::find(p.choices.begin(), p.choices.end(), value);
  return static_cast<std::int64_t>(it - p.choices.begin());
}

json internal_params(const Trial& trial, const SearchSpace& space) {
  json params = json::object();
  for (const auto& p : space.parameters()) {
    const auto it = trial.params.find(p.name);
    if (it != trial.params.end()) params[p.name] = internal_value(p, it->second);
  }
  return params;
}

json trial_values(const Trial& trial) {
  if (trial.state == TrialState::running || trial.state == TrialState::failed || !trial.value ||
      !std::isfinite(*trial.value)) {
    return nullptr;
  }
  return json::array({*trial.value});
}

json time_or_null(double unix_seconds) {
  return unix_seconds > 0 ? json(optuna_datetime(unix_seconds, 'T')) : json(nullptr);
}

std::string worker_id(const TrialRecord& r) { return "galaxyzoo:" + r.worker; }

std::string create_study_line(const StudyConfig& study) {
  const json line = {{"op_code", kCreateStudy},
                     {"worker_id", "galaxyzoo"},
                     {"study_name", study.name},
                     {"directions", json::array({kMinimize})}};
  return line.dump() + '\n';
}

std::string create_trial_line(const TrialRecord& r, const SearchSpace& space) {
  const Trial& t = r.trial;
  json distributions = json::object(), intermediate = json::object();
  for (const auto& p : space.parameters()) {
    if (t.params.count(p.name)) distributions[p.name] = distribution_json(p);
  }
  for (const auto& [step, value] : t.intermediate) {
    if (std::isfinite(value)) intermediate[std::to_string(step)] = value;
  }
  const json values = trial_values(t);
  json line = {{"op_code", kCreateTrial},
               {"worker_id", worker_id(r)},
               {"study_id", 0},
               {"datetime_start", time_or_null(r.started_at)},
               {"state", optuna_state(t.state)},
               {"value", values.is_null() ? json(nullptr) : values[0]},
               {"values", nullptr}};
  if (t.finished() || t.state == TrialState::failed) {
    line["datetime_complete"] = time_or_null(r.finished_at);
  }
  line["distributions"] = distributions;
  line["params"] = internal_params(t, space);
  line["user_attrs"] = json::object();
  line["system_attrs"] = json::object();
  line["intermediate_values"] = intermediate;
  return line.dump() + '\n';
}

// A trial as the journal on disk has it.
struct JournalTrial {
  int state = 0;
  std::string params;  // the internal parameters' JSON text
  json started;        // datetime_start
  std::map<std::int64_t, double> intermediate;
};

// What an existing journal holds; nullopt if it is not one this file could have written.
std::optional<std::vector<JournalTrial>> replay(const std::string& text,
                                                const std::string& study_name) {
  std::vector<JournalTrial> trials;
  std::istringstream lines(text);
  std::string line;
  bool study = false;
  try {
    while (std::getline(lines, line)) {
      const json log = json::parse(line);
      const int op = log.at("op_code").get<int>();
      if (op == kCreateStudy) {
        if (study || log.at("study_name").get<std::string>() != study_name) return std::nullopt;
        study = true;
      } else if (op == kCreateTrial && study) {
        JournalTrial t;
        t.state = log.at("state").get<int>();
        t.params = log.at("params").dump();
        t.started = log.at("datetime_start");
        for (const auto& [step, value] : log.at("intermediate_values").items())
          t.intermediate[std::stoll(step)] = value.get<double>();
        trials.push_back(std::move(t));
      } else if ((op == kSetTrialStateValues || op == kSetIntermediate) && study) {
        auto& t = trials.at(log.at("trial_id").get<std::size_t>());
        if (op == kSetTrialStateValues) t.state = log.at("state").get<int>();
        if (op == kSetIntermediate)
          t.intermediate[log.at("step").get<std::int64_t>()] =
              log.at("intermediate_value").get<double>();
      } else {
        return std::nullopt;
      }
    }
  } catch (const std::exception&) {
    return std::nullopt;  // not JSON, a missing field, a trial that does not exist
  }
  if (!study || (!text.empty() && text.back() != '\n')) return std::nullopt;
  return trials;
}

// The lines that bring trial @p index from @p exported (a running trial) up to date with
// @p r.
std::string update_lines(std::size_t index, const JournalTrial& exported, const TrialRecord& r) {
  std::string out;
  for (const auto& [step, value] : r.trial.intermediate) {
    const auto it = exported.intermediate.find(step);
    if (!std::isfinite(value) || (it != exported.intermediate.end() && it->second == value))
      continue;
    out += json({{"op_code", kSetIntermediate},
                 {"worker_id", worker_id(r)},
                 {"trial_id", index},
                 {"step", step},
                 {"intermediate_value", value}})
               .dump() +
           '\n';
  }
  if (r.trial.state != TrialState::running) {
    out += json({{"op_code", kSetTrialStateValues},
                 {"worker_id", worker_id(r)},
                 {"trial_id", index},
                 {"state", optuna_state(r.trial.state)},
                 {"values", trial_values(r.trial)},
                 {"datetime_complete", time_or_null(r.finished_at)}})
               .dump() +
           '\n';
  }
  return out;
}

// The lines to append to a journal holding @p exported; nullopt if it must be written
// afresh: more trials than the study has, a trial whose parameters differ, a finished
// trial whose state differs, or a running trial re-run since (a new start time, which
// Optuna's journal cannot change).
std::optional<std::string> appended_lines(const std::vector<JournalTrial>& exported,
                                          const std::vector<TrialRecord>& records,
                                          const SearchSpace& space) {
  if (exported.size() > records.size()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const TrialRecord& r = records[i];
    if (i >= exported.size()) {
      out += create_trial_line(r, space);
      continue;
    }
    const JournalTrial& e = exported[i];
    if (e.params != internal_params(r.trial, space).dump() ||
        (e.state == 0 && e.started != time_or_null(r.started_at))) {
      return std::nullopt;
    }
    if (e.state != 0) {  // finished in the journal: final there
      if (e.state != optuna_state(r.trial.state)) return std::nullopt;
      continue;
    }
    out += update_lines(i, e, r);
  }
  return out;
}

std::string read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(file, "cannot read the Optuna journal");
  return text.str();
}

// Holds an exclusive flock on a folder while it lives (nothing if the file system has
// no locks: the rename keeps each write whole all the same).
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& folder)
      : fd_(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

}  // namespace

const char* optuna_state_name(TrialState state) noexcept {
  switch (state) {
    case TrialState::running:
      return "RUNNING";
    case TrialState::complete:
      return "COMPLETE";
    case TrialState::pruned:
      return "PRUNED";
    case TrialState::failed:
      return "FAIL";
  }
  return "FAIL";
}

std::string optuna_datetime(double unix_seconds, char separator) {
  if (!(unix_seconds > 0)) return "";
  const std::int64_t us = microseconds(unix_seconds);
  const auto seconds = static_cast<std::time_t>(us / 1000000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  std::string out = text;
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return out + separator + text + '.' + six(us % 1000000);
}

std::string optuna_duration(double start, double end) {
  if (!(start > 0) || !(end > 0)) return "";
  // A clock stepped back gives no negative time.
  const std::int64_t us = std::max<std::int64_t>(0, microseconds(end) - microseconds(start));
  const std::int64_t day = 86400LL * 1000000, rest = us % day, s = rest / 1000000;
  return std::to_string(us / day) + " days " + two(s / 3600) + ':' + two(s / 60 % 60) + ':' +
         two(s % 60) + '.' + six(rest % 1000000);
}

std::string trials_dataframe_csv(const std::vector<TrialRecord>& records,
                                 const SearchSpace& space) {
  std::vector<std::string> names;
  for (const auto& p : space.parameters()) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  std::ostringstream csv;
  csv << "number,value,datetime_start,datetime_complete,duration";
  for (const auto& name : names) csv << ',' << csv_field("params_" + name);
  csv << ",state,attempts,worker,message\n";
  for (const auto& r : records) {
    const Trial& t = r.trial;
    const bool finished = t.state != TrialState::running;
    csv << t.number << ',' << (t.value ? python_repr(*t.value) : "") << ','
        << optuna_datetime(r.started_at) << ',' << (finished ? optuna_datetime(r.finished_at) : "")
        << ',' << (finished ? optuna_duration(r.started_at, r.finished_at) : "");
    for (const auto& name : names) {
      const auto it = t.params.find(name);
      csv << ',' << (it == t.params.end() ? std::string() : csv_field(pandas_text(it->second)));
    }
    csv << ',' << optuna_state_name(t.state) << ',' << r.attempts << ',' << csv_field(r.worker)
        << ',' << csv_field(r.message) << '\n';
  }
  return csv.str();
}

std::string optuna_journal(const StudyConfig& study, const std::vector<TrialRecord>& records) {
  std::string out = create_study_line(study);
  for (const auto& r : records) out += create_trial_line(r, study.space);
  return out;
}

void export_optuna_journal(const StudyConfig& study, const std::vector<TrialRecord>& records,
                           const std::filesystem::path& file) {
  const FolderLock lock(file.parent_path());
  const std::string old = read_whole(file);
  std::optional<std::string> more;
  if (!old.empty()) {
    if (const auto exported = replay(old, study.name))
      more = appended_lines(*exported, records, study.space);
  }
  if (!more) {
    write_file_atomically(file, optuna_journal(study, records));
  } else if (!more->empty()) {
    write_file_atomically(file, {old, *more});
  }
}

}  // namespace galaxyzoo
