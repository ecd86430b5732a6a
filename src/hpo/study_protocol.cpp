#include "hpo/study_protocol.hpp"

#include <map>
#include <utility>

#include "galaxyzoo/core/error.hpp"
#include "hpo/study_storage_common.hpp"

namespace galaxyzoo::detail {
namespace {

using Access = SqlSession::Access;

// The schema of kStudySchemaVersion; {INT} and {REAL} stand for the session's column
// types. Parameter values keep their type in one of three columns, so the same tables
// work in databases without SQLite's dynamic typing.
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
  created_at {REAL} NOT NULL
);
CREATE TABLE trials (
  number       {INT} PRIMARY KEY,
  state        TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
  value        {REAL},
  message      TEXT NOT NULL DEFAULT '',
  worker       TEXT NOT NULL DEFAULT '',
  attempts     {INT} NOT NULL DEFAULT 1,
  started_at   {REAL} NOT NULL,
  finished_at  {REAL},
  heartbeat_at {REAL} NOT NULL
);
CREATE INDEX trials_by_state ON trials (state, heartbeat_at);
CREATE TABLE trial_params (
  number     {INT} NOT NULL REFERENCES trials (number),
  name       TEXT NOT NULL,
  int_value  {INT},
  real_value {REAL},
  text_value TEXT,
  PRIMARY KEY (number, name)
);
CREATE TABLE trial_values (
  number {INT} NOT NULL REFERENCES trials (number),
  step   {INT} NOT NULL,
  value  {REAL},
  PRIMARY KEY (number, step)
);
)sql";

// The trials a worker owns: running, and still claimed by that worker.
constexpr const char* kOwned = " WHERE number = ?2 AND worker = ?3 AND state = 'running'";

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A parameter's value from trial_params columns @p first (int), +1 (real), +2 (text).
ParameterValue param_value(const SqlRows& rows, std::size_t row, int first) {
  if (!rows.is_null(row, first)) return rows.integer(row, first);
  if (!rows.is_null(row, first + 1)) return rows.real(row, first + 1);
  return rows.text(row, first + 2);
}

bool is_final(TrialState s) { return s != TrialState::running; }

}  // namespace

std::string study_schema(const SqlTypes& types) {
  std::string schema = kSchema;
  replace_all(schema, "{INT}", types.integer);
  replace_all(schema, "{REAL}", types.real);
  return schema;
}

void StudyProtocol::require_study() const {
  if (!have_study_) throw Error(session_.where() + ": open_study() has not been called");
}

void StudyProtocol::open_study(const StudyConfig& config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (config.name.empty()) throw Error("a study needs a name");
  session_.ensure_connected();
  session_.ensure_schema([&] { create_study(config); });
  // Check the stored study: reading only, so a mismatch leaves the database as it was.
  StudyConfig stored = read_study();
  check_same_study(session_.where(), session_.container(), stored, config);
  config_ = std::move(stored);
  have_study_ = true;
}

void StudyProtocol::create_study(const StudyConfig& config) {
  session_.execute_script(study_schema(session_.types()));
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"format", kStudyFormat},
                                   {"schema_version", std::to_string(kStudySchemaVersion)}}) {
    session_.execute("INSERT INTO galaxyzoo_meta (key, value) VALUES (?1, ?2)", {key, value});
  }
  session_.execute(
      "INSERT INTO study (id, name, direction, space, sampler, created_at) "
      "VALUES (1, ?1, 'minimize', ?2, ?3, ?4)",
      {config.name, config.space.to_json(), config.sampler, session_.now()});
}

StudyConfig StudyProtocol::read_study() {
  const std::string where = session_.where();
  std::string format, version;
  const auto meta = session_.query("SELECT key, value FROM galaxyzoo_meta", {});
  for (std::size_t i = 0; i < meta.size(); ++i) {
    if (meta.text(i, 0) == "format") format = meta.text(i, 1);
    if (meta.text(i, 0) == "schema_version") version = meta.text(i, 1);
  }
  check_study_format(where, session_.container(), format, version);
  const auto study = session_.query("SELECT name, space, sampler FROM study WHERE id = 1", {});
  if (study.size() != 1) throw Error(where + " has no study row");
  StudyConfig stored;
  stored.name = study.text(0, 0);
  stored.space = SearchSpace::from_json(study.text(0, 1), where + ", study.space");
  stored.sampler = study.text(0, 2);
  return stored;
}

StudyConfig StudyProtocol::study() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (have_study_) return config_;
  // Not opened: the stored study as it is, read only (vgg16_hpo --export_optuna).
  session_.ensure_connected();
  return read_study();
}

std::optional<ClaimedTrial> StudyProtocol::claim_trial(const ClaimOptions& options,
                                                       const Sampler& sampler) {
  std::lock_guard<std::mutex> lock(mutex_);
  require_study();
  if (options.worker.empty()) throw Error("claim_trial: the worker needs a name");
  session_.ensure_connected();
  SqlTransaction tx(session_, Access::write);
  const double now = session_.lock_claims();
  auto claimed = take_over(options, now);
  if (!claimed) {
    const auto count = session_.query(
        "SELECT COUNT(*) FROM trials WHERE state IN ('running', 'complete', 'pruned')", {});
    if (count.integer(0, 0) < options.total_trials)
      claimed = insert_new_trial(options, sampler, now);
  }
  tx.commit();
  return claimed;
}

// The first running trial that may be taken over (may_take_over()), re-claimed for
// options.worker with its intermediate values cleared; nothing if there is none.
std::optional<ClaimedTrial> StudyProtocol::take_over(const ClaimOptions& options, double now) {
  // Where rows are locked, the lock re-checks them after waiting, so a trial finished or
  // heart-beaten meanwhile by its owner is not taken.
  const auto running =
      session_.query(std::string("SELECT number, attempts, heartbeat_at < ?1, worker FROM trials "
                                 "WHERE state = 'running' ORDER BY number") +
                         session_.lock_rows_clause(),
                     {now - options.grace_seconds});
  for (std::size_t row = 0; row < running.size(); ++row) {
    if (!may_take_over(running.flag(row, 2), running.text(row, 3))) continue;
    ClaimedTrial claimed;
    claimed.trial.number = running.integer(row, 0);
    claimed.attempt = running.integer(row, 1) + 1;
    claimed.resumed = true;
    session_.execute(
        "UPDATE trials SET worker = ?1, attempts = ?2, started_at = ?3, heartbeat_at = ?3 "
        "WHERE number = ?4",
        {options.worker, claimed.attempt, now, claimed.trial.number});
    session_.execute("DELETE FROM trial_values WHERE number = ?1", {claimed.trial.number});
    claimed.trial.params = read_params(claimed.trial.number);
    return claimed;
  }
  return std::nullopt;
}

// A new trial, numbered after the last one, with parameters from @p sampler.
ClaimedTrial StudyProtocol::insert_new_trial(const ClaimOptions& options, const Sampler& sampler,
                                             double now) {
  const auto trials = read_trials(nullptr);
  ClaimedTrial claimed;
  const std::int64_t number = trials.empty() ? 0 : trials.back().number + 1;
  claimed.trial.number = number;
  claimed.trial.params = sample_new_trial(sampler, config_.space, trials, number);
  session_.execute(
      "INSERT INTO trials (number, state, worker, attempts, started_at, heartbeat_at) "
      "VALUES (?1, 'running', ?2, 1, ?3, ?3)",
      {number, options.worker, now});
  for (const auto& [name, value] : claimed.trial.params) {
    std::vector<SqlValue> params{number, name, SqlValue(), SqlValue(), SqlValue()};
    if (const auto* i = std::get_if<std::int64_t>(&value)) params[2] = *i;
    if (const auto* d = std::get_if<double>(&value)) params[3] = *d;
    if (const auto* s = std::get_if<std::string>(&value)) params[4] = *s;
    session_.execute(
        "INSERT INTO trial_params (number, name, int_value, real_value, text_value) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        params);
  }
  return claimed;
}

bool StudyProtocol::heartbeat(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  return session_.execute(std::string("UPDATE trials SET heartbeat_at = ?1") + kOwned,
                          {session_.now(), number, worker}) == 1;
}

bool StudyProtocol::report(std::int64_t number, const std::string& worker, std::int64_t step,
                           double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  SqlTransaction tx(session_, Access::write);
  if (session_.execute(std::string("UPDATE trials SET heartbeat_at = ?1") + kOwned,
                       {session_.now(), number, worker}) != 1) {
    return false;
  }
  session_.execute(
      "INSERT INTO trial_values (number, step, value) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (number, step) DO UPDATE SET value = excluded.value",
      {number, step, value});
  tx.commit();
  return true;
}

bool StudyProtocol::finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                                 std::optional<double> value, const std::string& message) {
  if (state == TrialState::running)
    throw Error("finish_trial: the final state cannot be 'running'");
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  SqlTransaction tx(session_, Access::write);
  const bool owned =
      session_.execute(
          std::string("UPDATE trials SET finished_at = ?1, heartbeat_at = ?1, state = ?4, "
                      "value = ?5, message = ?6") +
              kOwned,
          {session_.now(), number, worker, std::string(to_string(state)), sql_value(value),
           message}) == 1;
  tx.commit();
  if (owned) session_.trial_finished();
  return owned;
}

bool StudyProtocol::release_trial(std::int64_t number, const std::string& worker) {
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  return session_.execute(std::string("UPDATE trials SET heartbeat_at = ?1, worker = ''") + kOwned,
                          {std::int64_t{0}, number, worker}) == 1;
}

std::vector<Trial> StudyProtocol::trials() {
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  // One read transaction, so the trials form one snapshot.
  SqlTransaction tx(session_, Access::read);
  auto out = read_trials(nullptr);
  tx.commit();
  return out;
}

std::vector<TrialRecord> StudyProtocol::records() {
  std::lock_guard<std::mutex> lock(mutex_);
  session_.ensure_connected();
  SqlTransaction tx(session_, Access::read);
  std::vector<TrialRecord> out;
  auto trials = read_trials(&out);
  tx.commit();
  for (std::size_t i = 0; i < out.size(); ++i) out[i].trial = std::move(trials[i]);
  return out;
}

Assignment StudyProtocol::read_params(std::int64_t number) {
  Assignment params;
  const auto rows = session_.query(
      "SELECT name, int_value, real_value, text_value FROM trial_params WHERE number = ?1",
      {number});
  for (std::size_t i = 0; i < rows.size(); ++i) params[rows.text(i, 0)] = param_value(rows, i, 1);
  return params;
}

// Every trial by number with its parameters and intermediate values, with three
// statements whatever the number of trials. Without @p records, finished trials are
// taken from known_ and only the others' parameters and values are read; with it, every
// trial is read afresh and @p records gets their bookkeeping.
std::vector<Trial> StudyProtocol::read_trials(std::vector<TrialRecord>* records) {
  const auto rows = session_.query(
      "SELECT number, state, value, message, worker, attempts, started_at, finished_at, "
      "heartbeat_at FROM trials ORDER BY number",
      {});
  std::vector<Trial> out(rows.size());
  std::map<std::int64_t, std::size_t> unread;  // number -> index, of the trials read below
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Trial& t = out[i];
    t.number = rows.integer(i, 0);
    if (records == nullptr && i < known_.size() && known_[i].number == t.number &&
        is_final(known_[i].state)) {
      t = known_[i];
    } else {
      t.state = parse_trial_state(rows.text(i, 1));
      t.value = rows.optional_real(i, 2);
      unread.emplace(t.number, i);
    }
    if (records != nullptr) {
      TrialRecord r;
      r.message = rows.text(i, 3);
      r.worker = rows.text(i, 4);
      r.attempts = rows.integer(i, 5);
      r.started_at = rows.real(i, 6);
      r.finished_at = rows.is_null(i, 7) ? 0 : rows.real(i, 7);
      r.heartbeat_at = rows.real(i, 8);
      records->push_back(std::move(r));
    }
  }
  if (!unread.empty()) {
    const std::vector<SqlValue> from{unread.begin()->first};
    const auto params = session_.query(
        "SELECT number, name, int_value, real_value, text_value FROM trial_params "
        "WHERE number >= ?1",
        from);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto it = unread.find(params.integer(i, 0));
      if (it != unread.end()) out[it->second].params[params.text(i, 1)] = param_value(params, i, 2);
    }
    const auto values =
        session_.query("SELECT number, step, value FROM trial_values WHERE number >= ?1", from);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto it = unread.find(values.integer(i, 0));
      if (it != unread.end())
        out[it->second].intermediate[values.integer(i, 1)] = values.real(i, 2);
    }
  }
  if (records == nullptr) known_ = out;
  return out;
}

}  // namespace galaxyzoo::detail
