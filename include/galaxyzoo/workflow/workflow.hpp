#pragma once
/// @file
/// Running a workflow's steps incrementally: skip what is up to date, resume what was
/// interrupted, redo exactly what a changed setting affects. Use it for any multi-step
/// pipeline whose steps write files (run_galaxy_workflow() is built on it).
///
/// @code
/// galaxyzoo::Workflow workflow({"work/.galaxyzoo-workflow"});
/// galaxyzoo::WorkflowStep split("create_dataset");
/// split.inputs.set("seed", 10).file("data/training_solutions_rev1.csv");
/// split.run = [&] { ... return galaxyzoo::StepOutcome{true, "1,180 galaxies split"}; };
/// split.clean = [&] { std::filesystem::remove_all("work/full_galaxy_dataset"); };
/// workflow.add(std::move(split));
/// // ... more steps, each after the steps it needs
/// std::vector<galaxyzoo::StepReport> reports = workflow.run();
/// if (!workflow.finished()) return galaxyzoo::kExitResumable;
/// @endcode
///
/// A step's fingerprint hashes its inputs (settings, and files by size and modification
/// time) and the fingerprints of the steps it needs, so a change reaches every step
/// downstream and no other. The runner keeps one record per step, `<name>.json` in
/// record_dir, written atomically:
///  - no record, or another fingerprint: clean() runs, then the step runs afresh;
///  - a "started" record with this fingerprint (interrupted): the step runs again and
///    resumes from its own checkpoints;
///  - a "complete" record with this fingerprint: the step is skipped; its summary and
///    details come from the record.
/// A step that returns finished = false (stopped on request, stop_request.hpp), or a stop
/// requested between steps, ends run(); finished() is then false.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace galaxyzoo {

/// What a step depends on, besides the steps it needs.
class StepInputs {
 public:
  /// Records setting @p key with value @p value (replacing an earlier value).
  StepInputs& set(const std::string& key, const std::string& value);
  /// Records a C string setting.
  StepInputs& set(const std::string& key, const char* value) {
    return set(key, std::string(value));
  }
  /// Records an integer setting.
  StepInputs& set(const std::string& key, std::int64_t value);
  /// Records an int setting.
  StepInputs& set(const std::string& key, int value) {
    return set(key, static_cast<std::int64_t>(value));
  }
  /// Records a real setting (exactly: 17 significant digits).
  StepInputs& set(const std::string& key, double value);
  /// Records a list setting, e.g. class caps.
  StepInputs& set(const std::string& key, const std::vector<std::int64_t>& values);
  /// Records a file by size and modification time, or as missing; a folder by the
  /// names, sizes and times of the files in it (not recursive; list_folder(), an
  /// unusable entry by its name and reason). @throws IoError if a folder cannot be listed.
  StepInputs& file(const std::filesystem::path& path);

  /// Everything recorded, by key (files under "file:PATH").
  const std::map<std::string, std::string>& values() const noexcept { return values_; }
  /// 16 hexadecimal digits of a 64-bit hash of values().
  std::string fingerprint() const;

 private:
  std::map<std::string, std::string> values_;
};

/// What a step's run() reports.
struct StepOutcome {
  bool finished = true;  ///< false: stopped on request, run again to resume
  std::string summary;   ///< one line for the progress report
  std::string details;   ///< free text kept in the record (e.g. JSON for a final summary)
};

/// One step of a workflow.
struct WorkflowStep {
  /// A step called @p name that reads the outputs of @p needs; set inputs, run and clean next.
  explicit WorkflowStep(std::string name, std::vector<std::string> needs = {})
      : name(std::move(name)), needs(std::move(needs)) {}

  std::string name;                ///< unique; letters, digits, '_' and '-' (names the record file)
  std::vector<std::string> needs;  ///< steps whose outputs it reads (added before it)
  StepInputs inputs;               ///< settings and input files it depends on
  std::function<StepOutcome()> run;  ///< does or resumes the work
  std::function<void()> clean;       ///< removes outputs of a run with other inputs (may be empty)
};

/// What happened to a step in Workflow::run().
enum class StepStatus {
  ran,          ///< ran to the end now
  skipped,      ///< up to date: not run
  interrupted,  ///< stopped on request; resumes on the next run
  not_reached,  ///< not started because an earlier step was interrupted or a stop was requested
};

/// "ran", "skipped", "interrupted", "not reached".
const char* to_string(StepStatus status) noexcept;

/// A step's fate in one Workflow::run().
struct StepReport {
  std::string name;                             ///< the step
  StepStatus status = StepStatus::not_reached;  ///< what happened to it
  double seconds = 0;                           ///< time spent in this run() (ran, interrupted)
  double total_seconds = 0;  ///< time spent over all runs since its inputs last changed
  std::string summary;       ///< the step's one-line summary (from its record when skipped)
  std::string details;       ///< the step's details (from its record when skipped)
  std::string fingerprint;   ///< the fingerprint it ran (or would run) with
};

/// Options of Workflow.
struct WorkflowOptions {
  std::filesystem::path record_dir;  ///< folder of the step records (created when needed)
  /// Called before a step runs (not for skipped steps).
  std::function<void(const WorkflowStep&, bool resuming)> on_start;
  /// Called after each step with its report.
  std::function<void(const StepReport&)> on_step;
};

/// An ordered set of steps run incrementally; see the file comment.
class Workflow {
 public:
  /// A workflow keeping its records in options.record_dir. @throws Error if it is empty.
  explicit Workflow(WorkflowOptions options);

  /// Adds a step after those it needs.
  /// @throws Error for an empty, malformed or repeated name, a need that was not added
  ///         before, or a step without run().
  void add(WorkflowStep step);

  /// Runs the steps in the order they were added; see the file comment.
  /// @throws whatever a step throws (its record then stays "started", so the next run
  ///         resumes it); IoError if a record cannot be written; InputError for a
  ///         corrupt record.
  std::vector<StepReport> run();

  /// Whether the last run() reached the end (no step interrupted, no stop requested).
  bool finished() const noexcept { return finished_; }

  /// The fingerprint of step @p name as run() computes it. @throws Error for an unknown name.
  std::string fingerprint(const std::string& name) const;

 private:
  WorkflowOptions options_;
  std::vector<WorkflowStep> steps_;
  bool finished_ = false;
};

}  // namespace galaxyzoo
