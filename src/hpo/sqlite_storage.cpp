#include "galaxyzoo/hpo/sqlite_storage.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "galaxyzoo/core/error.hpp"
#include "hpo/sql_session.hpp"
#include "hpo/study_protocol.hpp"
#include "hpo/study_storage_common.hpp"

namespace galaxyzoo {
namespace {

using detail::SqlRows;
using detail::SqlValue;

std::filesystem::path sibling(const std::filesystem::path& file, const std::string& suffix) {
  return std::filesystem::path(file.string() + suffix);
}

// The connection to one SQLite file, its cached prepared statements, and how errors
// are reported (a damaged file throws CorruptFileError, a failing disk IoError).
class SqliteSession final : public detail::SqlSession {
 public:
  SqliteSession(std::filesystem::path file, SqliteStorageOptions options)
      : file_(std::move(file)), options_(options) {}
  ~SqliteSession() override { close(); }
  SqliteSession(const SqliteSession&) = delete;
  SqliteSession& operator=(const SqliteSession&) = delete;

  const std::filesystem::path& file() const noexcept { return file_; }
  const SqliteStorageOptions& options() const noexcept { return options_; }

  std::string where() const override { return "study database '" + file_.string() + "'"; }
  std::string container() const override { return "file"; }
  detail::SqlTypes types() const override { return {"INTEGER", "REAL"}; }

  std::int64_t execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    Statement statement(*this, sql, params);
    while (statement.step()) {
    }
    return sqlite3_changes(db_);
  }
  SqlRows query(const std::string& sql, const std::vector<SqlValue>& params) override {
    Statement statement(*this, sql, params);
    SqlRows rows;
    while (statement.step()) rows.rows.push_back(statement.row());
    return rows;
  }
  void execute_script(const std::string& sql) override { exec(sql.c_str()); }

  void begin(Access access) override {
    exec(access == Access::write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

  double now() override { return detail::unix_now(); }
  // BEGIN IMMEDIATE already holds the file's write lock until the transaction ends.
  double lock_claims() override { return now(); }
  const char* lock_rows_clause() const override { return ""; }
  void ensure_schema(const std::function<void()>& create) override;
  void trial_finished() override {
    if (options_.keep_previous) keep_previous_copy();
  }

  void open();
  void close();
  std::string damage();
  void exec(const char* sql);

 private:
  // One use of a cached prepared statement: bind, step, read; reset on destruction.
  class Statement {
   public:
    Statement(SqliteSession& session, const std::string& sql, const std::vector<SqlValue>& params);
    ~Statement() {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    // True for a row, false when done.
    bool step();
    std::vector<SqlValue> row() const;

   private:
    SqliteSession& session_;
    sqlite3_stmt* s_;
  };

  std::string reason(const std::string& sqlite_message) const;
  [[noreturn]] void fail(const std::string& what, int rc) const;
  sqlite3_stmt* prepare(const std::string& sql);
  std::int64_t table_count();
  bool has_table(const std::string& name);
  void keep_previous_copy();

  std::filesystem::path file_;
  SqliteStorageOptions options_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// SQLite's message, with the operating system's reason when there is one: SQLite
// says "disk I/O error" where the system said "No space left on device".
std::string SqliteSession::reason(const std::string& sqlite_message) const {
  const int os = db_ != nullptr ? sqlite3_system_errno(db_) : 0;
  return os != 0 ? sqlite_message + " (" + std::strerror(os) + ")" : sqlite_message;
}

void SqliteSession::fail(const std::string& what, int rc) const {
  const std::string reason =
      this->reason(db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
    throw CorruptFileError(file_, "not a valid SQLite database (" + reason + ")");
  }
  if (rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_READONLY || rc == SQLITE_FULL) {
    throw IoError(file_, what + ": " + reason);
  }
  throw Error(where() + ": " + what + ": " + reason);
}

void SqliteSession::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
      throw CorruptFileError(file_, "not a valid SQLite database (" + text + ")");
    }
    if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN) {
      throw IoError(file_, reason(text));
    }
    throw Error(where() + ": " + text);
  }
}

sqlite3_stmt* SqliteSession::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr);
  if (rc != SQLITE_OK) fail("cannot prepare '" + sql + "'", rc);
  statements_.emplace(sql, statement);
  return statement;
}

SqliteSession::Statement::Statement(SqliteSession& session, const std::string& sql,
                                    const std::vector<SqlValue>& params)
    : session_(session), s_(session.prepare(sql)) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    const auto& v = params[i];
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(s_, at, *n);
    } else if (const auto* d = std::get_if<double>(&v); d != nullptr && !std::isnan(*d)) {
      rc = sqlite3_bind_double(s_, at, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text(s_, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(s_, at);
    }
    if (rc != SQLITE_OK) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
      session_.fail("cannot bind a value", rc);
    }
  }
}

bool SqliteSession::Statement::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  session_.fail(std::string("'") + sqlite3_sql(s_) + "' failed", rc);
}

std::vector<SqlValue> SqliteSession::Statement::row() const {
  std::vector<SqlValue> out;
  const int columns = sqlite3_column_count(s_);
  for (int c = 0; c < columns; ++c) {
    switch (sqlite3_column_type(s_, c)) {
      case SQLITE_NULL:
        out.emplace_back();
        break;
      case SQLITE_INTEGER:
        out.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(s_, c)));
        break;
      case SQLITE_FLOAT:
        out.emplace_back(sqlite3_column_double(s_, c));
        break;
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
        out.emplace_back(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c))));
      }
    }
  }
  return out;
}

std::int64_t SqliteSession::table_count() {
  return query("SELECT COUNT(*) FROM sqlite_master", {}).integer(0, 0);
}

bool SqliteSession::has_table(const std::string& name) {
  return !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", {name}).empty();
}

void SqliteSession::ensure_schema(const std::function<void()>& create) {
  if (table_count() == 0) {
    // A new (empty) file: choose the journal, then create the schema unless another
    // process got there first.
    exec(options_.wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE");
    detail::SqlTransaction tx(*this, Access::write);
    if (table_count() == 0) create();
    tx.commit();
  }
  if (!has_table("galaxyzoo_meta") || !has_table("study")) {
    throw Error(where() +
                " is a SQLite database but not a galaxyzoo study (no galaxyzoo_meta or study "
                "table)");
  }
}

void SqliteSession::close() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  statements_.clear();
  sqlite3_close(db_);
  db_ = nullptr;
}

void SqliteSession::open() {
  const int rc =
      sqlite3_open_v2(file_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError(file_, "cannot open the study database: " + reason);
  }
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
}

// What is wrong with the open database ("" if nothing): a file that is not SQLite, or
// a damaged one (PRAGMA quick_check: every page and record readable, the b-trees sound).
std::string SqliteSession::damage() {
  try {
    const auto rows = query("PRAGMA quick_check(1)", {});
    const std::string verdict =
        !rows.empty() ? rows.text(0, 0) : "no answer from the integrity check";
    return verdict == "ok" ? "" : "damaged (" + verdict + ")";
  } catch (const CorruptFileError& e) {
    // The reason alone: the caller's error names the file.
    const std::string what = e.what();
    const std::string prefix = "'" + file_.string() + "': ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
  }
}

// Copies the database to FILE.previous: into a temporary file with SQLite's online
// backup (a consistent snapshot even while other processes write), then renamed into
// place. Best effort: a failure (a full disk) leaves the older copy as it was.
void SqliteSession::keep_previous_copy() {
  const auto previous = previous_study_copy(file_);
  const auto temporary = sibling(previous, ".tmp-" + std::to_string(::getpid()));
  sqlite3* copy = nullptr;
  bool ok = sqlite3_open_v2(temporary.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) == SQLITE_OK;
  if (ok) {
    sqlite3_backup* backup = sqlite3_backup_init(copy, "main", db_, "main");
    ok = backup != nullptr && sqlite3_backup_step(backup, -1) == SQLITE_DONE;
    ok = sqlite3_backup_finish(backup) == SQLITE_OK && ok;
  }
  ok = sqlite3_close(copy) == SQLITE_OK && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(temporary, previous, ec);
  if (!ok || ec) std::filesystem::remove(temporary, ec);
}

// Replaces the damaged @p session's file (closed) by its previous copy, keeping the
// damaged file as FILE.damaged, and reopens it. Returns the notice for the user.
// @throws CorruptFileError if there is no sound previous copy.
std::string restore_previous_copy(SqliteSession& session, const std::string& problem) {
  const auto& file = session.file();
  const auto previous = previous_study_copy(file);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(previous, ec)) {
    throw CorruptFileError(
        file, problem + "; there is no previous copy (" + previous.string() + ") to fall back to");
  }
  {
    SqliteSession check(previous, session.options());
    check.open();
    const std::string previous_problem = check.damage();
    if (!previous_problem.empty()) {
      throw CorruptFileError(file, problem + "; its previous copy is " + previous_problem);
    }
  }
  // Keep the damaged file (and its journal) for inspection, then put the copy in place.
  const auto damaged = sibling(file, ".damaged");
  std::filesystem::rename(file, damaged, ec);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::error_code ignored;
    std::filesystem::rename(sibling(file, suffix), sibling(damaged, suffix), ignored);
  }
  const auto restoring = sibling(file, ".restoring-" + std::to_string(::getpid()));
  if (!ec)
    std::filesystem::copy_file(previous, restoring,
                               std::filesystem::copy_options::overwrite_existing, ec);
  if (!ec) std::filesystem::rename(restoring, file, ec);
  if (ec) throw IoError(file, problem + "; restoring its previous copy failed: " + ec.message());
  session.open();
  if (session.options().wal) session.exec("PRAGMA journal_mode = WAL");
  return "study database '" + file.string() + "' was " + problem +
         "; continued from its copy after the last finished trial ('" + previous.string() +
         "'); the damaged file is kept as '" + damaged.string() + "'";
}

}  // namespace

struct SqliteStorage::Impl {
  Impl(std::filesystem::path file, SqliteStorageOptions options)
      : session(std::move(file), options) {}
  SqliteSession session;
  detail::StudyProtocol protocol{session};
  std::string recovered;  // what recovery_notice() says
};

std::filesystem::path previous_study_copy(const std::filesystem::path& file) {
  return sibling(file, ".previous");
}

SqliteStorage::SqliteStorage(std::filesystem::path file, SqliteStorageOptions options)
    : impl_(std::make_unique<Impl>(std::move(file), options)) {
  auto& session = impl_->session;
  const auto& path = session.file();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError(path, "is a folder, not a study database file");
  // An empty file beside a previous copy was cut to nothing (a full disk, a bad copy);
  // without a copy it is a new study.
  const bool emptied = std::filesystem::is_regular_file(path, ec) &&
                       std::filesystem::file_size(path, ec) == 0 &&
                       std::filesystem::is_regular_file(previous_study_copy(path), ec);
  session.open();
  const std::string problem = emptied ? "empty (0 bytes)" : session.damage();
  if (!problem.empty()) {
    // Damaged: fall back to the copy kept after the last finished trial, if it is sound.
    session.close();
    impl_->recovered = restore_previous_copy(session, problem);
  }
  try {
    session.exec("PRAGMA foreign_keys = ON");
    session.exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                          : "PRAGMA synchronous = NORMAL");
  } catch (...) {
    session.close();
    throw;
  }
  set_protocol(impl_->protocol);
}

SqliteStorage::~SqliteStorage() = default;

std::string SqliteStorage::recovery_notice() const { return impl_->recovered; }

const std::filesystem::path& SqliteStorage::file() const noexcept { return impl_->session.file(); }

}  // namespace galaxyzoo
