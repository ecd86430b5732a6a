#include "galaxyzoo/hpo/hpo_search.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <iomanip>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <sstream>
#include <thread>

#include "core/process_liveness.hpp"
#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/event_log.hpp"
#include "galaxyzoo/core/progress.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/hpo/optuna_export.hpp"
#include "galaxyzoo/hpo/trial_plots.hpp"

namespace galaxyzoo {
namespace {

using Clock = std::chrono::steady_clock;

std::string make_worker_name() {
  std::random_device device;
  std::ostringstream name;
  name << detail::this_host() << ':' << getpid() << ':' << std::hex << std::setw(8)
       << std::setfill('0') << device();
  return name.str();
}

// One thread per run() that refreshes the heartbeat of the trial being run, if any
// (one thread for all trials: starting and joining one per trial costs a scheduler
// wake-up each, milliseconds on a busy machine).
class Heartbeat {
 public:
  Heartbeat(StudyStorage& storage, std::string worker, double seconds)
      : storage_(storage),
        worker_(std::move(worker)),
        interval_(seconds),
        thread_([this] { loop(); }) {}
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Beats for trial @p number from now on; clears @p owned if it is taken over.
  void start(std::int64_t number, std::atomic<bool>* owned) {
    std::lock_guard<std::mutex> lock(mutex_);
    number_ = number;
    owned_ = owned;
  }
  // Stops beating (waits for a beat in progress).
  void stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    number_ = -1;
    owned_ = nullptr;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
      if (number_ < 0) continue;
      try {
        if (!storage_.heartbeat(number_, worker_)) {
          owned_->store(false);
          number_ = -1;
        }
      } catch (const std::exception&) {
        // A busy or failing database: try again next time; the grace period is
        // several intervals long.
      }
    }
  }

  StudyStorage& storage_;
  std::string worker_;
  std::chrono::duration<double> interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::int64_t number_ = -1;
  std::atomic<bool>* owned_ = nullptr;
  std::thread thread_;  // last: starts after the members it uses
};

std::string iso_time(double unix_seconds) {
  if (unix_seconds <= 0) return "";
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string format_value(const std::optional<double>& value) {
  return value ? to_string(ParameterValue(*value)) : std::string();
}

std::string describe_params(const Assignment& params, const SearchSpace& space) {
  std::string out;
  for (const auto& p : space.parameters()) {
    const auto it = params.find(p.name);
    if (it != params.end()) out += (out.empty() ? "" : " ") + p.name + "=" + to_string(it->second);
  }
  return out;
}

// Passes @p line, with its '\n', to the search's on_message callback, if any.
void tell(const HpoSearchOptions& options, const std::string& line) {
  if (options.on_message) options.on_message(line + '\n');
}

// How one run of the objective ended.
struct Outcome {
  TrialState state = TrialState::failed;
  std::optional<double> value;
  std::string message;       // why it failed
  bool interrupted = false;  // a stop request: the trial is handed back
};

// Runs @p objective on @p context and classifies how it ended. An IoError (the
// machine's fault, not the parameters') propagates.
Outcome run_objective(const Objective& objective, TrialContext& context) {
  Outcome out;
  try {
    const double v = objective(context);
    if (context.pruned()) {
      out.state = TrialState::pruned;
      out.value = context.intermediate().empty() ? v : context.intermediate().rbegin()->second;
    } else if (std::isnan(v)) {
      out.message = "the objective returned NaN";
    } else {
      out.state = TrialState::complete;
      out.value = v;
    }
  } catch (const TrialPruned&) {
    out.state = TrialState::pruned;
    if (!context.intermediate().empty()) out.value = context.intermediate().rbegin()->second;
  } catch (const TrialInterrupted&) {
    out.interrupted = true;
  } catch (const IoError&) {
    // A full disk, an unreadable file: the trial is handed back and the error stops the
    // run, instead of failing trial after trial the same way.
    throw;
  } catch (const std::exception& e) {
    out.message = e.what();
  } catch (...) {
    out.message = "the objective threw an unknown exception";
  }
  if (out.value && std::isnan(*out.value)) out.value.reset();
  return out;
}

// "trial N started: params" or "trial N re-run (attempt K): params".
std::string claim_line(const ClaimedTrial& claimed, const SearchSpace& space) {
  return "trial " + std::to_string(claimed.trial.number) +
         (claimed.resumed ? " re-run (attempt " + std::to_string(claimed.attempt) + ")"
                          : " started") +
         ": " + describe_params(claimed.trial.params, space);
}

// The line after a finished trial: its outcome, its time and the study's progress.
std::string finished_line(std::int64_t number, const Outcome& outcome, double seconds,
                          std::int64_t finished, std::int64_t total,
                          const std::optional<TrialRecord>& best) {
  std::ostringstream out;
  out << std::setprecision(6) << "trial " << number << ' ' << to_string(outcome.state);
  if (outcome.value) out << "  value " << *outcome.value;
  if (outcome.state == TrialState::failed) out << "  (" << outcome.message << ')';
  out << "  " << std::fixed << std::setprecision(1) << seconds << " s" << std::defaultfloat
      << std::setprecision(6) << "  [" << finished << '/' << total << " finished";
  if (best) out << "; best: trial " << best->trial.number << ", " << *best->trial.value;
  out << ']';
  return out.str();
}

// The "trial" event of a trial this worker finished (event_log.hpp).
void emit_trial_event(std::int64_t number, const Outcome& outcome, double seconds) {
  Event event;
  event.type = "trial";
  event.number("number", static_cast<double>(number))
      .number("value", outcome.value ? *outcome.value : std::numeric_limits<double>::quiet_NaN())
      .number("seconds", seconds)
      .text("state", to_string(outcome.state));
  emit_event(event);
}

std::int64_t count_finished(const std::vector<TrialRecord>& records) {
  return std::count_if(records.begin(), records.end(),
                       [](const TrialRecord& r) { return r.trial.finished(); });
}

// After a trial this worker recorded: the summary files and the progress line.
void summarise_trial(StudyStorage& storage, const HpoSearchOptions& options, std::int64_t number,
                     const Outcome& outcome, double seconds) {
  if (!options.on_message && options.output_dir.empty()) return;
  const auto records = storage.records();
  if (!options.output_dir.empty()) {
    write_hpo_summary(records, options.space, options.study_name, options.output_dir,
                      options.output_name);
  }
  tell(options, finished_line(number, outcome, seconds, count_finished(records), options.trials,
                              best_trial(records)));
}

// The study's totals at the end of a run in @p result, and the summary files once more.
HpoResult finish_run(StudyStorage& storage, const HpoSearchOptions& options, HpoResult result) {
  const auto records = storage.records();
  result.finished_total = count_finished(records);
  result.best = best_trial(records);
  if (!options.output_dir.empty() && !records.empty()) {
    write_hpo_summary(records, options.space, options.study_name, options.output_dir,
                      options.output_name);
  }
  return result;
}

// Counts a recorded trial of this run in @p result.
void count_outcome(const Outcome& outcome, HpoResult& result) {
  if (outcome.state == TrialState::complete) ++result.complete;
  if (outcome.state == TrialState::pruned) ++result.pruned;
  if (outcome.state == TrialState::failed) ++result.failed;
}

// Throws once this run has failed @p max_failures trials (0: never).
void throw_after_max_failures(const Outcome& last, std::int64_t max_failures,
                              const HpoResult& result) {
  if (last.state == TrialState::failed && max_failures > 0 && result.failed >= max_failures) {
    throw Error("HpoSearch: " + std::to_string(result.failed) +
                " trials failed in this run (the last: " + last.message +
                "); fix the objective and run again");
  }
}

nlohmann::json to_json(const ParameterValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  return std::get<std::string>(value);
}

}  // namespace

const ParameterValue& TrialContext::param(const std::string& name) const {
  const auto it = trial_.params.find(name);
  if (it == trial_.params.end()) {
    throw Error("trial " + std::to_string(trial_.number) + " has no parameter '" + name + "'");
  }
  return it->second;
}

void TrialContext::report(std::int64_t step, double value) {
  trial_.intermediate[step] = value;
  last_step_ = step;
  if (!storage_.report(trial_.number, worker_, step, value)) owned_ = false;
}

bool TrialContext::should_prune() {
  if (pruned_) return true;
  if (!last_step_) return false;
  const auto trials = storage_.trials();
  pruned_ = pruner_.prune(trial_, trials, *last_step_);
  return pruned_;
}

std::optional<TrialRecord> best_trial(const std::vector<TrialRecord>& records) {
  std::optional<TrialRecord> best;
  for (const auto& r : records) {
    if (r.trial.state != TrialState::complete || !r.trial.value) continue;
    if (!best || *r.trial.value < *best->trial.value) best = r;
  }
  return best;
}

void write_hpo_summary(const std::vector<TrialRecord>& records, const SearchSpace& space,
                       const std::string& study_name, const std::filesystem::path& folder,
                       const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw IoError(folder, "cannot create the output folder: " + ec.message());

  write_file_atomically(folder / (name + "_trials.csv"), trials_dataframe_csv(records, space));
  StudyConfig study;
  study.name = study_name;
  study.space = space;
  export_optuna_journal(study, records, folder / (name + ".optuna.log"));
  write_trial_plots(records, space, folder, name);

  const auto best = best_trial(records);
  if (!best) return;
  std::ostringstream text;
  text << "# Best trial of study '" << study_name << "' (lowest objective value)\n";
  text << "trial: " << best->trial.number << '\n';
  text << "value: " << format_value(best->trial.value) << '\n';
  for (const auto& p : space.parameters()) {
    const auto it = best->trial.params.find(p.name);
    if (it != best->trial.params.end()) text << p.name << ": " << to_string(it->second) << '\n';
  }
  write_file_atomically(folder / ("best_" + name + "_params.txt"), text.str());

  nlohmann::ordered_json json;
  json["study"] = study_name;
  json["number"] = best->trial.number;
  json["state"] = to_string(best->trial.state);
  json["value"] = *best->trial.value;
  json["params"] = nlohmann::ordered_json::object();
  for (const auto& p : space.parameters()) {
    const auto it = best->trial.params.find(p.name);
    if (it != best->trial.params.end()) json["params"][p.name] = to_json(it->second);
  }
  json["intermediate_values"] = nlohmann::ordered_json::object();
  for (const auto& [step, value] : best->trial.intermediate) {
    json["intermediate_values"][std::to_string(step)] =
        std::isfinite(value) ? nlohmann::ordered_json(value) : nullptr;
  }
  json["attempts"] = best->attempts;
  json["started_at"] = iso_time(best->started_at);
  json["finished_at"] = iso_time(best->finished_at);
  json["trials_finished"] = count_finished(records);
  write_file_atomically(folder / ("best_" + name + "_trial.json"), json.dump(2) + "\n");
}

HpoSearch::HpoSearch(HpoSearchOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  if (o.trials < 1)
    throw Error("HpoSearch: trials must be at least 1, got " + std::to_string(o.trials));
  if (!(o.heartbeat_seconds > 0) || !(o.grace_seconds > o.heartbeat_seconds)) {
    throw Error("HpoSearch: need 0 < heartbeat_seconds < grace_seconds (got " +
                std::to_string(o.heartbeat_seconds) + " and " + std::to_string(o.grace_seconds) +
                ")");
  }
  if (o.max_failures < 0) throw Error("HpoSearch: max_failures must not be negative");
  if (o.space.empty()) throw Error("HpoSearch: the search space has no parameters");
  sampler_ = make_sampler(o.sampler, o.seed);
  pruner_ = make_pruner(o.pruner);
  storage_ = open_storage(o.storage);
  storage_->open_study({o.study_name, o.space, sampler_->name()});
  if (!storage_->recovery_notice().empty()) tell(o, "warning: " + storage_->recovery_notice());
  worker_ = make_worker_name();
}

HpoSearch::~HpoSearch() = default;

HpoResult HpoSearch::run(const Objective& objective) {
  HpoResult result;
  ClaimOptions claim;
  claim.total_trials = options_.trials;
  claim.grace_seconds = options_.grace_seconds;
  claim.worker = worker_;
  Heartbeat heartbeat(*storage_, worker_, options_.heartbeat_seconds);
  while (true) {
    if (stop_requested()) {
      result.interrupted = true;
      break;
    }
    auto claimed = storage_->claim_trial(claim, *sampler_);
    if (!claimed) break;
    const std::int64_t number = claimed->trial.number;
    if (claimed->resumed) ++result.resumed;
    tell(options_, claim_line(*claimed, options_.space));
    // Progress lines inside the trial say "trial N+1/TRIALS" and count the trials left.
    const ProgressStage stage("trial", number + 1, options_.trials);
    TrialContext context(*storage_, *pruner_, worker_, claimed->trial, claimed->attempt);
    const auto start = Clock::now();
    heartbeat.start(number, &context.owned_);
    Outcome outcome;
    try {
      outcome = run_objective(objective, context);
    } catch (...) {
      heartbeat.stop();
      storage_->release_trial(number, worker_);
      throw;
    }
    heartbeat.stop();
    if (outcome.interrupted) {
      storage_->release_trial(number, worker_);
      tell(options_, "trial " + std::to_string(number) +
                         " interrupted by a stop request: it is re-run first next time");
      result.interrupted = true;
      break;
    }
    const bool recorded = context.owned() && storage_->finish_trial(number, worker_, outcome.state,
                                                                    outcome.value, outcome.message);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!recorded) {
      tell(options_, "trial " + std::to_string(number) +
                         " was taken over by another worker (heartbeat too late); this run's "
                         "result is discarded");
      continue;
    }
    count_outcome(outcome, result);
    emit_trial_event(number, outcome, seconds);
    summarise_trial(*storage_, options_, number, outcome, seconds);
    throw_after_max_failures(outcome, options_.max_failures, result);
  }
  return finish_run(*storage_, options_, result);
}

}  // namespace galaxyzoo
