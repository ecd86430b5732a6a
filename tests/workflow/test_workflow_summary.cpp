#define BOOST_TEST_MODULE workflow_summary
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "galaxyzoo/workflow/workflow_summary.hpp"

namespace gz = galaxyzoo;
using nlohmann::json;

namespace {

gz::StepReport report(const std::string& name, double total_seconds, const std::string& summary,
                      const std::string& details) {
  gz::StepReport r;
  r.name = name;
  r.status = name == "create_dataset" ? gz::StepStatus::skipped : gz::StepStatus::ran;
  r.seconds = name == "create_dataset" ? 0 : total_seconds;
  r.total_seconds = total_seconds;
  r.summary = summary;
  r.details = details;
  return r;
}

// A finished workflow's reports, as its steps would write them.
std::vector<gz::StepReport> finished_steps() {
  return {
      report("create_dataset", 1.5, "10 galaxies labelled of 12",
             R"({"class_table": "CLASS TABLE\n", "split_table": "SPLIT TABLE\n", "rows": 12})"),
      report("preprocess", 2.25, "10 images cropped to 256 (0 already done)", R"({"written": 10})"),
      report(
          "vgg16_hpo", 90, "2 trials; best trial 1, val loss 0.5000",
          R"({"best_trial": 1, "best_value": 0.5, "params": {"layer": "4", "lr_head": "0.001"}})"),
      report("train_model", 30, "3 epochs", "not JSON"),
      report("eval_model", 0.5, "test accuracy 0.750",
             R"({"accuracy": 0.75, "majority_rate": 0.5, "report": "METRICS\n"})"),
  };
}

gz::WorkflowSummaryContext context() {
  return {"work", "data", "cpu", true, "work/workflow_summary.json"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_json_has_the_context_each_step_s_details_and_the_times) {
  const auto summary = gz::summarise_galaxy_workflow(finished_steps(), context());
  BOOST_TEST(summary.json.back() == '\n');
  const json document = json::parse(summary.json);
  BOOST_TEST(document["work_dir"] == "work");
  BOOST_TEST(document["data_path"] == "data");
  BOOST_TEST(document["device"] == "cpu");
  BOOST_TEST(document["pretrained_weights"] == true);
  BOOST_TEST(document["create_dataset"]["rows"] == 12);
  BOOST_TEST(document["vgg16_hpo"]["params"]["layer"] == "4");
  BOOST_TEST(document["train_model"] == json::object());  // details that are not JSON
  BOOST_TEST(document["steps"].size() == 5u);
  BOOST_TEST(document["steps"][0]["name"] == "create_dataset");
  BOOST_TEST(document["steps"][0]["status"] == "skipped");
  BOOST_TEST(document["steps"][0]["seconds"] == 0.0);
  BOOST_TEST(document["steps"][0]["total_seconds"] == 1.5);
  BOOST_TEST(document["steps"][2]["summary"] == "2 trials; best trial 1, val loss 0.5000");
  BOOST_TEST(document["total_seconds"] == 124.25);
  BOOST_TEST(summary.json == document.dump(2) + "\n");  // indented by two
}

BOOST_AUTO_TEST_CASE(the_result_carries_the_test_accuracy_and_majority_rate) {
  const auto summary = gz::summarise_galaxy_workflow(finished_steps(), context());
  BOOST_TEST(summary.test_accuracy == 0.75);
  BOOST_TEST(summary.majority_rate == 0.5);
}

BOOST_AUTO_TEST_CASE(the_text_has_classes_split_parameters_metrics_and_times) {
  const std::string text = gz::summarise_galaxy_workflow(finished_steps(), context()).text;
  const std::string expected =
      "\n== Classes\nCLASS TABLE\n"
      "\n== Split\nSPLIT TABLE\n"
      "\n== Best hyper-parameters (trial 1, val loss 0.5000)\n"
      "  layer: 4\n"
      "  lr_head: 0.001\n"
      "\n== Test metrics\nMETRICS\n"
      "\nMajority-class rate: 0.500; test accuracy: 0.750\n"
      "\n== Time per step\n"
      "| Step           | This run | Time   | Result                                    |\n"
      "|----------------|----------|--------|-------------------------------------------|\n"
      "| create_dataset | skipped  | 1.5 s  | 10 galaxies labelled of 12                |\n"
      "| preprocess     | ran      | 2.2 s  | 10 images cropped to 256 (0 already done) |\n"
      "| vgg16_hpo      | ran      | 1m30s  | 2 trials; best trial 1, val loss 0.5000   |\n"
      "| train_model    | ran      | 30.0 s | 3 epochs                                  |\n"
      "| eval_model     | ran      | 0.5 s  | test accuracy 0.750                       |\n"
      "Total: 2m04s\n"
      "\nOutputs under work; summary in work/workflow_summary.json\n";
  BOOST_TEST(text == expected);
}

BOOST_AUTO_TEST_CASE(missing_details_leave_defaults) {
  const auto summary =
      gz::summarise_galaxy_workflow({report("preprocess", 1, "done", "")}, context());
  BOOST_TEST(summary.test_accuracy == 0.0);
  BOOST_TEST(summary.majority_rate == 0.0);
  BOOST_TEST(summary.text.find("(trial -1, val loss 0.0000)") != std::string::npos);
  BOOST_TEST(json::parse(summary.json)["preprocess"] == json::object());
}

BOOST_AUTO_TEST_CASE(the_time_saved_by_continuing_the_best_trial_is_shown) {
  auto steps = finished_steps();
  steps[3].details =
      R"({"reused_from": "checkpoint_vgg16_trial1.pt", "reused_epochs": 3, "reused_seconds": 75.0})";
  const auto summary = gz::summarise_galaxy_workflow(steps, context());
  BOOST_TEST(json::parse(summary.json)["time_saved_seconds"] == 75.0);
  BOOST_TEST(summary.text.find("\nSaved: 1m15s (the final training continued "
                               "checkpoint_vgg16_trial1.pt after its 3 epochs instead of "
                               "repeating them)\n") != std::string::npos,
             summary.text);
  // Without a take-over nothing is said, and the JSON says 0.
  const auto none = gz::summarise_galaxy_workflow(finished_steps(), context());
  BOOST_TEST(json::parse(none.json)["time_saved_seconds"] == 0.0);
  BOOST_TEST(none.text.find("Saved:") == std::string::npos);
}
