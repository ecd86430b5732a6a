#define BOOST_TEST_MODULE parallel
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/parallel.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

BOOST_AUTO_TEST_CASE(every_index_runs_once_and_progress_counts_up) {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> hits(1000);
    std::vector<std::size_t> progress;
    galaxyzoo::parallel_for(
        hits.size(), threads, [&](std::size_t i) { ++hits[i]; },
        [&](std::size_t done, std::size_t total) {
          BOOST_REQUIRE(total == 1000u);
          progress.push_back(done);
        });
    for (const auto& h : hits) BOOST_REQUIRE(h == 1);
    BOOST_TEST(progress.size() == 1000u);
    BOOST_TEST(progress.back() == 1000u);
    for (std::size_t i = 0; i < progress.size(); ++i) BOOST_REQUIRE(progress[i] == i + 1);
  }
}

BOOST_AUTO_TEST_CASE(first_exception_is_rethrown_and_work_stops) {
  std::atomic<int> started{0};
  BOOST_CHECK_THROW(galaxyzoo::parallel_for(100000, 2,
                                            [&](std::size_t i) {
                                              ++started;
                                              if (i == 10)
                                                throw std::runtime_error("item 10 failed");
                                            }),
                    std::runtime_error);
  BOOST_TEST(started < 100000);
}

BOOST_AUTO_TEST_CASE(thread_count_defaults_to_the_hardware) {
  BOOST_TEST(galaxyzoo::thread_count(3) == 3);
  BOOST_TEST(galaxyzoo::thread_count(0) >= 1);
  galaxyzoo::parallel_for(0, 4, [](std::size_t) { BOOST_FAIL("no work expected"); });
}
