#define BOOST_TEST_MODULE numpy_random
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <galaxyzoo/core/numpy_random.hpp>

namespace gz = galaxyzoo;
using Order = std::vector<std::size_t>;

// Written down from numpy 1.24 / pandas 1.5 (Debian 12):
// list(pd.DataFrame({'a': range(n)}).sample(frac=1, random_state=seed).index).
BOOST_AUTO_TEST_CASE(permutations_match_numpy) {
  BOOST_TEST(gz::NumpyRandomState(10).permutation(10) == (Order{8, 2, 5, 6, 3, 1, 0, 7, 4, 9}),
             boost::test_tools::per_element());
  BOOST_TEST(gz::NumpyRandomState(0).permutation(1) == Order{0}, boost::test_tools::per_element());
  BOOST_TEST(gz::NumpyRandomState(1).permutation(2) == (Order{0, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(gz::NumpyRandomState(10).permutation(37) ==
                 (Order{24, 32, 2, 12, 7,  5,  33, 3, 13, 18, 14, 1,  23, 20, 22, 6, 11, 35, 21,
                        30, 19, 4, 27, 10, 34, 36, 8, 26, 17, 31, 16, 29, 25, 28, 0, 15, 9}),
             boost::test_tools::per_element());
  const Order top = gz::NumpyRandomState(4294967295u).permutation(50);
  BOOST_TEST((Order(top.begin(), top.begin() + 6)) == (Order{21, 38, 40, 19, 39, 28}),
             boost::test_tools::per_element());
  BOOST_TEST(gz::NumpyRandomState(5).permutation(0).empty());
}

BOOST_AUTO_TEST_CASE(intervals_stay_in_range) {
  gz::NumpyRandomState rs(3);
  BOOST_TEST(rs.interval(0) == 0u);
  for (const std::uint64_t max : {1ULL, 5ULL, 1023ULL, 1024ULL, 0xffffffffULL, 0x1ffffffffULL}) {
    for (int i = 0; i < 200; ++i) BOOST_TEST(rs.interval(max) <= max);
  }
}

// Against python3-pandas itself, on sizes up to the original's 28,793 galaxies: the file
// written by tests/support/pandas_permutations.py (ctest fixture), given as the argument.
BOOST_AUTO_TEST_CASE(permutations_match_pandas, *boost::unit_test::disabled()) {
  const auto& args = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(args.argc > 1, "usage: test_numpy_random -- REFERENCE.json");
  std::ifstream in(args.argv[args.argc - 1]);
  BOOST_REQUIRE(in);
  const auto cases = nlohmann::json::parse(in);
  BOOST_REQUIRE(cases.size() >= 6u);
  for (const auto& c : cases) {
    const auto seed = c.at("seed").get<std::uint32_t>();
    const auto expected = c.at("order").get<Order>();
    BOOST_TEST_CONTEXT("seed " << seed << ", n " << expected.size()) {
      BOOST_TEST(gz::NumpyRandomState(seed).permutation(expected.size()) == expected,
                 boost::test_tools::per_element());
    }
  }
}
