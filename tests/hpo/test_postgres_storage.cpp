#define BOOST_TEST_MODULE postgres_storage
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/postgres_storage.hpp>
#include <galaxyzoo/hpo/study_storage.hpp>

#include <cstdlib>
#include <memory>
#include <utility>

#include "kaggle_fixture.hpp"
#include "study_storage_checks.hpp"

// PostgresStorage against a real server: the URL comes from GALAXYZOO_TEST_POSTGRES_URL,
// which ctest sets after starting a private server (tests/support/postgres_server.sh).
// Without it only the checks that need no server run, and the others are reported as
// skipped. Each test case works in a schema of its own, named after it.

namespace gz = galaxyzoo;
namespace utf = boost::unit_test;
using gz::testing::check_error;
using gz::testing::claim_options;
using gz::testing::CountingSampler;
using gz::testing::study_config;
using gz::testing::TempDir;

namespace {

std::string server_url() {
  const char* url = std::getenv("GALAXYZOO_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

boost::test_tools::assertion_result have_server(utf::test_unit_id) {
  boost::test_tools::assertion_result result(!server_url().empty());
  result.message()
      << "GALAXYZOO_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against "
         "(ctest starts one; see tests/support/postgres_server.sh)";
  return result;
}

// Runs @p sql on the test server, as the tests' own client; returns every cell, rows
// separated by '\n' and cells by '|'.
std::string sql(const std::string& url, const std::string& statement) {
  PGconn* conn = PQconnectdb(url.c_str());
  BOOST_REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  PGresult* r = PQexec(conn, statement.c_str());
  const auto status = PQresultStatus(r);
  std::string out;
  for (int i = 0; i < PQntuples(r); ++i) {
    for (int c = 0; c < PQnfields(r); ++c) out += std::string(c ? "|" : "") + PQgetvalue(r, i, c);
    out += '\n';
  }
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  BOOST_REQUIRE_MESSAGE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK,
                        statement << ": " << error);
  return out;
}

// A fresh, empty schema; the URL that makes it the storage's schema.
struct Schema {
  explicit Schema(const std::string& name) : name(name) {
    sql(server_url(), "DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
    const std::string base = server_url();
    url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
          name;
  }
  std::string name, url;
};

// Everything a study holds, as text, to check that nothing changed.
std::string dump(const Schema& s) {
  return sql(s.url, "SELECT * FROM galaxyzoo_meta ORDER BY key") +
         sql(s.url, "SELECT * FROM study") + sql(s.url, "SELECT * FROM trials ORDER BY number") +
         sql(s.url, "SELECT * FROM trial_params ORDER BY number, name") +
         sql(s.url, "SELECT * FROM trial_values ORDER BY number, step") +
         sql(s.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = '" +
                        s.name + "' ORDER BY 1");
}

}  // namespace

BOOST_AUTO_TEST_CASE(urls_and_connection_errors_need_no_server) {
  if (server_url().empty()) {
    BOOST_TEST_MESSAGE(
        "GALAXYZOO_TEST_POSTGRES_URL is not set: the PostgreSQL server tests are skipped; "
        "ctest sets it after starting a server (tests/support/postgres_server.sh)");
  }
  BOOST_TEST(gz::postgres_url_without_password("postgresql://hpo:s3cret@db.example.org:5432/gz") ==
             "postgresql://hpo:***@db.example.org:5432/gz");
  BOOST_TEST(
      gz::postgres_url_without_password("postgres://hpo@db/gz?sslmode=require&password=s3cret") ==
      "postgres://hpo@db/gz?sslmode=require&password=***");
  BOOST_TEST(gz::postgres_url_without_password("postgresql://db:5432/gz") ==
             "postgresql://db:5432/gz");
  BOOST_TEST(gz::postgres_url_without_password("postgresql://u:p@[::1]:5432/gz") ==
             "postgresql://u:***@[::1]:5432/gz");
  // Port 1 on loopback: nothing listens, so the connection is refused at once.
  for (const std::string scheme : {"postgresql", "postgres"}) {
    try {
      gz::open_storage(scheme + "://hpo:s3cret@127.0.0.1:1/gz");
      BOOST_ERROR("expected a connection error");
    } catch (const gz::Error& e) {
      const std::string what = e.what();
      BOOST_TEST_MESSAGE(what);
      BOOST_TEST(what.find("cannot connect to the study database '" + scheme +
                           "://hpo:***@127.0.0.1:1/gz'") != std::string::npos,
                 what);
      BOOST_TEST(what.find("s3cret") == std::string::npos, what);
    }
  }
  check_error([] { gz::open_storage("mysql://host/db"); }, "unknown scheme 'mysql'");
}

BOOST_AUTO_TEST_CASE(claims_up_to_the_total_and_stores_everything,
                     *utf::precondition(have_server)) {
  const Schema schema("gz_claims");
  {
    gz::PostgresStorage storage(schema.url);
    BOOST_TEST(storage.url().find(":***@") != std::string::npos);
    CountingSampler sampler;
    BOOST_CHECK_THROW(storage.claim_trial(claim_options(3), sampler),
                      gz::Error);  // no open_study()
  }
  bool first = true;
  gz::testing::check_claims_up_to_the_total([&]() -> std::unique_ptr<gz::StudyStorage> {
    // First the class itself, then through a URL.
    if (std::exchange(first, false)) return std::make_unique<gz::PostgresStorage>(schema.url);
    return gz::open_storage(schema.url);
  });
  // The types are PostgreSQL's own, not text.
  BOOST_TEST(sql(schema.url,
                 "SELECT pg_typeof(real_value)::text, pg_typeof(int_value)::text FROM trial_params "
                 "LIMIT 1") == "double precision|bigint\n");
}

BOOST_AUTO_TEST_CASE(a_trial_whose_worker_process_exited_is_taken_over_at_once,
                     *utf::precondition(have_server)) {
  const Schema schema("gz_exited");
  gz::PostgresStorage s(schema.url);
  gz::testing::check_exited_worker_take_over(s);
}

BOOST_AUTO_TEST_CASE(a_stale_trial_is_taken_over_with_the_same_parameters,
                     *utf::precondition(have_server)) {
  const Schema schema("gz_stale");
  CountingSampler sampler;
  gz::PostgresStorage a(schema.url), b(schema.url);
  gz::testing::check_stale_take_over(a, b);
  // A released trial is claimed again at once, grace or not.
  BOOST_TEST(b.release_trial(1, "B"));
  const auto again = a.claim_trial(claim_options(2, "A", /*grace=*/3600), sampler);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->trial.number == 1);
  BOOST_TEST(again->resumed);
}

BOOST_AUTO_TEST_CASE(another_study_space_or_schema_is_refused_without_change,
                     *utf::precondition(have_server)) {
  const Schema schema("gz_mismatch");
  CountingSampler sampler;
  {
    gz::PostgresStorage storage(schema.url);
    storage.open_study(study_config());
    storage.claim_trial(claim_options(2), sampler);
    storage.finish_trial(0, "w1", gz::TrialState::complete, 0.5);
    storage.claim_trial(claim_options(2), sampler);
    storage.report(1, "w1", 0, 0.75);
  }
  const std::string before = dump(schema);
  auto other_space = gz::testing::study_space();
  other_space.add_float("momentum", 0.5, 0.99);
  check_error([&] { gz::PostgresStorage(schema.url).open_study(study_config("s2")); },
              "holds study 's1', not 's2'");
  check_error(
      [&] {
        gz::PostgresStorage(schema.url).open_study({"s1", other_space, "counting"});
      },
      "another search space (new parameter 'momentum')");
  BOOST_TEST(dump(schema) == before);

  sql(schema.url, "UPDATE galaxyzoo_meta SET value = '99' WHERE key = 'schema_version'");
  const std::string version99 = dump(schema);
  check_error([&] { gz::PostgresStorage(schema.url).open_study(study_config()); },
              "schema version 99");
  BOOST_TEST(dump(schema) == version99);

  // Another program's tables.
  const Schema other("gz_other");
  sql(other.url, "CREATE TABLE study (x INTEGER); INSERT INTO study VALUES (1)");
  check_error([&] { gz::PostgresStorage(other.url).open_study(study_config()); },
              "not a galaxyzoo study");
  BOOST_TEST(
      sql(other.url,
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'gz_other'") ==
      "study\n");
  BOOST_TEST(sql(other.url, "SELECT x FROM study") == "1\n");
}

BOOST_AUTO_TEST_CASE(two_worker_processes_share_a_study, *utf::precondition(have_server)) {
  const Schema schema("gz_two_workers");
  TempDir dir;
  gz::HpoSearchOptions o;
  o.storage = schema.url;
  o.study_name = "test";
  o.space = gz::SearchSpace();
  o.space.add_float("x", 0.0, 1.0);
  o.space.add_categorical("layer", {std::int64_t{21}, std::int64_t{24}});
  o.trials = 24;
  o.sampler = "random";
  o.seed = 3;
  o.heartbeat_seconds = 0.05;
  o.grace_seconds = 5;
  // Both workers start on an empty schema: one creates the study, the other waits and
  // joins it.
  gz::testing::check_two_workers_share_a_study(o, dir / "calls.log");
  BOOST_TEST(sql(schema.url, "SELECT COUNT(*) FROM study") == "1\n");
}
