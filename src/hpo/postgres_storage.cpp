#include "galaxyzoo/hpo/postgres_storage.hpp"

#include <libpq-fe.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>

#include "galaxyzoo/core/error.hpp"
#include "hpo/study_storage_common.hpp"

namespace galaxyzoo {
namespace {

// The schema of kStudySchemaVersion: sqlite_storage.cpp's tables with PostgreSQL's types.
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
  created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE trials (
  number       BIGINT PRIMARY KEY,
  state        TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
  value        DOUBLE PRECISION,
  message      TEXT NOT NULL DEFAULT '',
  worker       TEXT NOT NULL DEFAULT '',
  attempts     BIGINT NOT NULL DEFAULT 1,
  started_at   DOUBLE PRECISION NOT NULL,
  finished_at  DOUBLE PRECISION,
  heartbeat_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX trials_by_state ON trials (state, heartbeat_at);
CREATE TABLE trial_params (
  number     BIGINT NOT NULL REFERENCES trials (number),
  name       TEXT NOT NULL,
  int_value  BIGINT,
  real_value DOUBLE PRECISION,
  text_value TEXT,
  PRIMARY KEY (number, name)
);
CREATE TABLE trial_values (
  number BIGINT NOT NULL REFERENCES trials (number),
  step   BIGINT NOT NULL,
  value  DOUBLE PRECISION,
  PRIMARY KEY (number, step)
);
)sql";

// The server's clock in Unix seconds.
#define GZ_SERVER_NOW "extract(epoch FROM clock_timestamp())::double precision"

// Serialises the creation of the schema by concurrent first workers (any constant key).
constexpr const char* kCreateLockKey = "7318009245712";

// A statement parameter: its text, or SQL NULL.
using Value = std::optional<std::string>;

Value value(std::int64_t v) { return std::to_string(v); }
Value value(double v) {
  if (std::isnan(v)) return std::nullopt;
  if (std::isinf(v)) return std::string(v > 0 ? "Infinity" : "-Infinity");
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return std::string(buffer);
}
Value value(const std::optional<double>& v) { return v ? value(*v) : std::nullopt; }

// One result; cleared on destruction.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&&) = delete;

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
  int rows() const { return PQntuples(r_); }
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t changed() const { return std::atoll(PQcmdTuples(r_)); }
  bool is_null(int row, int c) const { return PQgetisnull(r_, row, c) != 0; }
  std::string text(int row, int c) const {
    return std::string(PQgetvalue(r_, row, c), static_cast<std::size_t>(PQgetlength(r_, row, c)));
  }
  std::int64_t integer(int row, int c) const {
    return std::strtoll(PQgetvalue(r_, row, c), nullptr, 10);
  }
  double real(int row, int c) const {
    return is_null(row, c) ? std::numeric_limits<double>::quiet_NaN()
                           : std::strtod(PQgetvalue(r_, row, c), nullptr);
  }
  std::optional<double> optional_real(int row, int c) const {
    return is_null(row, c) ? std::nullopt : std::optional<double>(real(row, c));
  }

 private:
  PGresult* r_;
};

// The connection and what is kept in memory.
struct Connection {
  std::string url;    // as given (with the password: PQreset needs none of it)
  std::string shown;  // without the password
  PGconn* conn = nullptr;
  std::mutex mutex;
  bool have_study = false;
  StudyConfig config;

  std::string where() const { return "study database '" + shown + "'"; }

  std::string reason() const {
    std::string text = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  // Re-opens a connection that broke since the last call.
  void ensure_connected() {
    if (PQstatus(conn) == CONNECTION_OK) return;
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK)
      throw Error("cannot connect to the " + where() + ": " + reason());
  }

  // Runs @p sql with @p params ($1, $2, ...); throws on any failure.
  Result run(const char* sql, std::initializer_list<Value> params = {}) {
    std::vector<const char*> texts;
    texts.reserve(params.size());
    for (const auto& p : params) texts.push_back(p ? p->c_str() : nullptr);
    Result r(PQexecParams(conn, sql, static_cast<int>(texts.size()), nullptr, texts.data(), nullptr,
                          nullptr, 0));
    check(r, sql);
    return r;
  }

  // Runs @p sql, which may hold several statements and no parameters.
  void script(const char* sql) {
    Result r(PQexec(conn, sql));
    check(r, sql);
  }

  void check(const Result& r, const char* sql) const {
    if (r.ok()) return;
    if (PQstatus(conn) != CONNECTION_OK)
      throw Error("lost the connection to the " + where() + ": " + reason());
    std::string statement = sql;
    if (statement.size() > 80) statement = statement.substr(0, 77) + "...";
    throw Error(where() + ": '" + statement + "' failed: " + r.error());
  }
};

// BEGIN ... COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.run("BEGIN"); }
  ~Transaction() {
    if (!done_) PQclear(PQexec(c_.conn, "ROLLBACK"));
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    c_.run("COMMIT");
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// Every trial by number with its parameters and intermediate values, read with three
// statements (one round trip each, whatever the number of trials).
std::vector<Trial> read_trials(Connection& c, std::vector<TrialRecord>* records = nullptr) {
  std::vector<Trial> out;
  std::map<std::int64_t, std::size_t> index;
  {
    const auto r = c.run(
        "SELECT number, state, value, message, worker, attempts, started_at, finished_at, "
        "heartbeat_at "
        "FROM trials ORDER BY number");
    for (int i = 0; i < r.rows(); ++i) {
      Trial t;
      t.number = r.integer(i, 0);
      t.state = parse_trial_state(r.text(i, 1));
      t.value = r.optional_real(i, 2);
      index[t.number] = out.size();
      out.push_back(std::move(t));
      if (records != nullptr) {
        TrialRecord rec;
        rec.message = r.text(i, 3);
        rec.worker = r.text(i, 4);
        rec.attempts = r.integer(i, 5);
        rec.started_at = r.real(i, 6);
        rec.finished_at = r.is_null(i, 7) ? 0 : r.real(i, 7);
        rec.heartbeat_at = r.real(i, 8);
        records->push_back(std::move(rec));
      }
    }
  }
  {
    const auto r =
        c.run("SELECT number, name, int_value, real_value, text_value FROM trial_params");
    for (int i = 0; i < r.rows(); ++i) {
      const auto it = index.find(r.integer(i, 0));
      if (it == index.end()) continue;
      auto& params = out[it->second].params;
      if (!r.is_null(i, 2)) {
        params[r.text(i, 1)] = r.integer(i, 2);
      } else if (!r.is_null(i, 3)) {
        params[r.text(i, 1)] = r.real(i, 3);
      } else {
        params[r.text(i, 1)] = r.text(i, 4);
      }
    }
  }
  {
    const auto r = c.run("SELECT number, step, value FROM trial_values");
    for (int i = 0; i < r.rows(); ++i) {
      const auto it = index.find(r.integer(i, 0));
      if (it != index.end()) out[it->second].intermediate[r.integer(i, 1)] = r.real(i, 2);
    }
  }
  return out;
}

Assignment read_params(Connection& c, std::int64_t number) {
  Assignment params;
  const auto r =
      c.run("SELECT name, int_value, real_value, text_value FROM trial_params WHERE number = $1",
            {value(number)});
  for (int i = 0; i < r.rows(); ++i) {
    if (!r.is_null(i, 1)) {
      params[r.text(i, 0)] = r.integer(i, 1);
    } else if (!r.is_null(i, 2)) {
      params[r.text(i, 0)] = r.real(i, 2);
    } else {
      params[r.text(i, 0)] = r.text(i, 3);
    }
  }
  return params;
}

}  // namespace

struct PostgresStorage::Impl : Connection {};

PostgresStorage::PostgresStorage(const std::string& url) : impl_(std::make_unique<Impl>()) {
  impl_->url = url;
  impl_->shown = postgres_url_without_password(url);
  // The URL's own parameters override these defaults (libpq reads the keywords in order).
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "galaxyzoo", url.c_str(), nullptr};
  impl_->conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (PQstatus(impl_->conn) != CONNECTION_OK) {
    const std::string reason = impl_->reason();
    PQfinish(impl_->conn);
    impl_->conn = nullptr;
    throw Error("cannot connect to the " + impl_->where() + ": " + reason);
  }
  // Notices (e.g. "relation exists") are not for the user's terminal.
  PQsetNoticeProcessor(
      impl_->conn, [](void*, const char*) {}, nullptr);
}

PostgresStorage::~PostgresStorage() { PQfinish(impl_->conn); }

const std::string& PostgresStorage::url() const noexcept { return impl_->shown; }

void PostgresStorage::open_study(const StudyConfig& config) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& c = *impl_;
  if (config.name.empty()) throw Error("a study needs a name");
  c.ensure_connected();
  {
    // Create the schema unless it is there; the lock makes concurrent first workers wait.
    Transaction tx(c);
    c.run("SELECT pg_advisory_xact_lock($1::bigint)", {std::string(kCreateLockKey)});
    const auto tables = c.run(
        "SELECT to_regclass('galaxyzoo_meta') IS NOT NULL, to_regclass('study') IS NOT NULL OR "
        "to_regclass('trials') IS NOT NULL OR to_regclass('trial_params') IS NOT NULL OR "
        "to_regclass('trial_values') IS NOT NULL");
    if (tables.text(0, 0) != "t") {
      if (tables.text(0, 1) == "t") {
        throw Error(c.where() +
                    " holds a table named study, trials, trial_params or trial_values but no "
                    "galaxyzoo_meta: not a galaxyzoo study; use another database or schema");
      }
      c.script(kSchema);
      for (const auto& [key, text] :
           {std::pair<std::string, std::string>{"format", detail::kStudyFormat},
            {"schema_version", std::to_string(kStudySchemaVersion)}}) {
        c.run("INSERT INTO galaxyzoo_meta (key, value) VALUES ($1, $2)", {key, text});
      }
      c.run(
          "INSERT INTO study (id, name, direction, space, sampler, created_at) "
          "VALUES (1, $1, 'minimize', $2, $3, " GZ_SERVER_NOW ")",
          {config.name, config.space.to_json(), config.sampler});
    }
    tx.commit();
  }
  // Check the stored study: reading only, so a mismatch leaves the database as it was.
  std::string format, version;
  {
    const auto r = c.run("SELECT key, value FROM galaxyzoo_meta");
    for (int i = 0; i < r.rows(); ++i) {
      if (r.text(i, 0) == "format") format = r.text(i, 1);
      if (r.text(i, 0) == "schema_version") version = r.text(i, 1);
    }
  }
  detail::check_study_format(c.where(), "database or schema", format, version);
  StudyConfig stored;
  {
    const auto r = c.run("SELECT name, space, sampler FROM study WHERE id = 1");
    if (r.rows() != 1) throw Error(c.where() + " has no study row");
    stored.name = r.text(0, 0);
    stored.space = SearchSpace::from_json(r.text(0, 1), c.where() + ", study.space");
    stored.sampler = r.text(0, 2);
  }
  detail::check_same_study(c.where(), "database or schema", stored, config);
  c.config = std::move(stored);
  c.have_study = true;
}

StudyConfig PostgresStorage::study() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (!impl_->have_study) throw Error(impl_->where() + ": open_study() has not been called");
  return impl_->config;
}

std::optional<ClaimedTrial> PostgresStorage::claim_trial(const ClaimOptions& options,
                                                         const Sampler& sampler) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& c = *impl_;
  if (!c.have_study) throw Error(c.where() + ": open_study() has not been called");
  if (options.worker.empty()) throw Error("claim_trial: the worker needs a name");
  c.ensure_connected();
  Transaction tx(c);
  // The study row's lock serialises every claim, from every machine, until COMMIT.
  const double now =
      c.run("SELECT " GZ_SERVER_NOW " FROM study WHERE id = 1 FOR UPDATE").real(0, 0);
  {
    // FOR UPDATE re-checks the row after waiting, so a trial finished or heart-beaten
    // meanwhile by its owner is not taken.
    // Taken over: a heartbeat older than the grace period, or a worker that was a
    // process of this host and has exited.
    const auto running = c.run(
        "SELECT number, attempts, heartbeat_at < $1, worker FROM trials "
        "WHERE state = 'running' ORDER BY number FOR UPDATE",
        {value(now - options.grace_seconds)});
    int stale = -1;
    for (int row = 0; stale < 0 && row < running.rows(); ++row) {
      if (running.text(row, 2) == "t" || detail::worker_has_exited(running.text(row, 3)))
        stale = row;
    }
    if (stale >= 0) {
      ClaimedTrial claimed;
      claimed.trial.number = running.integer(stale, 0);
      claimed.attempt = running.integer(stale, 1) + 1;
      claimed.resumed = true;
      const auto number = value(claimed.trial.number);
      c.run(
          "UPDATE trials SET worker = $1, attempts = $2, started_at = $3, heartbeat_at = $3 WHERE "
          "number = $4",
          {options.worker, value(claimed.attempt), value(now), number});
      c.run("DELETE FROM trial_values WHERE number = $1", {number});
      claimed.trial.params = read_params(c, claimed.trial.number);
      tx.commit();
      return claimed;
    }
  }
  if (c.run("SELECT COUNT(*) FROM trials WHERE state IN ('running', 'complete', 'pruned')")
          .integer(0, 0) >= options.total_trials) {
    tx.commit();
    return std::nullopt;
  }
  const auto trials = read_trials(c);
  ClaimedTrial claimed;
  claimed.trial.number = trials.empty() ? 0 : trials.back().number + 1;
  claimed.trial.params =
      detail::sample_new_trial(sampler, c.config.space, trials, claimed.trial.number);
  const auto number = value(claimed.trial.number);
  c.run(
      "INSERT INTO trials (number, state, worker, attempts, started_at, heartbeat_at) "
      "VALUES ($1, 'running', $2, 1, $3, $3)",
      {number, options.worker, value(now)});
  for (const auto& [name, v] : claimed.trial.params) {
    const auto* i = std::get_if<std::int64_t>(&v);
    const auto* d = std::get_if<double>(&v);
    const auto* s = std::get_if<std::string>(&v);
    c.run(
        "INSERT INTO trial_params (number, name, int_value, real_value, text_value) VALUES ($1, "
        "$2, $3, $4, $5)",
        {number, name, i ? value(*i) : std::nullopt, d ? value(*d) : std::nullopt,
         s ? Value(*s) : std::nullopt});
  }
  tx.commit();
  return claimed;
}

bool PostgresStorage::heartbeat(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->ensure_connected();
  return impl_
             ->run("UPDATE trials SET heartbeat_at = " GZ_SERVER_NOW
                   " WHERE number = $1 AND worker = $2 AND state = 'running'",
                   {value(number), worker})
             .changed() == 1;
}

bool PostgresStorage::report(std::int64_t number, const std::string& worker, std::int64_t step,
                             double v) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& c = *impl_;
  c.ensure_connected();
  Transaction tx(c);
  if (c.run("UPDATE trials SET heartbeat_at = " GZ_SERVER_NOW
            " WHERE number = $1 AND worker = $2 AND state = 'running'",
            {value(number), worker})
          .changed() != 1) {
    return false;
  }
  c.run(
      "INSERT INTO trial_values (number, step, value) VALUES ($1, $2, $3) "
      "ON CONFLICT (number, step) DO UPDATE SET value = EXCLUDED.value",
      {value(number), value(step), value(v)});
  tx.commit();
  return true;
}

bool PostgresStorage::finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                                   std::optional<double> v, const std::string& message) {
  if (state == TrialState::running)
    throw Error("finish_trial: the final state cannot be 'running'");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->ensure_connected();
  return impl_
             ->run(
                 "UPDATE trials SET state = $1, value = $2, message = $3, finished_at "
                 "= " GZ_SERVER_NOW ", heartbeat_at = " GZ_SERVER_NOW
                 " WHERE number = $4 AND worker = $5 AND state = 'running'",
                 {std::string(to_string(state)), value(v), message, value(number), worker})
             .changed() == 1;
}

bool PostgresStorage::release_trial(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->ensure_connected();
  return impl_
             ->run(
                 "UPDATE trials SET heartbeat_at = 0, worker = '' WHERE number = $1 AND worker = "
                 "$2 AND state = 'running'",
                 {value(number), worker})
             .changed() == 1;
}

std::vector<Trial> PostgresStorage::trials() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->ensure_connected();
  // One repeatable-read transaction, so the three reads form one snapshot.
  Transaction tx(*impl_);
  impl_->run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  auto out = read_trials(*impl_);
  tx.commit();
  return out;
}

std::vector<TrialRecord> PostgresStorage::records() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->ensure_connected();
  Transaction tx(*impl_);
  impl_->run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  std::vector<TrialRecord> out;
  auto trials = read_trials(*impl_, &out);
  tx.commit();
  for (std::size_t i = 0; i < out.size(); ++i) out[i].trial = std::move(trials[i]);
  return out;
}

}  // namespace galaxyzoo
