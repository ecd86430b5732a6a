#include "galaxyzoo/hpo/sqlite_storage.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>

#include "galaxyzoo/core/error.hpp"
#include "hpo/study_storage_common.hpp"

namespace galaxyzoo {
namespace {

using detail::unix_now;

// The schema of kStudySchemaVersion. Parameter values keep their type in one of three
// columns, so the same tables work in databases without SQLite's dynamic typing.
constexpr const char* kSchema = R"sql(
CREATE TABLE galaxyzoo_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE study (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  name       TEXT NOT NULL,
  direction  TEXT NOT NULL CHECK (direction = 'minimize'),
  space      TEXT NOT NULL,
  sampler    TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE TABLE trials (
  number       INTEGER PRIMARY KEY,
  state        TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
  value        REAL,
  message      TEXT NOT NULL DEFAULT '',
  worker       TEXT NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 1,
  started_at   REAL NOT NULL,
  finished_at  REAL,
  heartbeat_at REAL NOT NULL
);
CREATE INDEX trials_by_state ON trials (state, heartbeat_at);
CREATE TABLE trial_params (
  number     INTEGER NOT NULL REFERENCES trials (number),
  name       TEXT NOT NULL,
  int_value  INTEGER,
  real_value REAL,
  text_value TEXT,
  PRIMARY KEY (number, name)
);
CREATE TABLE trial_values (
  number INTEGER NOT NULL REFERENCES trials (number),
  step   INTEGER NOT NULL,
  value  REAL,
  PRIMARY KEY (number, step)
);
)sql";

// The connection and what is kept in memory.
struct Db {
  std::filesystem::path file;
  SqliteStorageOptions options;
  sqlite3* db = nullptr;
  std::mutex mutex;
  std::unordered_map<std::string, sqlite3_stmt*> statements;
  bool have_study = false;
  StudyConfig config;
  std::vector<Trial> snapshot;  // every trial by number, as last read (refresh_trials)
  std::string recovered;        // what recovery_notice() says

  std::string where() const { return "study database '" + file.string() + "'"; }

  // SQLite's message, with the operating system's reason when there is one: SQLite
  // says "disk I/O error" where the system said "No space left on device".
  std::string reason(const std::string& sqlite_message) const {
    const int os = db != nullptr ? sqlite3_system_errno(db) : 0;
    return os != 0 ? sqlite_message + " (" + std::strerror(os) + ")" : sqlite_message;
  }

  [[noreturn]] void fail(const std::string& what, int rc) const {
    const std::string reason =
        this->reason(db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
      throw CorruptFileError(file, "not a valid SQLite database (" + reason + ")");
    }
    if (rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_READONLY || rc == SQLITE_FULL) {
      throw IoError(file, what + ": " + reason);
    }
    throw Error(where() + ": " + what + ": " + reason);
  }

  void exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        throw CorruptFileError(file, "not a valid SQLite database (" + text + ")");
      }
      if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_READONLY ||
          rc == SQLITE_CANTOPEN) {
        throw IoError(file, reason(text));
      }
      throw Error(where() + ": " + text);
    }
  }

  sqlite3_stmt* prepare(const char* sql) {
    auto it = statements.find(sql);
    if (it != statements.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    if (rc != SQLITE_OK) fail(std::string("cannot prepare '") + sql + "'", rc);
    statements.emplace(sql, statement);
    return statement;
  }
};

// One use of a cached prepared statement: bind, step, read; reset on destruction.
class Query {
 public:
  Query(Db& impl, const char* sql) : impl_(impl), s_(impl.prepare(sql)) {}
  ~Query() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Query& bind(int i, double v) {
    return std::isnan(v) ? check(sqlite3_bind_null(s_, i)) : check(sqlite3_bind_double(s_, i, v));
  }
  Query& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Query& bind(int i, const std::optional<double>& v) {
    return v ? bind(i, *v) : check(sqlite3_bind_null(s_, i));
  }

  // True for a row, false when done.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    impl_.fail(std::string("'") + sqlite3_sql(s_) + "' failed", rc);
  }
  void run() {
    while (step()) {
    }
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  double real(int c) const {
    return is_null(c) ? std::numeric_limits<double>::quiet_NaN() : sqlite3_column_double(s_, c);
  }
  std::optional<double> optional_real(int c) const {
    return is_null(c) ? std::nullopt : std::optional<double>(sqlite3_column_double(s_, c));
  }
  std::string text(int c) const {
    const auto* p = sqlite3_column_text(s_, c);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s_, c)));
  }
  bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }

 private:
  Query& check(int rc) {
    if (rc != SQLITE_OK) impl_.fail("cannot bind a value", rc);
    return *this;
  }
  Db& impl_;
  sqlite3_stmt* s_;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Db& impl) : impl_(impl) { impl_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(impl_.db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    impl_.exec("COMMIT");
    done_ = true;
  }

 private:
  Db& impl_;
  bool done_ = false;
};

bool has_table(Db& impl, const std::string& name) {
  Query q(impl, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  q.bind(1, name);
  return q.step();
}

std::int64_t table_count(Db& impl) {
  Query q(impl, "SELECT COUNT(*) FROM sqlite_master");
  q.step();
  return q.integer(0);
}

void read_params(Db& impl, std::int64_t number, Assignment& params) {
  Query q(impl,
          "SELECT name, int_value, real_value, text_value FROM trial_params WHERE number = ?1");
  q.bind(1, number);
  while (q.step()) {
    if (!q.is_null(1)) {
      params[q.text(0)] = q.integer(1);
    } else if (!q.is_null(2)) {
      params[q.text(0)] = q.real(2);
    } else {
      params[q.text(0)] = q.text(3);
    }
  }
}

void read_values(Db& impl, std::int64_t number, std::map<std::int64_t, double>& values) {
  Query q(impl, "SELECT step, value FROM trial_values WHERE number = ?1");
  q.bind(1, number);
  while (q.step()) values[q.integer(0)] = q.real(1);
}

bool is_final(TrialState s) { return s != TrialState::running; }

// Brings impl.snapshot up to date: every trial, by number. Finished trials never change,
// so only new and running trials are read again.
const std::vector<Trial>& refresh_trials(Db& impl) {
  auto& snapshot = impl.snapshot;
  std::size_t i = 0;
  Query q(impl, "SELECT number, state, value FROM trials ORDER BY number");
  while (q.step()) {
    const std::int64_t number = q.integer(0);
    if (i < snapshot.size() && snapshot[i].number == number && is_final(snapshot[i].state)) {
      ++i;
      continue;
    }
    Trial t;
    t.number = number;
    t.state = parse_trial_state(q.text(1));
    t.value = q.optional_real(2);
    read_params(impl, number, t.params);
    read_values(impl, number, t.intermediate);
    if (i < snapshot.size()) {
      snapshot[i] = std::move(t);
    } else {
      snapshot.push_back(std::move(t));
    }
    ++i;
  }
  snapshot.resize(i);
  return snapshot;
}

}  // namespace

struct SqliteStorage::Impl : Db {};

namespace {

void close_db(Db& impl) {
  for (auto& [sql, statement] : impl.statements) sqlite3_finalize(statement);
  impl.statements.clear();
  sqlite3_close(impl.db);
  impl.db = nullptr;
}

void open_db(Db& impl) {
  const int rc =
      sqlite3_open_v2(impl.file.c_str(), &impl.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = impl.db != nullptr ? sqlite3_errmsg(impl.db) : sqlite3_errstr(rc);
    sqlite3_close(impl.db);
    impl.db = nullptr;
    throw IoError(impl.file, "cannot open the study database: " + reason);
  }
  sqlite3_busy_timeout(impl.db, impl.options.busy_timeout_ms);
}

// What is wrong with the open database ("" if nothing): a file that is not SQLite, or
// a damaged one (PRAGMA quick_check: every page and record readable, the b-trees sound).
std::string damage(Db& impl) {
  try {
    Query q(impl, "PRAGMA quick_check(1)");
    const std::string verdict = q.step() ? q.text(0) : "no answer from the integrity check";
    return verdict == "ok" ? "" : "damaged (" + verdict + ")";
  } catch (const CorruptFileError& e) {
    // The reason alone: the caller's error names the file.
    const std::string what = e.what();
    const std::string prefix = "'" + impl.file.string() + "': ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
  }
}

std::filesystem::path sibling(const std::filesystem::path& file, const std::string& suffix) {
  return std::filesystem::path(file.string() + suffix);
}

// Copies the database to FILE.previous: into a temporary file with SQLite's online
// backup (a consistent snapshot even while other processes write), then renamed into
// place. Best effort: a failure (a full disk) leaves the older copy as it was.
void keep_previous_copy(Db& impl) {
  const auto previous = previous_study_copy(impl.file);
  const auto temporary = sibling(previous, ".tmp-" + std::to_string(::getpid()));
  sqlite3* copy = nullptr;
  bool ok = sqlite3_open_v2(temporary.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) == SQLITE_OK;
  if (ok) {
    sqlite3_backup* backup = sqlite3_backup_init(copy, "main", impl.db, "main");
    ok = backup != nullptr && sqlite3_backup_step(backup, -1) == SQLITE_DONE;
    ok = sqlite3_backup_finish(backup) == SQLITE_OK && ok;
  }
  ok = sqlite3_close(copy) == SQLITE_OK && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(temporary, previous, ec);
  if (!ok || ec) std::filesystem::remove(temporary, ec);
}

}  // namespace

std::filesystem::path previous_study_copy(const std::filesystem::path& file) {
  return sibling(file, ".previous");
}

SqliteStorage::SqliteStorage(std::filesystem::path file, SqliteStorageOptions options)
    : impl_(std::make_unique<Impl>()) {
  auto& impl = *impl_;
  impl.file = std::move(file);
  impl.options = options;
  std::error_code ec;
  if (std::filesystem::is_directory(impl.file, ec))
    throw IoError(impl.file, "is a folder, not a study database file");
  // An empty file beside a previous copy was cut to nothing (a full disk, a bad copy);
  // without a copy it is a new study.
  const bool emptied = std::filesystem::is_regular_file(impl.file, ec) &&
                       std::filesystem::file_size(impl.file, ec) == 0 &&
                       std::filesystem::is_regular_file(previous_study_copy(impl.file), ec);
  open_db(impl);
  std::string problem = emptied ? "empty (0 bytes)" : damage(impl);
  if (!problem.empty()) {
    // Damaged: fall back to the copy kept after the last finished trial, if it is sound.
    close_db(impl);
    const auto previous = previous_study_copy(impl.file);
    if (!std::filesystem::is_regular_file(previous, ec)) {
      throw CorruptFileError(impl.file, problem + "; there is no previous copy (" +
                                            previous.string() + ") to fall back to");
    }
    Db check;
    check.file = previous;
    check.options = options;
    open_db(check);
    const std::string previous_problem = damage(check);
    close_db(check);
    if (!previous_problem.empty()) {
      throw CorruptFileError(impl.file, problem + "; its previous copy is " + previous_problem);
    }
    // Keep the damaged file (and its journal) for inspection, then put the copy in place.
    const auto damaged = sibling(impl.file, ".damaged");
    std::filesystem::rename(impl.file, damaged, ec);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      std::error_code ignored;
      std::filesystem::rename(sibling(impl.file, suffix), sibling(damaged, suffix), ignored);
    }
    const auto restoring = sibling(impl.file, ".restoring-" + std::to_string(::getpid()));
    if (!ec)
      std::filesystem::copy_file(previous, restoring,
                                 std::filesystem::copy_options::overwrite_existing, ec);
    if (!ec) std::filesystem::rename(restoring, impl.file, ec);
    if (ec)
      throw IoError(impl.file, problem + "; restoring its previous copy failed: " + ec.message());
    open_db(impl);
    if (options.wal) impl.exec("PRAGMA journal_mode = WAL");
    impl.recovered = "study database '" + impl.file.string() + "' was " + problem +
                     "; continued from its copy after " + "the last finished trial ('" +
                     previous.string() + "'); the damaged file is kept as '" + damaged.string() +
                     "'";
  }
  try {
    impl.exec("PRAGMA foreign_keys = ON");
    impl.exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                       : "PRAGMA synchronous = NORMAL");
  } catch (...) {
    close_db(impl);
    throw;
  }
}

SqliteStorage::~SqliteStorage() { close_db(*impl_); }

std::string SqliteStorage::recovery_notice() const { return impl_->recovered; }

const std::filesystem::path& SqliteStorage::file() const noexcept { return impl_->file; }

void SqliteStorage::open_study(const StudyConfig& config) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& impl = *impl_;
  if (config.name.empty()) throw Error("a study needs a name");
  if (table_count(impl) == 0) {
    // A new (empty) file: choose the journal, then create the schema unless another
    // process got there first.
    impl.exec(impl.options.wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE");
    Transaction tx(impl);
    if (table_count(impl) == 0) {
      impl.exec(kSchema);
      for (const auto& [key, value] :
           {std::pair<std::string, std::string>{"format", detail::kStudyFormat},
            {"schema_version", std::to_string(kStudySchemaVersion)}}) {
        Query meta(impl, "INSERT INTO galaxyzoo_meta (key, value) VALUES (?1, ?2)");
        meta.bind(1, key).bind(2, value).run();
      }
      Query study(impl,
                  "INSERT INTO study (id, name, direction, space, sampler, created_at) VALUES (1, "
                  "?1, 'minimize', ?2, ?3, ?4)");
      study.bind(1, config.name)
          .bind(2, config.space.to_json())
          .bind(3, config.sampler)
          .bind(4, unix_now())
          .run();
    }
    tx.commit();
  }
  // Check the stored study: reading only, so a mismatch leaves the file as it was.
  if (!has_table(impl, "galaxyzoo_meta") || !has_table(impl, "study")) {
    throw Error(
        impl.where() +
        " is a SQLite database but not a galaxyzoo study (no galaxyzoo_meta or study table)");
  }
  std::string format, version;
  {
    Query q(impl, "SELECT key, value FROM galaxyzoo_meta");
    while (q.step()) {
      if (q.text(0) == "format") format = q.text(1);
      if (q.text(0) == "schema_version") version = q.text(1);
    }
  }
  detail::check_study_format(impl.where(), "file", format, version);
  StudyConfig stored;
  {
    Query q(impl, "SELECT name, space, sampler FROM study WHERE id = 1");
    if (!q.step()) throw Error(impl.where() + " has no study row");
    stored.name = q.text(0);
    stored.space = SearchSpace::from_json(q.text(1), impl.where() + ", study.space");
    stored.sampler = q.text(2);
  }
  detail::check_same_study(impl.where(), "file", stored, config);
  impl.config = std::move(stored);
  impl.have_study = true;
}

StudyConfig SqliteStorage::study() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (!impl_->have_study) throw Error(impl_->where() + ": open_study() has not been called");
  return impl_->config;
}

std::optional<ClaimedTrial> SqliteStorage::claim_trial(const ClaimOptions& options,
                                                       const Sampler& sampler) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& impl = *impl_;
  if (!impl.have_study) throw Error(impl.where() + ": open_study() has not been called");
  if (options.worker.empty()) throw Error("claim_trial: the worker needs a name");
  Transaction tx(impl);
  const double now = unix_now();
  std::optional<ClaimedTrial> claimed;
  {
    // A running trial is taken over when its heartbeat is older than the grace period,
    // or at once when its worker was a process of this host that has exited.
    Query running(
        impl,
        "SELECT number, attempts, heartbeat_at < ?1, worker FROM trials WHERE state = 'running' "
        "ORDER BY number");
    running.bind(1, now - options.grace_seconds);
    while (!claimed && running.step()) {
      if (running.integer(2) != 0 || detail::worker_has_exited(running.text(3))) {
        claimed.emplace();
        claimed->trial.number = running.integer(0);
        claimed->attempt = running.integer(1) + 1;
        claimed->resumed = true;
      }
    }
  }
  if (claimed) {
    const std::int64_t number = claimed->trial.number;
    Query take(impl,
               "UPDATE trials SET worker = ?1, attempts = ?2, started_at = ?3, heartbeat_at = ?3 "
               "WHERE number = ?4");
    take.bind(1, options.worker).bind(2, claimed->attempt).bind(3, now).bind(4, number).run();
    Query clear(impl, "DELETE FROM trial_values WHERE number = ?1");
    clear.bind(1, number).run();
    read_params(impl, number, claimed->trial.params);
    tx.commit();
    return claimed;
  }
  {
    Query count(impl,
                "SELECT COUNT(*) FROM trials WHERE state IN ('running', 'complete', 'pruned')");
    count.step();
    if (count.integer(0) >= options.total_trials) {
      tx.commit();
      return std::nullopt;
    }
  }
  const auto& trials = refresh_trials(impl);
  const std::int64_t number = trials.empty() ? 0 : trials.back().number + 1;
  claimed.emplace();
  claimed->trial.number = number;
  claimed->trial.params = detail::sample_new_trial(sampler, impl.config.space, trials, number);
  {
    Query insert(impl,
                 "INSERT INTO trials (number, state, worker, attempts, started_at, heartbeat_at) "
                 "VALUES (?1, 'running', ?2, 1, ?3, ?3)");
    insert.bind(1, number).bind(2, options.worker).bind(3, now).run();
  }
  for (const auto& [name, value] : claimed->trial.params) {
    Query param(impl,
                "INSERT INTO trial_params (number, name, int_value, real_value, text_value) VALUES "
                "(?1, ?2, ?3, ?4, ?5)");
    param.bind(1, number).bind(2, name);
    if (const auto* i = std::get_if<std::int64_t>(&value)) param.bind(3, *i);
    if (const auto* d = std::get_if<double>(&value)) param.bind(4, *d);
    if (const auto* s = std::get_if<std::string>(&value)) param.bind(5, *s);
    param.run();
  }
  tx.commit();
  return claimed;
}

bool SqliteStorage::heartbeat(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Query q(*impl_,
          "UPDATE trials SET heartbeat_at = ?1 WHERE number = ?2 AND worker = ?3 AND state = "
          "'running'");
  q.bind(1, unix_now()).bind(2, number).bind(3, worker).run();
  return sqlite3_changes(impl_->db) == 1;
}

bool SqliteStorage::report(std::int64_t number, const std::string& worker, std::int64_t step,
                           double value) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& impl = *impl_;
  Transaction tx(impl);
  Query own(impl,
            "UPDATE trials SET heartbeat_at = ?1 WHERE number = ?2 AND worker = ?3 AND state = "
            "'running'");
  own.bind(1, unix_now()).bind(2, number).bind(3, worker).run();
  if (sqlite3_changes(impl.db) != 1) return false;
  Query q(impl, "INSERT OR REPLACE INTO trial_values (number, step, value) VALUES (?1, ?2, ?3)");
  q.bind(1, number).bind(2, step).bind(3, value).run();
  tx.commit();
  return true;
}

bool SqliteStorage::finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                                 std::optional<double> value, const std::string& message) {
  if (state == TrialState::running)
    throw Error("finish_trial: the final state cannot be 'running'");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& impl = *impl_;
  Transaction tx(impl);
  const double now = unix_now();
  Query q(
      impl,
      "UPDATE trials SET state = ?1, value = ?2, message = ?3, finished_at = ?4, heartbeat_at = ?4 "
      "WHERE number = ?5 AND worker = ?6 AND state = 'running'");
  q.bind(1, std::string(to_string(state)))
      .bind(2, value)
      .bind(3, message)
      .bind(4, now)
      .bind(5, number)
      .bind(6, worker)
      .run();
  const bool owned = sqlite3_changes(impl.db) == 1;
  tx.commit();
  if (owned && impl.options.keep_previous) keep_previous_copy(impl);
  return owned;
}

bool SqliteStorage::release_trial(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Query q(*impl_,
          "UPDATE trials SET heartbeat_at = 0, worker = '' WHERE number = ?1 AND worker = ?2 AND "
          "state = 'running'");
  q.bind(1, number).bind(2, worker).run();
  return sqlite3_changes(impl_->db) == 1;
}

std::vector<Trial> SqliteStorage::trials() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  // One read transaction, so the trials form one snapshot.
  impl_->exec("BEGIN");
  try {
    auto out = refresh_trials(*impl_);
    impl_->exec("COMMIT");
    return out;
  } catch (...) {
    sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<TrialRecord> SqliteStorage::records() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& impl = *impl_;
  impl.exec("BEGIN");
  try {
    std::vector<TrialRecord> out;
    {
      Query q(impl,
              "SELECT number, state, value, message, worker, attempts, started_at, finished_at, "
              "heartbeat_at "
              "FROM trials ORDER BY number");
      while (q.step()) {
        TrialRecord r;
        r.trial.number = q.integer(0);
        r.trial.state = parse_trial_state(q.text(1));
        r.trial.value = q.optional_real(2);
        r.message = q.text(3);
        r.worker = q.text(4);
        r.attempts = q.integer(5);
        r.started_at = q.real(6);
        r.finished_at = q.is_null(7) ? 0 : q.real(7);
        r.heartbeat_at = q.real(8);
        out.push_back(std::move(r));
      }
    }
    for (auto& r : out) {
      read_params(impl, r.trial.number, r.trial.params);
      read_values(impl, r.trial.number, r.trial.intermediate);
    }
    impl.exec("COMMIT");
    return out;
  } catch (...) {
    sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace galaxyzoo
