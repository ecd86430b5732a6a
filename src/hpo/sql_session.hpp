#pragma once
// What the study protocol (study_protocol.hpp) needs of a SQL database: one connection
// that runs statements with bound parameters, in transactions, plus the few things the
// backends do their own way (the column types, the clock, how claims and the creation
// of the schema are serialised between processes). SqliteStorage and PostgresStorage
// each implement it. Private to src/; header only.
//
// Statements number their parameters ?1, ?2, ... (one number may appear twice); a
// backend whose server spells them otherwise rewrites them (PostgreSQL: $1, $2, ...).
// No statement holds a '?' anywhere else.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace galaxyzoo::detail {

// A statement parameter or a column value: SQL NULL, an integer, a real or a text.
// A NaN parameter is stored as NULL.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;

inline SqlValue sql_value(const std::optional<double>& v) { return v ? SqlValue(*v) : SqlValue(); }

// The rows a query returned. A backend may deliver every value as text (PostgreSQL)
// or typed (SQLite); the accessors convert.
struct SqlRows {
  std::vector<std::vector<SqlValue>> rows;

  std::size_t size() const noexcept { return rows.size(); }
  bool empty() const noexcept { return rows.empty(); }
  bool is_null(std::size_t row, int column) const {
    return std::holds_alternative<std::monostate>(at(row, column));
  }
  // 0 for NULL.
  std::int64_t integer(std::size_t row, int column) const {
    const auto& v = at(row, column);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
    return 0;
  }
  // NaN for NULL.
  double real(std::size_t row, int column) const {
    const auto& v = at(row, column);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::optional<double> optional_real(std::size_t row, int column) const {
    return is_null(row, column) ? std::nullopt : std::optional<double>(real(row, column));
  }
  // "" for NULL.
  std::string text(std::size_t row, int column) const {
    const auto& v = at(row, column);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    return std::string();
  }
  // A boolean expression's value: SQLite's 0 / 1, PostgreSQL's "f" / "t".
  bool flag(std::size_t row, int column) const {
    const auto& v = at(row, column);
    if (const auto* s = std::get_if<std::string>(&v)) return *s == "t" || *s == "true";
    return integer(row, column) != 0;
  }

 private:
  const SqlValue& at(std::size_t row, int column) const {
    return rows.at(row).at(static_cast<std::size_t>(column));
  }
};

// The types of the schema's integer and real columns.
struct SqlTypes {
  const char* integer;  // "INTEGER" (SQLite), "BIGINT" (PostgreSQL)
  const char* real;     // "REAL" (SQLite), "DOUBLE PRECISION" (PostgreSQL)
};

// One connection to a study database. Not thread-safe: StudyProtocol serialises calls.
class SqlSession {
 public:
  enum class Access { read, write };

  virtual ~SqlSession() = default;

  // "study database 'NAME'", for messages.
  virtual std::string where() const = 0;
  // What to use instead of a storage that holds another study: "file", "database or schema".
  virtual std::string container() const = 0;
  virtual SqlTypes types() const = 0;

  // Re-opens a connection that broke since the last call (a no-op for a file).
  virtual void ensure_connected() {}
  // Runs @p sql (a statement that returns no rows); the number of rows it changed.
  virtual std::int64_t execute(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  // Runs @p sql; every row it returned.
  virtual SqlRows query(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  // Runs @p sql, several statements without parameters.
  virtual void execute_script(const std::string& sql) = 0;

  // Starts a transaction: a write transaction that waits for other writers (SQLite's
  // BEGIN IMMEDIATE), or a read transaction that sees one consistent snapshot.
  virtual void begin(Access access) = 0;
  virtual void commit() = 0;
  // Rolls the open transaction back; never throws.
  virtual void rollback() noexcept = 0;

  // Unix time in seconds from the clock every worker of the study shares.
  virtual double now() = 0;
  // In a write transaction: makes every other claim wait until it ends; returns now().
  virtual double lock_claims() = 0;
  // What follows a SELECT of running trials to lock them until the transaction ends
  // ("" where lock_claims() already locks everything).
  virtual const char* lock_rows_clause() const = 0;
  // Calls @p create inside a write transaction, serialised against other processes
  // doing the same, unless the database already holds a study schema.
  // @throws Error if it holds other tables but no study.
  virtual void ensure_schema(const std::function<void()>& create) = 0;
  // Called (calls still serialised) after a trial's outcome was committed.
  virtual void trial_finished() {}
};

// A transaction, rolled back unless committed.
class SqlTransaction {
 public:
  SqlTransaction(SqlSession& session, SqlSession::Access access) : session_(session) {
    session_.begin(access);
  }
  ~SqlTransaction() {
    if (!done_) session_.rollback();
  }
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  void commit() {
    session_.commit();
    done_ = true;
  }

 private:
  SqlSession& session_;
  bool done_ = false;
};

}  // namespace galaxyzoo::detail
