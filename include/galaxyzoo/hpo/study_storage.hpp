#pragma once
/// @file
/// Where a hyper-parameter study lives: its definition and its trials, shared by every
/// worker process that runs it. HpoSearch uses it; use it directly only to write another
/// search loop or to read a study's trials. open_storage() picks the backend from a URL:
/// SQLite (one machine) or PostgreSQL (many machines).
///
/// @code
/// auto storage = galaxyzoo::open_storage("sqlite:///hpo.db");  // ./hpo.db
/// storage->open_study({"vgg16", galaxyzoo::SearchSpace::vgg16_default(), "tpe"});
/// galaxyzoo::ClaimOptions claim;
/// claim.total_trials = 20;
/// claim.worker = "node1:4242";
/// auto sampler = galaxyzoo::make_sampler("tpe", 10);
/// while (auto claimed = storage->claim_trial(claim, *sampler)) {
///   const double value = run(claimed->trial.params);
///   storage->finish_trial(claimed->trial.number, claim.worker,
///                         galaxyzoo::TrialState::complete, value);
/// }
/// @endcode
///
/// Guarantees, whatever the backend:
///  - every operation that changes the study is one transaction, so a worker killed at any
///    moment leaves the study consistent;
///  - claim_trial() re-runs a stale running trial (heartbeat older than the grace period, or
///    a worker "host:pid:..." of this host that has exited) with the same number and
///    parameters, before it creates a new one;
///  - heartbeat(), report(), finish_trial() and release_trial() name the worker and do
///    nothing (return false) once the trial has been taken over.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/sampler.hpp"
#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/hpo/trial.hpp"

namespace galaxyzoo {

/// The version of the storage schema this library reads and writes.
inline constexpr std::int64_t kStudySchemaVersion = 1;

/// What defines a study. Searches minimise.
struct StudyConfig {
  std::string name;             ///< the study's name; a storage holds one study
  SearchSpace space;            ///< the parameters it explores
  std::string sampler = "tpe";  ///< the sampler that created it (recorded, not enforced)
};

/// A trial with what the storage knows about its runs.
struct TrialRecord {
  Trial trial;                ///< number, state, parameters, value, intermediate values
  std::string message;        ///< why it failed (failed trials), else empty
  std::string worker;         ///< the worker that runs or ran it last
  std::int64_t attempts = 0;  ///< how many times it was claimed (1 + take-overs)
  double started_at = 0;      ///< Unix time (s) of the last claim
  double finished_at = 0;     ///< Unix time (s) it finished (0: not finished)
  double heartbeat_at = 0;    ///< Unix time (s) of the last heartbeat (running trials)
};

/// How claim_trial() chooses.
struct ClaimOptions {
  std::int64_t total_trials = 1;  ///< finished (complete + pruned) trials the study should reach
  double grace_seconds = 60;      ///< a running trial whose heartbeat is older is taken over
  std::string worker;             ///< who claims: unique per process (e.g. host:pid:random)
};

/// A trial handed to a worker by claim_trial().
struct ClaimedTrial {
  Trial trial;               ///< its number and parameters (state running, no values)
  bool resumed = false;      ///< a trial taken over from a dead or stopped worker
  std::int64_t attempt = 1;  ///< 1 for a new trial, 2 and more for a take-over
};

/// A study's storage; see the file comment. Implementations are safe to use from
/// several threads of one process (calls are serialised).
class StudyStorage {
 public:
  virtual ~StudyStorage() = default;

  /// Creates the study if the storage holds none, else checks that the stored study has
  /// the same name and search space and this library's schema version.
  /// @throws Error naming the difference (another study, schema version or space); the
  ///         storage is then unchanged.
  virtual void open_study(const StudyConfig& config) = 0;

  /// The stored study: the one open_study() opened, or, before any open_study(), the one
  /// the storage holds (read only, to export an existing study).
  /// @throws Error if there is none, or it has another schema version.
  virtual StudyConfig study() = 0;

  /// Atomically takes over a stale running trial or creates a new one with parameters
  /// from @p sampler (given every trial so far); std::nullopt when the study has enough
  /// finished and live running trials. @throws Error if the sampler's assignment is not
  /// in the space, or on a storage failure.
  virtual std::optional<ClaimedTrial> claim_trial(const ClaimOptions& options,
                                                  const Sampler& sampler) = 0;

  /// Marks trial @p number alive. False if @p worker no longer owns it (taken over).
  /// @throws Error on a storage failure.
  virtual bool heartbeat(std::int64_t number, const std::string& worker) = 0;

  /// Stores @p value at @p step (replacing one reported before at that step) and
  /// refreshes the heartbeat. False if @p worker no longer owns the trial.
  /// @throws Error on a storage failure.
  virtual bool report(std::int64_t number, const std::string& worker, std::int64_t step,
                      double value) = 0;

  /// Records the outcome of a running trial: @p state complete, pruned or failed, its
  /// @p value (none for failed) and, for failed trials, @p message. False if @p worker
  /// no longer owns it. @throws Error for state running, or on a storage failure.
  virtual bool finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                            std::optional<double> value, const std::string& message = "") = 0;

  /// Hands a running trial back unfinished: the next claim_trial() re-runs it without
  /// waiting for the grace period. False if @p worker no longer owns it.
  /// @throws Error on a storage failure.
  virtual bool release_trial(std::int64_t number, const std::string& worker) = 0;

  /// Every trial, by number, with parameters and intermediate values.
  /// @throws Error on a storage failure.
  virtual std::vector<Trial> trials() = 0;

  /// Every trial with its bookkeeping, by number. @throws Error on a storage failure.
  virtual std::vector<TrialRecord> records() = 0;

  /// Non-empty if opening the storage recovered from damage (SqliteStorage: a damaged
  /// file replaced by its previous copy): what happened, for the user to read.
  virtual std::string recovery_notice() const { return {}; }
};

/// Opens the storage at @p url: "sqlite:///relative/path.db" or "sqlite:////absolute/path.db"
/// (SQLAlchemy-style URLs: three slashes, then the path), or a plain file path (SQLite
/// with the default SqliteStorageOptions). A sqlite URL may end in options:
/// `?journal_mode=delete` (rollback journal, for file systems without shared memory such
/// as NFS; applies when the file is created), `synchronous=full`, `busy_timeout_ms=N`,
/// joined with `&`. The file is created if missing.
/// "postgresql://user:password@host:port/database?libpq-parameters" (or "postgres://")
/// opens a PostgresStorage (when galaxyzoo was built with libpq).
/// @throws Error for an unknown URL scheme or option, or a PostgreSQL URL in a build
///         without PostgreSQL; the backend's errors (a file that is not a SQLite
///         database, an unreadable file, a server that cannot be reached).
std::unique_ptr<StudyStorage> open_storage(const std::string& url);

}  // namespace galaxyzoo
