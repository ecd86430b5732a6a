#pragma once
/// @file
/// A hyper-parameter search that several worker processes can run together on one study,
/// resumable after a kill at any moment. Use it to tune an objective (for example
/// Vgg16Objective) over a SearchSpace.
///
/// @code
/// galaxyzoo::HpoSearchOptions options;
/// options.storage = "sqlite:///hpo.db";
/// options.trials = 20;
/// options.pruner = "median";
/// options.on_message = [](const std::string& line) { std::cout << line << std::flush; };
/// galaxyzoo::HpoSearch search(options);
/// galaxyzoo::HpoResult result = search.run([](galaxyzoo::TrialContext& trial) {
///   const double x = galaxyzoo::to_double(trial.param("lr_head"));
///   for (int epoch = 0; epoch < 10; ++epoch) {
///     trial.report(epoch, loss_after(epoch, x));
///     if (trial.should_prune()) throw galaxyzoo::TrialPruned();
///   }
///   return loss_after(9, x);
/// });
/// @endcode
///
/// What a user must know:
///  - run() claims trials until the study has HpoSearchOptions::trials finished (complete or
///    pruned) trials, so a restart runs only the missing ones and workers never run a trial
///    twice. A trial whose heartbeat is older than grace_seconds, or whose worker process on
///    this host is gone, is re-run with the same number and parameters.
///  - An IoError from the objective fails no trial: the trial is handed back and run()
///    rethrows. A stop request (request_stop(), SIGTERM) hands the running trial back too
///    (the objective should throw TrialInterrupted); the next run re-runs it first.
///  - After every trial, output_dir receives, atomically, `best_NAME_params.txt` (readable by
///    read_hyperparameters()), `best_NAME_trial.json`, `NAME_trials.csv` (the columns of
///    Optuna's `trials_dataframe()`), `NAME.optuna.log` (the study as Optuna's journal, for
///    `optuna.load_study` and optuna-dashboard; optuna_export.hpp) and the trial plots
///    `NAME_{history,intermediate,params}.{png,svg}` (trial_plots.hpp).

#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/pruner.hpp"
#include "galaxyzoo/hpo/sampler.hpp"
#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/hpo/study_storage.hpp"
#include "galaxyzoo/hpo/trial.hpp"

namespace galaxyzoo {

/// Options of HpoSearch.
struct HpoSearchOptions {
  std::string storage = "hpo_study.db";  ///< study database: "sqlite:///path", a file path or
                                         ///< "postgresql://..." (open_storage())
  std::string study_name = "vgg16_hpo";  ///< must match the stored study's name
  SearchSpace space = SearchSpace::vgg16_default();  ///< must match the stored study's space
  std::int64_t trials = 1;       ///< finished (complete + pruned) trials the study should reach
  std::string sampler = "tpe";   ///< "random", "grid" or "tpe" (make_sampler())
  std::uint64_t seed = 10;       ///< the sampler's seed
  std::string pruner = "none";   ///< "none" or "median" (make_pruner())
  double heartbeat_seconds = 5;  ///< how often a running trial's heartbeat is refreshed
  double grace_seconds = 60;  ///< a running trial silent for longer is re-run (> heartbeat_seconds)
  std::int64_t max_failures =
      3;  ///< run() throws after this many failed trials of its own (0: never)
  std::filesystem::path output_dir;       ///< where the summary files go (empty: none are written)
  std::string output_name = "vgg16_hpo";  ///< the `<name>` in the summary files' names
  /// Called with each progress line (one per trial event, ending in '\n'); empty: silent.
  std::function<void(const std::string& line)> on_message;
};

/// Thrown by an objective to end its trial as pruned.
class TrialPruned : public std::exception {
 public:
  /// "trial pruned".
  const char* what() const noexcept override { return "trial pruned"; }
};

/// Thrown by an objective that stopped on a stop request: the trial is handed back
/// unfinished and the search returns.
class TrialInterrupted : public std::exception {
 public:
  /// "trial interrupted by a stop request".
  const char* what() const noexcept override { return "trial interrupted by a stop request"; }
};

/// What an objective sees of its trial; see the file comment.
class TrialContext {
 public:
  /// The trial's parameters.
  const Assignment& params() const noexcept { return trial_.params; }
  /// The value of parameter @p name. @throws Error naming it if the trial has none.
  const ParameterValue& param(const std::string& name) const;
  /// The trial's number (0-based, unique in the study).
  std::int64_t number() const noexcept { return trial_.number; }
  /// 1 for a trial's first run, 2 and more when it is re-run after a kill or a stop.
  std::int64_t attempt() const noexcept { return attempt_; }
  /// Stores @p value as the trial's intermediate value at @p step (an epoch), in one
  /// transaction. @throws Error on a storage failure.
  void report(std::int64_t step, double value);
  /// Whether the pruner stops the trial at the last reported step, judged against the
  /// study's stored trials. Once true, the trial ends as pruned however it returns.
  bool should_prune();
  /// Whether should_prune() has said yes.
  bool pruned() const noexcept { return pruned_; }
  /// The values reported so far, by step.
  const std::map<std::int64_t, double>& intermediate() const noexcept {
    return trial_.intermediate;
  }
  /// False once another worker has taken the trial over (its heartbeat was too late):
  /// the result will be discarded, so the objective may as well stop.
  bool owned() const noexcept { return owned_.load(); }

 private:
  friend class HpoSearch;
  TrialContext(StudyStorage& storage, const Pruner& pruner, std::string worker, Trial trial,
               std::int64_t attempt)
      : storage_(storage),
        pruner_(pruner),
        worker_(std::move(worker)),
        trial_(std::move(trial)),
        attempt_(attempt) {}
  StudyStorage& storage_;
  const Pruner& pruner_;
  std::string worker_;
  Trial trial_;
  std::int64_t attempt_;
  std::optional<std::int64_t> last_step_;
  bool pruned_ = false;
  std::atomic<bool> owned_{true};
};

/// An objective: the value of a trial, lower is better. The trial ends complete when it
/// returns a number; pruned when it throws TrialPruned or returns after should_prune() said
/// yes (its value: the last reported one); failed on any other exception or NaN (failed
/// trials do not count towards HpoSearchOptions::trials).
using Objective = std::function<double(TrialContext&)>;

/// What HpoSearch::run() did.
struct HpoResult {
  std::int64_t complete = 0;        ///< trials this run completed
  std::int64_t pruned = 0;          ///< trials this run pruned
  std::int64_t failed = 0;          ///< trials of this run that failed
  std::int64_t resumed = 0;         ///< of those, trials taken over from a dead or stopped worker
  std::int64_t finished_total = 0;  ///< finished trials in the study at the end (all workers)
  bool interrupted = false;         ///< a stop request ended the run; run again to continue
  std::optional<TrialRecord> best;  ///< the study's best complete trial, if any
};

/// The complete trial with the lowest value (the lowest number among equals), if any.
std::optional<TrialRecord> best_trial(const std::vector<TrialRecord>& records);

/// Writes `best_NAME_params.txt`, `best_NAME_trial.json` (when a trial is complete),
/// `NAME_trials.csv` (trials_dataframe_csv()), `NAME.optuna.log` (export_optuna_journal())
/// and the trial plots (write_trial_plots()) into @p folder, each atomically; see the file
/// comment. `vgg16_hpo --export_optuna` calls it for an existing study.
/// @throws IoError if a file cannot be written; Error if a plot cannot be rendered.
void write_hpo_summary(const std::vector<TrialRecord>& records, const SearchSpace& space,
                       const std::string& study_name, const std::filesystem::path& folder,
                       const std::string& name);

/// Runs trials of a study; see the file comment.
class HpoSearch {
 public:
  /// Opens the storage and creates or checks the study.
  /// @throws Error for bad options (trials < 1, grace_seconds <= heartbeat_seconds, an
  ///         unknown sampler or pruner), or when the stored study differs (name, search
  ///         space, schema version; the storage is then unchanged); the storage's errors.
  explicit HpoSearch(HpoSearchOptions options);
  ~HpoSearch();
  HpoSearch(const HpoSearch&) = delete;
  HpoSearch& operator=(const HpoSearch&) = delete;

  /// Claims and runs trials until the study has enough finished trials or a stop is
  /// requested. @throws Error after max_failures failed trials (each is recorded), or on
  /// a storage failure; IoError from the objective. The trial then running is handed back.
  HpoResult run(const Objective& objective);

  /// The study's storage.
  StudyStorage& storage() noexcept { return *storage_; }
  /// This process's worker name ("host:pid:random").
  const std::string& worker() const noexcept { return worker_; }

 private:
  HpoSearchOptions options_;
  std::unique_ptr<StudyStorage> storage_;
  std::unique_ptr<Sampler> sampler_;
  std::unique_ptr<Pruner> pruner_;
  std::string worker_;
};

}  // namespace galaxyzoo
