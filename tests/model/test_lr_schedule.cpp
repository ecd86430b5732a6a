#define BOOST_TEST_MODULE lr_schedule
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/lr_schedule.hpp>

#include <cmath>

namespace gz = galaxyzoo;

BOOST_AUTO_TEST_CASE(default_is_constant) {
  const gz::LrSchedule constant;
  BOOST_TEST(!gz::is_scheduled(constant));
  for (std::int64_t step = 0; step < 50; step += 7)
    BOOST_TEST(gz::lr_factor(constant, step, 10, 5) == 1.0);
  BOOST_TEST(gz::describe(constant) == "constant");
}

BOOST_AUTO_TEST_CASE(linear_warmup_then_constant) {
  gz::LrSchedule s;
  s.warmup_epochs = 0.5;  // 5 of 10 steps per epoch
  BOOST_TEST(gz::is_scheduled(s));
  BOOST_TEST(gz::lr_factor(s, 0, 10, 4) == 0.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gz::lr_factor(s, 3, 10, 4) == 0.8, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gz::lr_factor(s, 4, 10, 4) == 1.0);
  BOOST_TEST(gz::lr_factor(s, 39, 10, 4) == 1.0);
}

BOOST_AUTO_TEST_CASE(warmup_then_cosine_hand_computed) {
  gz::LrSchedule s;
  s.warmup_epochs = 1;
  s.cosine = true;  // over the run's 3 epochs of 4 steps: warm-up 4 steps, decay 8
  const auto f = [&](std::int64_t step) { return gz::lr_factor(s, step, 4, 3); };
  BOOST_TEST(f(0) == 0.25, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f(3) == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f(4) == 1.0, boost::test_tools::tolerance(1e-12));  // cos(0)
  const double pi = std::acos(-1.0);
  BOOST_TEST(f(6) == 0.5 * (1 + std::cos(pi * 2 / 8)), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f(8) == 0.5, boost::test_tools::tolerance(1e-12));  // half way
  BOOST_TEST(f(12) == 0.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f(100) == 0.0, boost::test_tools::tolerance(1e-12));  // stays at the end
  s.final_factor = 0.1;
  BOOST_TEST(f(8) == 0.55, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f(12) == 0.1, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(fixed_horizon_does_not_depend_on_the_runs_epochs) {
  gz::LrSchedule s;
  s.warmup_epochs = 1;
  s.cosine = true;
  s.decay_epochs = 10;
  // A 3-epoch trial follows the first steps of a 10-epoch run's curve exactly.
  for (std::int64_t step = 0; step < 30; ++step)
    BOOST_TEST(gz::lr_factor(s, step, 10, 3) == gz::lr_factor(s, step, 10, 10));
  s.decay_epochs = 0;
  BOOST_TEST(gz::lr_factor(s, 20, 10, 3) != gz::lr_factor(s, 20, 10, 10));
  BOOST_TEST(gz::describe(s).find("cosine") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_schedules_are_refused) {
  gz::LrSchedule s;
  s.warmup_epochs = -1;
  BOOST_CHECK_THROW(gz::check_lr_schedule(s), gz::Error);
  s = {};
  s.decay_epochs = -2;
  BOOST_CHECK_THROW(gz::lr_factor(s, 0, 10, 1), gz::Error);
  s = {};
  s.final_factor = 1.5;
  BOOST_CHECK_THROW(gz::check_lr_schedule(s), gz::Error);
  BOOST_CHECK_THROW(gz::lr_factor(gz::LrSchedule{}, 0, 0, 1), gz::Error);
}
