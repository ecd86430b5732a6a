#define BOOST_TEST_MODULE event_log
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/event_log.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_event_is_one_json_object_with_type_and_time_first) {
  gz::Event e;
  e.type = "epoch";
  e.number("epoch", 2).number("val_loss", std::nan("")).text("state", "complete \"ok\"");
  const std::string line = gz::event_json(e, 1700000000.5);
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.rfind(R"({"type":"epoch","time":1700000000.5,)", 0) == 0, line);
  const auto j = nlohmann::json::parse(line);
  BOOST_TEST(j["epoch"].get<double>() == 2.0);
  BOOST_TEST(j["val_loss"].is_null());  // NaN is not JSON
  BOOST_TEST(j["state"].get<std::string>() == "complete \"ok\"");
}

BOOST_AUTO_TEST_CASE(events_reach_the_sink_only_while_it_is_set) {
  std::vector<std::string> seen;
  gz::emit_event(gz::Event{"lost", {}, {}});  // no sink: dropped
  BOOST_TEST(!gz::event_sink_set());
  gz::set_event_sink([&](const gz::Event& e) { seen.push_back(e.type); });
  BOOST_TEST(gz::event_sink_set());
  gz::emit_event(gz::Event{"trial", {}, {}});
  gz::emit_event(gz::Event{"step", {}, {}});
  gz::set_event_sink({});
  gz::emit_event(gz::Event{"lost", {}, {}});
  BOOST_TEST(seen == (std::vector<std::string>{"trial", "step"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_log_appends_one_flushed_line_per_event) {
  TempDir dir;
  const fs::path file = dir / "events.jsonl";
  {
    gz::JsonLinesEventLog log(file);
    gz::set_event_sink([&log](const gz::Event& e) { log.write(e); });
    gz::emit_event(gz::Event{}.number("epoch", 1));
    // Flushed per line: readable while the log is open.
    BOOST_TEST(lines_of(file).size() == 1u);
    gz::set_event_sink({});
  }
  {
    gz::JsonLinesEventLog again(file);  // a resumed job continues the log
    gz::Event e;
    e.type = "trial";
    again.write(e.number("number", 3));
  }
  const auto lines = lines_of(file);
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  BOOST_TEST(nlohmann::json::parse(lines[1])["number"].get<int>() == 3);
  BOOST_TEST(nlohmann::json::parse(lines[1])["time"].get<double>() > 1.6e9);
}

BOOST_AUTO_TEST_CASE(an_unwritable_log_names_the_file) {
  TempDir dir;
  const fs::path file = dir / "missing_folder" / "events.jsonl";
  BOOST_CHECK_EXCEPTION(gz::JsonLinesEventLog{file}, gz::IoError, [&](const gz::IoError& e) {
    return std::string(e.what()).find("events.jsonl") != std::string::npos;
  });
}
