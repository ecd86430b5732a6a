#include "galaxyzoo/hpo/postgres_storage.hpp"

#include <libpq-fe.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "hpo/sql_session.hpp"
#include "hpo/study_protocol.hpp"

namespace galaxyzoo {
namespace {

using detail::SqlRows;
using detail::SqlValue;

// The server's clock in Unix seconds.
#define GZ_SERVER_NOW "extract(epoch FROM clock_timestamp())::double precision"

// Serialises the creation of the schema by concurrent first workers (any constant key).
constexpr const char* kCreateLockKey = "7318009245712";

// A statement parameter as libpq takes it: its text, or SQL NULL.
using Text = std::optional<std::string>;

Text text_of(const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  const auto* d = std::get_if<double>(&v);
  if (d == nullptr || std::isnan(*d)) return std::nullopt;
  if (std::isinf(*d)) return std::string(*d > 0 ? "Infinity" : "-Infinity");
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", *d);
  return std::string(buffer);
}

// @p sql with the protocol's ?N placeholders spelled $N.
std::string with_dollar_placeholders(std::string sql) {
  for (auto& c : sql) {
    if (c == '?') c = '$';
  }
  return sql;
}

// One result; cleared on destruction.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  // Whether the statement succeeded; else the server's message.
  bool ok() const {
    const auto status = PQresultStatus(r_);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }
  std::string error() const {
    std::string text = r_ != nullptr ? PQresultErrorMessage(r_) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t changed() const { return std::atoll(PQcmdTuples(r_)); }
  // Every row, each value as the server's text (or NULL).
  SqlRows rows() const {
    SqlRows out;
    const int columns = PQnfields(r_);
    for (int row = 0; row < PQntuples(r_); ++row) {
      auto& values = out.rows.emplace_back();
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(r_, row, c) != 0) {
          values.emplace_back();
        } else {
          values.emplace_back(std::string(PQgetvalue(r_, row, c),
                                          static_cast<std::size_t>(PQgetlength(r_, row, c))));
        }
      }
    }
    return out;
  }

 private:
  PGresult* r_;
};

// The connection to one database. Values are always sent as parameters, never spliced
// into SQL; times come from the server's clock.
class PostgresSession final : public detail::SqlSession {
 public:
  explicit PostgresSession(const std::string& url);
  ~PostgresSession() override { PQfinish(conn_); }
  PostgresSession(const PostgresSession&) = delete;
  PostgresSession& operator=(const PostgresSession&) = delete;

  const std::string& shown() const noexcept { return shown_; }

  std::string where() const override { return "study database '" + shown_ + "'"; }
  std::string container() const override { return "database or schema"; }
  detail::SqlTypes types() const override { return {"BIGINT", "DOUBLE PRECISION"}; }

  // Re-opens a connection that broke since the last call.
  void ensure_connected() override {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw Error("cannot connect to the " + where() + ": " + reason());
  }
  std::int64_t execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    return run(sql, params)->changed();
  }
  SqlRows query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return run(sql, params)->rows();
  }
  void execute_script(const std::string& sql) override {
    Result r(PQexec(conn_, sql.c_str()));
    check(r, sql);
  }

  void begin(Access access) override {
    run(access == Access::write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {});
  }
  void commit() override { run("COMMIT", {}); }
  void rollback() noexcept override { PQclear(PQexec(conn_, "ROLLBACK")); }

  double now() override { return query("SELECT " GZ_SERVER_NOW, {}).real(0, 0); }
  // The study row's lock serialises every claim, from every machine, until COMMIT.
  double lock_claims() override {
    return query("SELECT " GZ_SERVER_NOW " FROM study WHERE id = 1 FOR UPDATE", {}).real(0, 0);
  }
  const char* lock_rows_clause() const override { return " FOR UPDATE"; }
  void ensure_schema(const std::function<void()>& create) override;

 private:
  std::string reason() const {
    std::string text = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }
  // Runs @p sql with @p params; throws on any failure.
  std::unique_ptr<Result> run(const std::string& sql, const std::vector<SqlValue>& params);
  void check(const Result& r, const std::string& sql) const;

  std::string url_;    // as given (with the password: PQreset needs none of it)
  std::string shown_;  // without the password
  PGconn* conn_ = nullptr;
};

PostgresSession::PostgresSession(const std::string& url)
    : url_(url), shown_(postgres_url_without_password(url)) {
  // The URL's own parameters override these defaults (libpq reads the keywords in order).
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "galaxyzoo", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string reason = this->reason();
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error("cannot connect to the " + where() + ": " + reason);
  }
  // Notices (e.g. "relation exists") are not for the user's terminal.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

std::unique_ptr<Result> PostgresSession::run(const std::string& sql,
                                             const std::vector<SqlValue>& params) {
  std::vector<Text> texts;
  texts.reserve(params.size());
  for (const auto& p : params) texts.push_back(text_of(p));
  std::vector<const char*> pointers;
  pointers.reserve(texts.size());
  for (const auto& t : texts) pointers.push_back(t ? t->c_str() : nullptr);
  const std::string statement = with_dollar_placeholders(sql);
  auto r = std::make_unique<Result>(PQexecParams(conn_, statement.c_str(),
                                                 static_cast<int>(pointers.size()), nullptr,
                                                 pointers.data(), nullptr, nullptr, 0));
  check(*r, statement);
  return r;
}

void PostgresSession::check(const Result& r, const std::string& sql) const {
  if (r.ok()) return;
  if (PQstatus(conn_) != CONNECTION_OK)
    throw Error("lost the connection to the " + where() + ": " + reason());
  std::string statement = sql;
  if (statement.size() > 80) statement = statement.substr(0, 77) + "...";
  throw Error(where() + ": '" + statement + "' failed: " + r.error());
}

void PostgresSession::ensure_schema(const std::function<void()>& create) {
  // Create the schema unless it is there; the lock makes concurrent first workers wait.
  detail::SqlTransaction tx(*this, Access::write);
  run("SELECT pg_advisory_xact_lock(?1::bigint)", {std::string(kCreateLockKey)});
  const auto tables = query(
      "SELECT to_regclass('galaxyzoo_meta') IS NOT NULL, to_regclass('study') IS NOT NULL OR "
      "to_regclass('trials') IS NOT NULL OR to_regclass('trial_params') IS NOT NULL OR "
      "to_regclass('trial_values') IS NOT NULL",
      {});
  if (!tables.flag(0, 0)) {
    if (tables.flag(0, 1)) {
      throw Error(where() +
                  " holds a table named study, trials, trial_params or trial_values but no "
                  "galaxyzoo_meta: not a galaxyzoo study; use another database or schema");
    }
    create();
  }
  tx.commit();
}

}  // namespace

struct PostgresStorage::Impl {
  explicit Impl(const std::string& url) : session(url) {}
  PostgresSession session;
  detail::StudyProtocol protocol{session};
};

PostgresStorage::PostgresStorage(const std::string& url) : impl_(std::make_unique<Impl>(url)) {
  set_protocol(impl_->protocol);
}

PostgresStorage::~PostgresStorage() = default;

const std::string& PostgresStorage::url() const noexcept { return impl_->session.shown(); }

}  // namespace galaxyzoo
