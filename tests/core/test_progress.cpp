#define BOOST_TEST_MODULE progress
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "galaxyzoo/core/progress.hpp"

#include "text_checks.hpp"

namespace gz = galaxyzoo;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  double now = 100;
  gz::ProgressMeter::Clock clock() {
    return [this] { return now; };
  }
};

gz::ProgressOutput into(std::ostream& stream, bool terminal) {
  gz::ProgressOutput out;
  out.stream = &stream;
  out.terminal = terminal;
  return out;
}

using galaxyzoo::testing::lines_of;

}  // namespace

BOOST_AUTO_TEST_CASE(durations_read_as_clock_times) {
  BOOST_TEST(gz::format_duration(7) == "0:07");
  BOOST_TEST(gz::format_duration(187) == "3:07");
  BOOST_TEST(gz::format_duration(3723) == "1:02:03");
  BOOST_TEST(gz::format_duration(-1) == "-:--");
  BOOST_TEST(gz::format_duration(std::numeric_limits<double>::quiet_NaN()) == "-:--");
}

BOOST_AUTO_TEST_CASE(line_has_count_rate_elapsed_and_eta) {
  std::ostringstream out;
  FakeClock t;
  gz::ProgressMeter meter("rendered", 100, "images", into(out, false), 0, t.clock());
  t.now += 10;
  meter.update(20, 20);
  // 2 images/s, 80 left: 40 s.
  BOOST_TEST(meter.line() == "rendered 20/100  2.0 images/s  elapsed 0:10  ETA 0:40");
}

BOOST_AUTO_TEST_CASE(stages_prefix_the_line_and_give_the_step_eta) {
  std::ostringstream out;
  FakeClock t;
  const gz::ProgressStage trial("trial", 2, 3);
  const gz::ProgressStage epoch("epoch", 1, 4);
  gz::ProgressMeter meter("batch", 10, "images", into(out, false), 0, t.clock());
  t.now += 5;
  meter.update(5, 80);
  // An epoch takes 10 s: 5 s left of this one, 3 more epochs of this trial, 4 of the last.
  BOOST_TEST(meter.line() ==
             "trial 2/3  epoch 1/4  batch 5/10  16.0 images/s  elapsed 0:05  ETA epoch 0:05, "
             "step 1:15");
}

BOOST_AUTO_TEST_CASE(a_resumed_phase_estimates_from_the_items_it_did) {
  std::ostringstream out;
  FakeClock t;
  gz::ProgressMeter meter("batch", 10, "images", into(out, false), 6, t.clock());
  BOOST_TEST(meter.line().find("ETA -:--") != std::string::npos);  // nothing done yet
  t.now += 2;
  meter.update(8, 16);
  BOOST_TEST(meter.line().find("ETA 0:02") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(not_a_terminal_gets_plain_lines_every_tenth_and_no_carriage_return) {
  std::ostringstream out;
  FakeClock t;
  {
    gz::ProgressMeter meter("batch", 100, "images", into(out, false), 0, t.clock());
    for (std::size_t i = 1; i <= 100; ++i) {
      t.now += 0.01;
      meter.update(i, static_cast<double>(i));
    }
  }
  const std::string text = out.str();
  BOOST_TEST(text.find('\r') == std::string::npos);
  const auto lines = lines_of(text);
  BOOST_TEST(lines.size() == 10u);  // at 10, 20, ..., 100
  BOOST_TEST(lines.front().rfind("batch 10/100  ", 0) == 0);
  BOOST_TEST(lines.back().rfind("batch 100/100  ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(plain_lines_also_come_after_the_interval) {
  std::ostringstream out;
  FakeClock t;
  auto output = into(out, false);
  output.fraction = 0;  // time only
  gz::ProgressMeter meter("batch", 1000, "images", output, 0, t.clock());
  for (std::size_t i = 1; i <= 35; ++i) {
    t.now += 1;
    meter.update(i, static_cast<double>(i));
  }
  // After 10, 20 and 30 s.
  BOOST_TEST(lines_of(out.str()).size() == 3u);
}

BOOST_AUTO_TEST_CASE(interval_zero_prints_every_update) {
  std::ostringstream out;
  FakeClock t;
  auto output = into(out, false);
  output.interval_seconds = 0;
  gz::ProgressMeter meter("batch", 1000, "images", output, 0, t.clock());
  for (std::size_t i = 1; i <= 7; ++i) meter.update(i, static_cast<double>(i));
  BOOST_TEST(lines_of(out.str()).size() == 7u);
}

BOOST_AUTO_TEST_CASE(a_terminal_gets_one_line_redrawn_in_place_then_cleared) {
  std::ostringstream out;
  FakeClock t;
  gz::ProgressMeter meter("batch", 4, "images", into(out, true), 0, t.clock());
  for (std::size_t i = 1; i <= 4; ++i) {
    t.now += 1;
    meter.update(i, static_cast<double>(i));
  }
  meter.finish();
  meter.finish();  // idempotent
  const std::string text = out.str();
  BOOST_TEST(text.find('\n') == std::string::npos);
  BOOST_TEST(std::count(text.begin(), text.end(), '\r') == 4 + 2);  // 4 redraws, the clearing
  BOOST_TEST(text.find("\rbatch 4/4  1.0 images/s") != std::string::npos);
  BOOST_TEST(text.back() == '\r');
}

BOOST_AUTO_TEST_CASE(a_terminal_with_a_log_sends_plain_lines_to_the_log) {
  std::ostringstream screen, log;
  FakeClock t;
  auto output = into(screen, true);
  output.log = &log;
  {
    gz::ProgressMeter meter("batch", 10, "images", output, 0, t.clock());
    for (std::size_t i = 1; i <= 10; ++i) {
      t.now += 1;
      meter.update(i, static_cast<double>(i));
    }
  }
  BOOST_TEST(log.str().find('\r') == std::string::npos);
  BOOST_TEST(lines_of(log.str()).size() == 10u);
  BOOST_TEST(screen.str().find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(quiet_output_prints_nothing) {
  gz::ProgressOutput nowhere;
  gz::ProgressMeter meter("batch", 2, "images", nowhere);
  meter.update(1, 1);
  meter.update(2, 2);
  BOOST_TEST(meter.line().rfind("batch 2/2", 0) == 0);
}

BOOST_AUTO_TEST_CASE(the_default_output_is_set_by_the_program) {
  BOOST_TEST(gz::progress_output().stream == nullptr);  // a library prints nothing unasked
  std::ostringstream out;
  gz::set_progress_output(into(out, false));
  auto on_progress = gz::ProgressMeter::callback("processed", "images");
  for (std::size_t i = 1; i <= 20; ++i) on_progress(i, 20);
  gz::set_progress_output({});
  const auto lines = lines_of(out.str());
  BOOST_TEST_REQUIRE(lines.size() == 10u);
  const std::regex form(R"(processed \d+/20  [0-9.]+ images/s  elapsed \d+:\d\d  ETA \d+:\d\d)");
  for (const auto& line : lines) BOOST_TEST(std::regex_match(line, form), line);
}
