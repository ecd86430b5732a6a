#define BOOST_TEST_MODULE number_format
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

#include "galaxyzoo/core/number_format.hpp"

namespace gz = galaxyzoo;

BOOST_AUTO_TEST_CASE(under_a_minute_is_seconds_with_one_decimal) {
  BOOST_TEST(gz::format_seconds(0) == "0.0 s");
  BOOST_TEST(gz::format_seconds(12.34) == "12.3 s");
  BOOST_TEST(gz::format_seconds(59.94) == "59.9 s");
}

BOOST_AUTO_TEST_CASE(a_minute_and_more_is_minutes_and_whole_seconds) {
  BOOST_TEST(gz::format_seconds(60) == "1m00s");
  BOOST_TEST(gz::format_seconds(125.9) == "2m05s");  // seconds are cut, not rounded
  BOOST_TEST(gz::format_seconds(3600 + 61) == "61m01s");
}

BOOST_AUTO_TEST_CASE(fixed_decimals_round_as_printf_does) {
  BOOST_TEST(gz::format_fixed(0.81234, 3) == "0.812");
  BOOST_TEST(gz::format_fixed(0.5, 4) == "0.5000");
  BOOST_TEST(gz::format_fixed(1.23456, 4) == "1.2346");
  BOOST_TEST(gz::format_fixed(-2.5, 0) == "-2");  // round half to even
  BOOST_TEST(gz::format_fixed(7, 0) == "7");
}

BOOST_AUTO_TEST_CASE(extreme_values_and_decimals_are_safe) {
  BOOST_TEST(gz::format_fixed(std::numeric_limits<double>::infinity(), 3) == "inf");
  BOOST_TEST(gz::format_fixed(1.5, -3) == "2");  // no negative precision: as 0 decimals
  const std::string huge = gz::format_fixed(std::numeric_limits<double>::max(), 100);
  BOOST_TEST(huge.size() == 309u + 1 + 40);  // every digit, at most 40 decimals
}
