#define BOOST_TEST_MODULE random
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include <galaxyzoo/core/random.hpp>

using galaxyzoo::Rng;

BOOST_AUTO_TEST_CASE(splitmix64_matches_the_published_reference_sequence) {
  // Reference outputs of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
  std::uint64_t state = 1234567;
  const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
  for (const auto value : expected) BOOST_TEST(galaxyzoo::splitmix64(state) == value);
}

BOOST_AUTO_TEST_CASE(same_seed_same_stream_different_seed_different_stream) {
  Rng a(10), b(10), c(11);
  bool all_equal_c = true;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    BOOST_TEST(x == b.next());
    all_equal_c = all_equal_c && x == c.next();
  }
  BOOST_TEST(!all_equal_c);
}

BOOST_AUTO_TEST_CASE(stream_is_frozen) {
  // Splits depend on these exact numbers: if this test fails, every split made by
  // earlier versions changes. Change it only deliberately, with a version bump.
  Rng rng(10);
  std::vector<std::uint64_t> first;
  for (int i = 0; i < 3; ++i) first.push_back(rng.next());
  Rng again(10);
  std::vector<int> shuffled(10);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  again.shuffle(shuffled);
  // xoshiro256** seeded through SplitMix64 (checked against an independent
  // implementation of the published algorithms).
  const std::vector<std::uint64_t> expected_outputs = {
      17612975809606265341ULL, 7605980158366257767ULL, 2297019287104589938ULL};
  BOOST_TEST(first == expected_outputs, boost::test_tools::per_element());
  const std::vector<int> expected_shuffle = {4, 6, 0, 3, 7, 9, 5, 2, 8, 1};
  BOOST_TEST(shuffled == expected_shuffle, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(below_stays_in_range_and_covers_it) {
  Rng rng(3);
  std::vector<int> histogram(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto x = rng.below(7);
    BOOST_REQUIRE(x < 7);
    ++histogram[x];
  }
  // Each bucket expects 10000; 5 sigma is about 480.
  for (const int h : histogram) BOOST_TEST(std::abs(h - 10000) < 500);
  BOOST_TEST(rng.below(1) == 0u);
}

BOOST_AUTO_TEST_CASE(uniform_is_in_unit_interval_with_the_right_mean) {
  Rng rng(5);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform();
    BOOST_REQUIRE(u >= 0.0);
    BOOST_REQUIRE(u < 1.0);
    sum += u;
  }
  BOOST_TEST(std::abs(sum / 100000 - 0.5) < 0.005);
}

BOOST_AUTO_TEST_CASE(normal_and_gamma_have_the_right_moments) {
  Rng rng(8);
  const int n = 200000;
  double s = 0, s2 = 0, g = 0, g_small = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    s += x;
    s2 += x * x;
    g += rng.gamma(3.0);
    g_small += rng.gamma(0.4);
  }
  BOOST_TEST(std::abs(s / n) < 0.01);
  BOOST_TEST(std::abs(s2 / n - 1.0) < 0.02);
  BOOST_TEST(std::abs(g / n - 3.0) < 0.03);  // mean of Gamma(k, 1) is k
  BOOST_TEST(std::abs(g_small / n - 0.4) < 0.01);
}

BOOST_AUTO_TEST_CASE(shuffle_is_a_permutation_and_moves_things) {
  Rng rng(1);
  std::vector<int> v(1000);
  std::iota(v.begin(), v.end(), 0);
  auto shuffled = v;
  rng.shuffle(shuffled);
  BOOST_TEST(shuffled != v);
  std::sort(shuffled.begin(), shuffled.end());
  BOOST_TEST(shuffled == v, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sample_returns_sorted_distinct_indices) {
  Rng rng(2);
  const auto s = rng.sample(100, 10);
  BOOST_TEST(s.size() == 10u);
  BOOST_TEST(std::is_sorted(s.begin(), s.end()));
  BOOST_TEST(std::set<std::size_t>(s.begin(), s.end()).size() == 10u);
  BOOST_TEST(s.back() < 100u);
  BOOST_TEST(rng.sample(5, 9).size() == 5u);
}
