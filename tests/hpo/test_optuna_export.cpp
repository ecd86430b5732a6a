#define BOOST_TEST_MODULE optuna_export
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/hpo/optuna_export.hpp>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::read_text;
using gz::testing::TempDir;
using nlohmann::json;

namespace {

// Times in the tests are UTC, whatever the machine's zone.
struct Utc {
  Utc() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};
const Utc utc;

gz::StudyConfig study() {
  gz::StudyConfig c;
  c.name = "toy";
  c.space.add_float("lr", 1e-5, 1e-2, true);
  c.space.add_categorical("layer", {std::int64_t{21}, std::string("all")});
  c.space.add_int("batch", 8, 64, false, 8);
  return c;
}

gz::TrialRecord record(std::int64_t number, gz::TrialState state, std::vector<double> steps) {
  gz::TrialRecord r;
  r.trial.number = number;
  r.trial.state = state;
  r.trial.params = {{"lr", 1e-3}, {"layer", std::string("all")}, {"batch", std::int64_t{16}}};
  for (std::size_t i = 0; i < steps.size(); ++i)
    r.trial.intermediate[static_cast<std::int64_t>(i)] = steps[i];
  if (state == gz::TrialState::complete) r.trial.value = 0.25;
  if (state == gz::TrialState::pruned) r.trial.value = steps.back();
  if (state == gz::TrialState::failed) r.message = "out of memory, \"badly\"";
  r.worker = "host:1:ab";
  r.attempts = 1;
  r.started_at = 1700000000.25 + 100.0 * static_cast<double>(number);
  if (state != gz::TrialState::running) r.finished_at = r.started_at + 62.5;
  return r;
}

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(states_times_and_durations_as_optuna_writes_them) {
  BOOST_TEST(gz::optuna_state_name(gz::TrialState::complete) == std::string("COMPLETE"));
  BOOST_TEST(gz::optuna_state_name(gz::TrialState::pruned) == std::string("PRUNED"));
  BOOST_TEST(gz::optuna_state_name(gz::TrialState::failed) == std::string("FAIL"));
  BOOST_TEST(gz::optuna_state_name(gz::TrialState::running) == std::string("RUNNING"));
  BOOST_TEST(gz::optuna_datetime(1700000000.25) == "2023-11-14 22:13:20.250000");
  BOOST_TEST(gz::optuna_datetime(1700000000.9999995, 'T') == "2023-11-14T22:13:21.000000");
  BOOST_TEST(gz::optuna_datetime(0).empty());
  BOOST_TEST(gz::optuna_duration(100.0, 162.5) == "0 days 00:01:02.500000");
  BOOST_TEST(gz::optuna_duration(100.0, 100.0 + 2 * 86400 + 3723.000001) ==
             "2 days 01:02:03.000001");
  BOOST_TEST(gz::optuna_duration(100.0, 90.0) == "0 days 00:00:00.000000");
  BOOST_TEST(gz::optuna_duration(0, 90.0).empty());
}

BOOST_AUTO_TEST_CASE(trials_table_has_trials_dataframe_columns) {
  const auto csv = gz::trials_dataframe_csv(
      {record(0, gz::TrialState::complete, {0.5, 0.3}), record(1, gz::TrialState::failed, {}),
       record(2, gz::TrialState::running, {0.7})},
      study().space);
  std::istringstream in(csv);
  std::string header, complete, failed, running;
  std::getline(in, header), std::getline(in, complete), std::getline(in, failed),
      std::getline(in, running);
  BOOST_TEST(header ==
             "number,value,datetime_start,datetime_complete,duration,params_batch,params_layer,"
             "params_lr,state,attempts,worker,message");
  BOOST_TEST(complete ==
             "0,0.25,2023-11-14 22:13:20.250000,2023-11-14 22:14:22.750000,0 days "
             "00:01:02.500000,16,all,0.001,COMPLETE,1,host:1:ab,");
  BOOST_TEST(failed.rfind("1,,", 0) == 0u);
  BOOST_TEST(failed.find(",FAIL,1,host:1:ab,\"out of memory, \"\"badly\"\"\"") != std::string::npos,
             failed);
  BOOST_TEST(running == "2,,2023-11-14 22:16:40.250000,,,16,all,0.001,RUNNING,1,host:1:ab,");
}

BOOST_AUTO_TEST_CASE(trials_table_numbers_as_pandas_writes_them) {
  std::vector<gz::TrialRecord> records;
  for (const double lr : {1e-4, 1e-5, 2.5e-3, 1.0}) {
    auto r = record(static_cast<std::int64_t>(records.size()), gz::TrialState::complete, {1});
    r.trial.params["lr"] = lr;
    r.trial.value = 2;
    records.push_back(r);
  }
  records[3].trial.value = 1.5e16;
  std::istringstream in(gz::trials_dataframe_csv(records, study().space));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> lr, value;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    value.push_back(cells.at(1));
    lr.push_back(cells.at(7));
  }
  BOOST_TEST(lr == (std::vector<std::string>{"0.0001", "1e-05", "0.0025", "1.0"}));
  BOOST_TEST(value == (std::vector<std::string>{"2.0", "2.0", "2.0", "1.5e+16"}));
}

BOOST_AUTO_TEST_CASE(journal_holds_the_study_and_each_trial) {
  const auto lines = parse_lines(gz::optuna_journal(
      study(), {record(0, gz::TrialState::pruned, {0.5, 0.6}),
                record(1, gz::TrialState::failed, {}), record(2, gz::TrialState::running, {})}));
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_TEST(lines[0].at("op_code") == 0);
  BOOST_TEST(lines[0].at("study_name") == "toy");
  BOOST_TEST(lines[0].at("directions") == json::array({1}));
  const json& pruned = lines[1];
  BOOST_TEST(pruned.at("op_code") == 4);
  BOOST_TEST(pruned.at("state") == 2);
  BOOST_TEST(pruned.at("value") == 0.6);
  BOOST_TEST(pruned.at("datetime_start") == "2023-11-14T22:13:20.250000");
  BOOST_TEST(pruned.at("datetime_complete") == "2023-11-14T22:14:22.750000");
  BOOST_TEST(pruned.at("intermediate_values").at("1") == 0.6);
  // Distributions are JSON text inside the JSON, as Optuna stores them; a categorical
  // parameter's value is its choice's index.
  const json lr = json::parse(pruned.at("distributions").at("lr").get<std::string>());
  BOOST_TEST(lr.at("name") == "FloatDistribution");
  BOOST_TEST(lr.at("attributes").at("log") == true);
  BOOST_TEST(lr.at("attributes").at("step").is_null());
  const json layer = json::parse(pruned.at("distributions").at("layer").get<std::string>());
  BOOST_TEST(layer.at("attributes").at("choices") == json::parse("[21, \"all\"]"));
  const json batch = json::parse(pruned.at("distributions").at("batch").get<std::string>());
  BOOST_TEST(batch.at("name") == "IntDistribution");
  BOOST_TEST(batch.at("attributes").at("step") == 8);
  BOOST_TEST(pruned.at("params").at("layer") == 1);
  BOOST_TEST(pruned.at("params").at("lr") == 1e-3);
  BOOST_TEST(lines[2].at("state") == 3);
  BOOST_TEST(lines[2].at("value").is_null());
  BOOST_TEST(lines[3].at("state") == 0);
  BOOST_TEST(!lines[3].contains("datetime_complete"));
}

BOOST_AUTO_TEST_CASE(export_appends_what_changed) {
  TempDir dir;
  const auto file = dir / "toy.optuna.log";
  auto running = record(0, gz::TrialState::running, {0.9});
  gz::export_optuna_journal(study(), {running}, file);
  const std::string first = read_text(file);
  BOOST_TEST(parse_lines(first).size() == 2u);

  // Trial 0 reports another epoch and completes; trial 1 starts.
  auto done = record(0, gz::TrialState::complete, {0.9, 0.4});
  gz::export_optuna_journal(study(), {done, record(1, gz::TrialState::running, {})}, file);
  const std::string second = read_text(file);
  BOOST_TEST(second.compare(0, first.size(), first) == 0);  // only appended
  const auto lines = parse_lines(second);
  BOOST_REQUIRE_EQUAL(lines.size(), 5u);
  BOOST_TEST(lines[2].at("op_code") == 7);
  BOOST_TEST(lines[2].at("step") == 1);
  BOOST_TEST(lines[2].at("intermediate_value") == 0.4);
  BOOST_TEST(lines[3].at("op_code") == 6);
  BOOST_TEST(lines[3].at("trial_id") == 0);
  BOOST_TEST(lines[3].at("state") == 1);
  BOOST_TEST(lines[3].at("values") == json::array({0.25}));
  BOOST_TEST(lines[4].at("op_code") == 4);

  // Nothing new: the file stays as it is.
  gz::export_optuna_journal(study(), {done, record(1, gz::TrialState::running, {})}, file);
  BOOST_TEST(read_text(file) == second);
}

BOOST_AUTO_TEST_CASE(a_journal_that_does_not_match_is_written_afresh) {
  TempDir dir;
  const auto file = dir / "toy.optuna.log";
  const std::vector<gz::TrialRecord> records{record(0, gz::TrialState::complete, {0.5})};
  gz::testing::write_text(file, "{\"op_code\": 0, \"study_name\": \"other\"}\n");
  gz::export_optuna_journal(study(), records, file);
  BOOST_TEST(read_text(file) == gz::optuna_journal(study(), records));
  gz::testing::write_text(file, "not json\n");
  gz::export_optuna_journal(study(), records, file);
  BOOST_TEST(read_text(file) == gz::optuna_journal(study(), records));
  // A trial whose parameters changed (a new study under the old name).
  auto changed = records;
  changed[0].trial.params["batch"] = std::int64_t{32};
  gz::export_optuna_journal(study(), changed, file);
  BOOST_TEST(read_text(file) == gz::optuna_journal(study(), changed));
  // A running trial re-run since (a new start): Optuna cannot change its start time.
  auto first = record(0, gz::TrialState::running, {0.5});
  gz::export_optuna_journal(study(), {first}, file);
  first.started_at += 30;
  first.attempts = 2;
  gz::export_optuna_journal(study(), {first}, file);
  BOOST_TEST(read_text(file) == gz::optuna_journal(study(), {first}));
  // Fewer trials than the journal has.
  gz::export_optuna_journal(study(), {}, file);
  BOOST_TEST(read_text(file) == gz::optuna_journal(study(), {}));
}
