#define BOOST_TEST_MODULE study_protocol
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <galaxyzoo/core/error.hpp>

#include "hpo/sql_session.hpp"
#include "hpo/study_protocol.hpp"
#include "hpo/study_storage_common.hpp"
#include "kaggle_fixture.hpp"
#include "study_storage_checks.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::detail::SqlRows;
using gz::detail::SqlSession;
using gz::detail::SqlValue;
using gz::detail::StudyProtocol;
using gz::testing::claim_options;
using gz::testing::CountingSampler;
using gz::testing::study_config;

namespace {

// A session of the test's own over one SQLite file: a clock the test sets, and a log of
// the transactions and locks the protocol asked for.
class TestSession : public SqlSession {
 public:
  explicit TestSession(const fs::path& file) {
    BOOST_REQUIRE(sqlite3_open(file.c_str(), &db_) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 10000);
  }
  ~TestSession() override { sqlite3_close(db_); }

  std::string where() const override { return "test database"; }
  std::string container() const override { return "file"; }
  gz::detail::SqlTypes types() const override { return {"INTEGER", "REAL"}; }
  std::int64_t execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    run(sql, params);
    return sqlite3_changes(db_);
  }
  SqlRows query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return run(sql, params);
  }
  void execute_script(const std::string& sql) override { exec(sql); }
  void begin(Access access) override {
    log.push_back(access == Access::write ? "begin write" : "begin read");
    exec(access == Access::write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  void commit() override {
    log.push_back("commit");
    exec("COMMIT");
  }
  void rollback() noexcept override {
    log.push_back("rollback");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  double now() override { return clock; }
  double lock_claims() override {
    log.push_back("lock claims");
    return clock;
  }
  const char* lock_rows_clause() const override { return ""; }
  void ensure_schema(const std::function<void()>& create) override {
    if (!query("SELECT 1 FROM sqlite_master WHERE name = 'galaxyzoo_meta'", {}).empty()) return;
    gz::detail::SqlTransaction tx(*this, Access::write);
    create();
    tx.commit();
  }
  void trial_finished() override { ++finished; }

  double clock = 1000;
  int finished = 0;
  std::vector<std::string> log;

 private:
  void exec(const std::string& sql) {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      throw gz::Error(sql + ": " + sqlite3_errmsg(db_));
  }
  SqlRows run(const std::string& sql, const std::vector<SqlValue>& params) {
    BOOST_TEST(sql.find('$') == std::string::npos, sql);  // the protocol writes ?N
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw gz::Error(sql + ": " + sqlite3_errmsg(db_));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) sqlite3_bind_int64(s, at, *n);
      if (const auto* d = std::get_if<double>(&params[i]); d && !std::isnan(*d))
        sqlite3_bind_double(s, at, *d);
      if (const auto* t = std::get_if<std::string>(&params[i]))
        sqlite3_bind_text(s, at, t->c_str(), -1, SQLITE_TRANSIENT);
    }
    SqlRows rows;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      auto& row = rows.rows.emplace_back();
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const int type = sqlite3_column_type(s, c);
        if (type == SQLITE_NULL) row.emplace_back();
        if (type == SQLITE_INTEGER) row.emplace_back(std::int64_t{sqlite3_column_int64(s, c)});
        if (type == SQLITE_FLOAT) row.emplace_back(sqlite3_column_double(s, c));
        if (type == SQLITE_TEXT)
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c))));
      }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) throw gz::Error(sql + ": " + sqlite3_errmsg(db_));
    return rows;
  }

  sqlite3* db_ = nullptr;
};

struct Fixture {
  gz::testing::TempDir dir;
  TestSession session{dir / "study.db"};
  StudyProtocol protocol{session};
  CountingSampler sampler;
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_schema_takes_the_sessions_column_types) {
  const auto sqlite = gz::detail::study_schema({"INTEGER", "REAL"});
  const auto postgres = gz::detail::study_schema({"BIGINT", "DOUBLE PRECISION"});
  BOOST_TEST(sqlite.find("number       INTEGER PRIMARY KEY,") != std::string::npos);
  BOOST_TEST(sqlite.find("heartbeat_at REAL NOT NULL") != std::string::npos);
  BOOST_TEST(postgres.find("number       BIGINT PRIMARY KEY,") != std::string::npos);
  BOOST_TEST(postgres.find("real_value DOUBLE PRECISION,") != std::string::npos);
  // The study row's id is an INTEGER everywhere; no marker is left.
  BOOST_TEST(postgres.find("id         INTEGER PRIMARY KEY CHECK (id = 1)") != std::string::npos);
  BOOST_TEST(sqlite.find('{') == std::string::npos);
  BOOST_TEST(postgres.find('{') == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(opens_once_and_checks_the_stored_study, Fixture) {
  BOOST_CHECK_THROW(protocol.study(), gz::Error);
  BOOST_CHECK_THROW(protocol.claim_trial(claim_options(1), sampler), gz::Error);
  protocol.open_study(study_config("s1"));
  BOOST_TEST(protocol.study().name == "s1");
  BOOST_TEST(protocol.study().sampler == "counting");
  StudyProtocol reader(session);  // not opened: reads the stored study (an export)
  BOOST_TEST(reader.study().name == "s1");
  BOOST_TEST((reader.study().space == study_config("s1").space));
  StudyProtocol again(session);
  again.open_study(study_config("s1"));
  StudyProtocol other(session);
  gz::testing::check_error([&] { other.open_study(study_config("s2")); }, "holds study 's1'");
  BOOST_CHECK_THROW(other.open_study(study_config("")), gz::Error);
  const auto meta = session.query("SELECT value FROM galaxyzoo_meta WHERE key = ?1",
                                  {std::string("schema_version")});
  BOOST_TEST(meta.text(0, 0) == std::to_string(gz::kStudySchemaVersion));
  BOOST_TEST(session.query("SELECT created_at FROM study", {}).real(0, 0) == 1000.0);
}

BOOST_FIXTURE_TEST_CASE(claims_new_trials_up_to_the_total_in_one_locked_transaction, Fixture) {
  protocol.open_study(study_config());
  session.log.clear();
  const auto first = protocol.claim_trial(claim_options(2, "w1"), sampler);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST((session.log == std::vector<std::string>{"begin write", "lock claims", "commit"}));
  BOOST_TEST(first->trial.number == 0);
  BOOST_TEST(first->attempt == 1);
  BOOST_TEST(!first->resumed);
  const auto second = protocol.claim_trial(claim_options(2, "w2"), sampler);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->trial.number == 1);
  BOOST_TEST(sampler.seen == 1u);  // the sampler saw trial 0
  BOOST_TEST(!protocol.claim_trial(claim_options(2, "w3"), sampler).has_value());
  // A failed trial does not count: another one replaces it.
  BOOST_TEST(protocol.finish_trial(0, "w1", gz::TrialState::failed, std::nullopt, "boom"));
  const auto third = protocol.claim_trial(claim_options(2, "w3"), sampler);
  BOOST_REQUIRE(third.has_value());
  BOOST_TEST(third->trial.number == 2);
  const auto trials = protocol.trials();
  BOOST_REQUIRE(trials.size() == 3u);
  BOOST_TEST(std::get<std::int64_t>(trials[2].params.at("layer")) == 2);
  BOOST_TEST(std::get<double>(trials[2].params.at("lr")) == 1e-4);
  BOOST_TEST(std::get<std::string>(trials[1].params.at("name")) == "b");
  BOOST_TEST(protocol.records()[0].message == "boom");
}

BOOST_FIXTURE_TEST_CASE(takes_over_a_trial_whose_heartbeat_is_older_than_the_grace_period,
                        Fixture) {
  protocol.open_study(study_config());
  BOOST_REQUIRE(protocol.claim_trial(claim_options(1, "w1", 60), sampler));
  BOOST_TEST(protocol.report(0, "w1", 1, 0.5));
  session.clock = 1050;
  BOOST_TEST(protocol.heartbeat(0, "w1"));
  session.clock = 1100;  // 50 s after the last beat: still alive
  BOOST_TEST(!protocol.claim_trial(claim_options(1, "w2", 60), sampler).has_value());
  session.clock = 1111;  // 61 s: taken over, same number and parameters, values cleared
  const auto taken = protocol.claim_trial(claim_options(1, "w2", 60), sampler);
  BOOST_REQUIRE(taken.has_value());
  BOOST_TEST(taken->trial.number == 0);
  BOOST_TEST(taken->resumed);
  BOOST_TEST(taken->attempt == 2);
  BOOST_TEST(std::get<std::int64_t>(taken->trial.params.at("layer")) == 0);
  BOOST_TEST(protocol.trials()[0].intermediate.empty());
  // The first worker no longer owns it.
  BOOST_TEST(!protocol.heartbeat(0, "w1"));
  BOOST_TEST(!protocol.report(0, "w1", 2, 0.1));
  BOOST_TEST(!protocol.finish_trial(0, "w1", gz::TrialState::complete, 0.1, ""));
  BOOST_TEST(!protocol.release_trial(0, "w1"));
  BOOST_TEST(session.finished == 0);
  const auto record = protocol.records()[0];
  BOOST_TEST(record.worker == "w2");
  BOOST_TEST(record.attempts == 2);
  BOOST_TEST(record.started_at == 1111.0);
}

BOOST_FIXTURE_TEST_CASE(a_released_trial_is_re_run_at_once, Fixture) {
  protocol.open_study(study_config());
  session.clock = 1e9;  // a heartbeat of 0 is older than any grace period
  BOOST_REQUIRE(protocol.claim_trial(claim_options(1, "w1"), sampler));
  BOOST_TEST(protocol.release_trial(0, "w1"));
  BOOST_TEST(!protocol.release_trial(0, "w1"));
  const auto again = protocol.claim_trial(claim_options(1, "w2"), sampler);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->resumed);
  BOOST_TEST(again->trial.number == 0);
}

BOOST_FIXTURE_TEST_CASE(reports_replace_and_finishing_records_the_outcome, Fixture) {
  protocol.open_study(study_config());
  BOOST_REQUIRE(protocol.claim_trial(claim_options(1, "w1"), sampler));
  BOOST_TEST(protocol.report(0, "w1", 1, 0.9));
  BOOST_TEST(protocol.report(0, "w1", 1, 0.7));  // the same step: replaced
  BOOST_TEST(protocol.report(0, "w1", 2, std::nan("")));
  BOOST_CHECK_THROW(protocol.finish_trial(0, "w1", gz::TrialState::running, 1.0, ""), gz::Error);
  session.clock = 1234.5;
  BOOST_TEST(protocol.finish_trial(0, "w1", gz::TrialState::pruned, 0.7, ""));
  BOOST_TEST(session.finished == 1);
  const auto r = protocol.records().at(0);
  BOOST_TEST(gz::to_string(r.trial.state) == "pruned");
  BOOST_TEST(*r.trial.value == 0.7);
  BOOST_TEST(r.finished_at == 1234.5);
  BOOST_TEST(r.heartbeat_at == 1234.5);
  BOOST_REQUIRE(r.trial.intermediate.size() == 2u);
  BOOST_TEST(r.trial.intermediate.at(1) == 0.7);
  BOOST_TEST(std::isnan(r.trial.intermediate.at(2)));  // stored as NULL
  BOOST_TEST(!protocol.finish_trial(0, "w1", gz::TrialState::complete, 0.1, ""));
}

BOOST_FIXTURE_TEST_CASE(finished_trials_are_read_once_and_records_read_afresh, Fixture) {
  protocol.open_study(study_config());
  BOOST_REQUIRE(protocol.claim_trial(claim_options(2, "w1"), sampler));
  BOOST_TEST(protocol.finish_trial(0, "w1", gz::TrialState::complete, 1.0, ""));
  BOOST_REQUIRE(protocol.claim_trial(claim_options(2, "w1"), sampler));
  session.log.clear();
  const auto first = protocol.trials();
  BOOST_TEST((session.log == std::vector<std::string>{"begin read", "commit"}));
  BOOST_REQUIRE(first.size() == 2u);
  // Behind the protocol's back: the finished trial is kept as read, the running one is
  // read again; records() reads everything.
  session.execute("UPDATE trial_params SET int_value = 77 WHERE name = 'layer'", {});
  const auto second = protocol.trials();
  BOOST_TEST(std::get<std::int64_t>(second[0].params.at("layer")) == 0);
  BOOST_TEST(std::get<std::int64_t>(second[1].params.at("layer")) == 77);
  BOOST_TEST(std::get<std::int64_t>(protocol.records()[0].trial.params.at("layer")) == 77);
}

BOOST_AUTO_TEST_CASE(a_trial_is_taken_over_when_stale_or_its_worker_has_exited) {
  BOOST_TEST(gz::detail::may_take_over(true, "w1"));
  BOOST_TEST(!gz::detail::may_take_over(false, "w1"));  // not host:pid:...
  BOOST_TEST(!gz::detail::may_take_over(false, "another-host.invalid:1:ab"));
}

BOOST_AUTO_TEST_CASE(rows_convert_between_text_and_typed_values) {
  SqlRows rows;
  rows.rows.push_back({SqlValue(std::string("42")), SqlValue(std::string("2.5")),
                       SqlValue(std::string("t")), SqlValue()});
  rows.rows.push_back({SqlValue(std::int64_t{7}), SqlValue(0.25), SqlValue(std::int64_t{0}),
                       SqlValue(std::string("x"))});
  BOOST_TEST(rows.integer(0, 0) == 42);
  BOOST_TEST(rows.real(0, 1) == 2.5);
  BOOST_TEST(rows.flag(0, 2));
  BOOST_TEST(rows.is_null(0, 3));
  BOOST_TEST(std::isnan(rows.real(0, 3)));
  BOOST_TEST(!rows.optional_real(0, 3).has_value());
  BOOST_TEST(rows.text(0, 3) == "");
  BOOST_TEST(rows.text(1, 0) == "7");
  BOOST_TEST(rows.real(1, 0) == 7.0);
  BOOST_TEST(*rows.optional_real(1, 1) == 0.25);
  BOOST_TEST(!rows.flag(1, 2));
  BOOST_TEST(rows.text(1, 3) == "x");
}
