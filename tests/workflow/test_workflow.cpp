#define BOOST_TEST_MODULE workflow
#include <boost/test/unit_test.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/workflow/workflow.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using galaxyzoo::testing::TempDir;
using galaxyzoo::testing::write_text;

namespace {

// A chain a -> b -> c whose steps count their runs and cleans; settings can be changed
// between runs, and step b can be told to stop part-way or to throw.
struct Chain {
  std::map<std::string, int> runs, cleans;
  std::map<std::string, std::string> settings{{"a", "1"}, {"b", "1"}, {"c", "1"}};
  bool b_stops = false;
  bool b_throws = false;

  gz::Workflow make(const std::filesystem::path& records) {
    gz::Workflow workflow({records});
    for (const std::string name : {"a", "b", "c"}) {
      gz::WorkflowStep step(name);
      if (name != "a") step.needs = {name == "b" ? "a" : "b"};
      step.inputs.set("setting", settings[name]);
      step.run = [this, name] {
        ++runs[name];
        if (name == "b" && b_throws) throw std::runtime_error("b failed");
        if (name == "b" && b_stops) return gz::StepOutcome{false, "b stopped", ""};
        return gz::StepOutcome{true, name + " done", "{\"step\": \"" + name + "\"}"};
      };
      step.clean = [this, name] { ++cleans[name]; };
      workflow.add(std::move(step));
    }
    return workflow;
  }
};

std::vector<gz::StepStatus> statuses(const std::vector<gz::StepReport>& reports) {
  std::vector<gz::StepStatus> out;
  for (const auto& r : reports) out.push_back(r.status);
  return out;
}

using S = gz::StepStatus;

}  // namespace

BOOST_AUTO_TEST_CASE(second_run_skips_everything_and_keeps_summaries) {
  TempDir dir;
  Chain chain;
  auto first = chain.make(dir / "records").run();
  BOOST_TEST((statuses(first) == std::vector<S>{S::ran, S::ran, S::ran}));
  auto again = chain.make(dir / "records");
  const auto second = again.run();
  BOOST_TEST(again.finished());
  BOOST_TEST((statuses(second) == std::vector<S>{S::skipped, S::skipped, S::skipped}));
  BOOST_TEST(chain.runs["a"] == 1);
  BOOST_TEST(chain.runs["c"] == 1);
  BOOST_TEST(second[2].summary == "c done");
  BOOST_TEST(second[2].details == "{\"step\": \"c\"}");
  BOOST_TEST(std::filesystem::exists(dir / "records" / "b.json"));
}

BOOST_AUTO_TEST_CASE(a_changed_setting_reruns_that_step_and_those_downstream_only) {
  TempDir dir;
  Chain chain;
  chain.make(dir / "records").run();
  chain.settings["b"] = "2";
  const auto reports = chain.make(dir / "records").run();
  BOOST_TEST((statuses(reports) == std::vector<S>{S::skipped, S::ran, S::ran}));
  BOOST_TEST(chain.runs["a"] == 1);
  BOOST_TEST(chain.runs["b"] == 2);
  BOOST_TEST(chain.runs["c"] == 2);
  // Outputs of a run with other inputs are cleaned first: b and c, not a.
  BOOST_TEST(chain.cleans["a"] == 1);  // only before its very first run
  BOOST_TEST(chain.cleans["b"] == 2);
  BOOST_TEST(chain.cleans["c"] == 2);

  chain.settings["c"] = "2";
  const auto only_c = chain.make(dir / "records").run();
  BOOST_TEST((statuses(only_c) == std::vector<S>{S::skipped, S::skipped, S::ran}));
}

BOOST_AUTO_TEST_CASE(an_interrupted_step_resumes_without_cleaning) {
  TempDir dir;
  Chain chain;
  chain.b_stops = true;
  auto workflow = chain.make(dir / "records");
  const auto first = workflow.run();
  BOOST_TEST(!workflow.finished());
  BOOST_TEST((statuses(first) == std::vector<S>{S::ran, S::interrupted, S::not_reached}));
  BOOST_TEST(chain.runs["c"] == 0);

  chain.b_stops = false;
  auto resumed = chain.make(dir / "records");
  const auto second = resumed.run();
  BOOST_TEST(resumed.finished());
  BOOST_TEST((statuses(second) == std::vector<S>{S::skipped, S::ran, S::ran}));
  BOOST_TEST(chain.cleans["b"] == 1);  // resumed: its checkpoints are kept
  BOOST_TEST(second[1].total_seconds >= second[1].seconds);
}

BOOST_AUTO_TEST_CASE(a_step_that_throws_is_resumed_next_time) {
  TempDir dir;
  Chain chain;
  chain.b_throws = true;
  BOOST_CHECK_THROW(chain.make(dir / "records").run(), std::runtime_error);
  chain.b_throws = false;
  const auto reports = chain.make(dir / "records").run();
  BOOST_TEST((statuses(reports) == std::vector<S>{S::skipped, S::ran, S::ran}));
  BOOST_TEST(chain.cleans["b"] == 1);
}

BOOST_AUTO_TEST_CASE(a_stop_request_between_steps_stops_before_the_next) {
  TempDir dir;
  Chain chain;
  gz::Workflow workflow({dir / "records"});
  gz::WorkflowStep first("first");
  first.run = [] {
    gz::request_stop();  // as SIGTERM would, while the step finishes its work
    return gz::StepOutcome{true, "done", ""};
  };
  workflow.add(std::move(first));
  gz::WorkflowStep second("second", {"first"});
  second.run = [] { return gz::StepOutcome{true, "done", ""}; };
  workflow.add(std::move(second));
  const auto reports = workflow.run();
  gz::clear_stop_request();
  BOOST_TEST(!workflow.finished());
  BOOST_TEST((statuses(reports) == std::vector<S>{S::ran, S::not_reached}));
}

BOOST_AUTO_TEST_CASE(file_inputs_change_the_fingerprint) {
  TempDir dir;
  const auto file = dir / "catalog.csv";
  gz::StepInputs inputs;
  const auto missing = inputs.file(file).fingerprint();
  BOOST_TEST(inputs.values().at("file:" + file.string()) == "missing");
  write_text(file, "GalaxyID\n1\n");
  const auto present = gz::StepInputs().file(file).fingerprint();
  write_text(file, "GalaxyID\n1\n2\n");
  const auto longer = gz::StepInputs().file(file).fingerprint();
  BOOST_TEST(missing != present);
  BOOST_TEST(present != longer);

  write_text(dir / "images" / "1.jpg", "x");
  const auto one = gz::StepInputs().file(dir / "images").fingerprint();
  write_text(dir / "images" / "2.jpg", "y");
  const auto two = gz::StepInputs().file(dir / "images").fingerprint();
  BOOST_TEST(one != two);
  BOOST_TEST(gz::StepInputs().file(dir / "images").fingerprint() == two);
}

BOOST_AUTO_TEST_CASE(settings_are_exact) {
  BOOST_TEST(gz::StepInputs().set("lr", 1e-4).values().at("lr") == "0.0001");
  BOOST_TEST(gz::StepInputs().set("lr", 1e-4).fingerprint() !=
             gz::StepInputs().set("lr", 1.0000000000000002e-4).fingerprint());
  BOOST_TEST(gz::StepInputs().set("caps", std::vector<std::int64_t>{1, 2}).values().at("caps") ==
             "1,2");
  BOOST_TEST(gz::StepInputs().set("a", "1").fingerprint() !=
             gz::StepInputs().set("b", "1").fingerprint());
}

BOOST_AUTO_TEST_CASE(bad_steps_are_refused) {
  TempDir dir;
  gz::Workflow workflow({dir / "records"});
  const auto step = [](std::string name, std::vector<std::string> needs, bool runs = true) {
    gz::WorkflowStep s(std::move(name), std::move(needs));
    if (runs) s.run = [] { return gz::StepOutcome{}; };
    return s;
  };
  BOOST_CHECK_THROW(workflow.add(step("bad name", {})), gz::Error);
  BOOST_CHECK_THROW(workflow.add(step("b", {"a"})), gz::Error);
  BOOST_CHECK_THROW(workflow.add(step("a", {}, false)), gz::Error);
  workflow.add(step("a", {}));
  BOOST_CHECK_THROW(workflow.add(step("a", {})), gz::Error);
  BOOST_CHECK_THROW(workflow.fingerprint("z"), gz::Error);
  BOOST_CHECK_THROW(gz::Workflow(gz::WorkflowOptions{}), gz::Error);
}

BOOST_AUTO_TEST_CASE(a_corrupt_record_is_an_error_naming_it) {
  TempDir dir;
  Chain chain;
  chain.make(dir / "records").run();
  write_text(dir / "records" / "b.json",
             "{\"format\": \"galaxyzoo.workflow_step\", \"version\": 1, \"fingerp");
  try {
    chain.make(dir / "records").run();
    BOOST_FAIL("expected an InputError");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.file() == dir / "records" / "b.json");
  }
  write_text(dir / "records" / "b.json",
             "{\"format\": \"galaxyzoo.workflow_step\", \"version\": 1}");
  BOOST_CHECK_THROW(chain.make(dir / "records").run(), gz::InputError);
}
