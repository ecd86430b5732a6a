#pragma once
/// @file
/// StudyStorage in a PostgreSQL database, shared by worker processes on many machines.
/// Normally opened through open_storage("postgresql://...") (study_storage.hpp).
///
/// @code
/// galaxyzoo::PostgresStorage storage("postgresql://hpo:secret@db.example.org:5432/galaxyzoo");
/// storage.open_study({"vgg16", galaxyzoo::SearchSpace::vgg16_default(), "tpe"});
/// for (const galaxyzoo::TrialRecord& r : storage.records()) std::cout << r.trial.number << '\n';
/// @endcode
///
/// Tables: those of the SQLite storage (sqlite_storage.hpp) with PostgreSQL's types (BIGINT,
/// DOUBLE PRECISION, TEXT), in the first schema of the connection's search_path (normally
/// `public`); one study per schema:
///
///     galaxyzoo_meta(key, value)                         -- format, schema_version
///     study(id = 1, name, direction, space JSON, sampler, created_at)
///     trials(number, state, value, message, worker, attempts,
///            started_at, finished_at, heartbeat_at)     -- times: Unix seconds
///     trial_params(number, name, int_value | real_value | text_value)
///     trial_values(number, step, value)
///
/// Guarantees:
///  - every change is one transaction; claim_trial() first locks the study row
///    (`SELECT ... FOR UPDATE`), so two workers never get the same trial and the total is
///    never exceeded;
///  - times (heartbeats, the grace period) come from the server's clock, so the workers'
///    clocks need not agree;
///  - values are always sent as statement parameters, never spliced into SQL;
///  - a broken connection (server restart, network) is re-opened on the next call.

#include <memory>
#include <string>

#include "galaxyzoo/hpo/sql_study_storage.hpp"

namespace galaxyzoo {

/// A study in a PostgreSQL database; see the file comment. Built when galaxyzoo is
/// configured with libpq (GALAXYZOO_WITH_POSTGRESQL, on when libpq is found).
class PostgresStorage : public SqlStudyStorage {
 public:
  /// Connects to @p url, a libpq connection URI: `postgresql://user:password@host:port/database`
  /// (or `postgres://`), optionally followed by libpq parameters such as `?sslmode=require`,
  /// `?connect_timeout=5` (default here: 10 s) or `?options=-csearch_path%3Dmy_schema`
  /// (one study per schema). Nothing is written until open_study().
  /// @throws Error naming the URL without its password when the server cannot be reached
  ///         or refuses the connection.
  explicit PostgresStorage(const std::string& url);
  /// Closes the connection.
  ~PostgresStorage() override;
  PostgresStorage(const PostgresStorage&) = delete;
  PostgresStorage& operator=(const PostgresStorage&) = delete;

  /// The URL it connected to, without the password.
  const std::string& url() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// @p url with the password of its user part (`user:password@`) and any `password=`
/// parameter replaced by `***`, for messages and logs. Other text is unchanged.
/// @code
/// postgres_url_without_password("postgresql://hpo:secret@db:5432/gz");  //
/// "postgresql://hpo:***@db:5432/gz"
/// @endcode
std::string postgres_url_without_password(const std::string& url);

}  // namespace galaxyzoo
