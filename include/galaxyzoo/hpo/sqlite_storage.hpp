#pragma once
/// @file
/// StudyStorage in a SQLite file, shared by the worker processes of one machine. Normally
/// opened through open_storage("sqlite:///path.db") (study_storage.hpp).
///
/// @code
/// galaxyzoo::SqliteStorage storage("hpo.db");
/// storage.open_study({"vgg16", galaxyzoo::SearchSpace::vgg16_default(), "tpe"});
/// for (const galaxyzoo::TrialRecord& r : storage.records()) std::cout << r.trial.number << '\n';
/// @endcode
///
/// Schema (version kStudySchemaVersion), one study per file:
///
///     galaxyzoo_meta(key TEXT PRIMARY KEY, value TEXT)      -- format, schema_version
///     study(id = 1, name, direction 'minimize', space JSON, sampler, created_at)
///     trials(number PRIMARY KEY, state, value, message, worker, attempts,
///            started_at, finished_at, heartbeat_at)        -- times: Unix seconds
///     trial_params(number, name, int_value | real_value | text_value)
///     trial_values(number, step, value)                     -- intermediate values
///
/// Guarantees:
///  - every change is one transaction; claim_trial() is one `BEGIN IMMEDIATE` transaction,
///    so two workers never claim the same trial;
///  - WAL mode by default (the rollback journal is the option for file systems without
///    shared memory, e.g. NFS): a killed process leaves a consistent database and readers do
///    not wait for writers; a busy timeout makes concurrent writers wait, not fail;
///  - finished trials never change, so they are read once and then kept in memory.

#include <filesystem>
#include <memory>

#include "galaxyzoo/hpo/sql_study_storage.hpp"

namespace galaxyzoo {

/// Where SqliteStorage keeps the copy of @p file made after the last finished trial:
/// `FILE.previous`.
std::filesystem::path previous_study_copy(const std::filesystem::path& file);

/// Options of SqliteStorage.
struct SqliteStorageOptions {
  int busy_timeout_ms = 60000;    ///< how long a write waits for another process's transaction
  bool wal = true;                ///< WAL journal (false: rollback journal, for NFS and the like)
  bool synchronous_full = false;  ///< fsync every commit (false: WAL's NORMAL, safe against process
                                  ///< kills, may lose the last commits on power loss)
  /// After each finished trial, copy the database to previous_study_copy() (SQLite's
  /// online backup: a consistent snapshot). Opening a damaged database (truncated,
  /// overwritten, not SQLite, failing its integrity check) then continues from that copy,
  /// keeping the damaged file as `FILE.damaged`, and recovery_notice() says so.
  bool keep_previous = true;
};

/// A study in a SQLite file; see the file comment.
class SqliteStorage : public SqlStudyStorage {
 public:
  /// Opens (creating if missing) @p file and checks it (PRAGMA quick_check). A damaged
  /// file is replaced by its previous copy (SqliteStorageOptions::keep_previous); else
  /// nothing is written until open_study().
  /// @throws IoError if the file cannot be opened; CorruptFileError naming it if it is
  ///         damaged or not SQLite and there is no sound previous copy.
  explicit SqliteStorage(std::filesystem::path file, SqliteStorageOptions options = {});
  /// Closes the file.
  ~SqliteStorage() override;
  SqliteStorage(const SqliteStorage&) = delete;
  SqliteStorage& operator=(const SqliteStorage&) = delete;

  /// The database file.
  const std::filesystem::path& file() const noexcept;
  std::string recovery_notice() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace galaxyzoo
