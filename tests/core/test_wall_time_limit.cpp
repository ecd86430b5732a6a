#define BOOST_TEST_MODULE wall_time_limit
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/core/wall_time_limit.hpp"

namespace gz = galaxyzoo;
using namespace std::chrono_literals;

namespace {

// Waits up to @p most for a stop request.
bool stop_within(std::chrono::milliseconds most) {
  const auto end = std::chrono::steady_clock::now() + most;
  while (!gz::stop_requested()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_stop_comes_ten_percent_early_at_most_a_minute) {
  BOOST_TEST(gz::WallTimeLimit::stop_after_seconds(1) == 54.0);
  BOOST_TEST(gz::WallTimeLimit::stop_after_seconds(5) == 270.0);
  BOOST_TEST(gz::WallTimeLimit::stop_after_seconds(10) == 540.0);
  BOOST_TEST(gz::WallTimeLimit::stop_after_seconds(60) == 3540.0);  // a minute, not six
  BOOST_TEST(gz::WallTimeLimit::stop_after_seconds(0.01) == 0.54,
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(no_limit_requests_nothing) {
  gz::clear_stop_request();
  for (const double minutes : {0.0, -1.0}) {
    const gz::WallTimeLimit limit(minutes);
    std::this_thread::sleep_for(20ms);
    BOOST_TEST(!limit.fired());
    BOOST_TEST(!gz::stop_requested());
  }
}

BOOST_AUTO_TEST_CASE(the_limit_requests_a_stop_and_clears_it_at_the_end) {
  gz::clear_stop_request();
  const auto start = std::chrono::steady_clock::now();
  {
    const gz::WallTimeLimit limit(0.005);  // 0.3 s: the stop after 0.27 s
    BOOST_TEST(!limit.fired());
    BOOST_TEST_REQUIRE(stop_within(5000ms));
    BOOST_TEST(seconds_since(start) >= 0.26);
    BOOST_TEST(limit.fired());
  }
  BOOST_TEST(!gz::stop_requested());  // the timer's own request does not outlive it
}

BOOST_AUTO_TEST_CASE(ending_before_the_limit_requests_nothing) {
  gz::clear_stop_request();
  const auto start = std::chrono::steady_clock::now();
  {
    const gz::WallTimeLimit limit(10);
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(!gz::stop_requested());
  BOOST_TEST(seconds_since(start) < 5.0);  // the timer did not hold it up
}

BOOST_AUTO_TEST_CASE(a_signal_s_stop_request_is_kept) {
  gz::clear_stop_request();
  {
    const gz::WallTimeLimit limit(10);
    gz::request_stop();  // as SIGTERM would
  }
  BOOST_TEST(gz::stop_requested());
  gz::clear_stop_request();
}
