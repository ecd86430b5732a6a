#define BOOST_TEST_MODULE stop_request
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "galaxyzoo/core/stop_request.hpp"

namespace gz = galaxyzoo;

BOOST_AUTO_TEST_CASE(request_and_clear) {
  gz::clear_stop_request();
  BOOST_TEST(!gz::stop_requested());
  gz::request_stop();
  BOOST_TEST(gz::stop_requested());
  gz::clear_stop_request();
  BOOST_TEST(!gz::stop_requested());
}

BOOST_AUTO_TEST_CASE(sigterm_and_sigint_request_a_stop) {
  gz::install_stop_handler();
  for (const int signal : {SIGTERM, SIGINT}) {
    gz::clear_stop_request();
    BOOST_TEST_REQUIRE(std::raise(signal) == 0);  // the process survives: the handler caught it
    BOOST_TEST(gz::stop_requested());
  }
  gz::clear_stop_request();
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
}

BOOST_AUTO_TEST_CASE(resumable_exit_status_is_distinct) {
  BOOST_TEST(gz::kExitResumable != 0);
  BOOST_TEST(gz::kExitResumable != 1);
}
