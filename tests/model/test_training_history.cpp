#define BOOST_TEST_MODULE training_history
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/event_log.hpp>
#include <galaxyzoo/model/training_history.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// Two epochs, 0-based as the trainer counts them.
std::vector<gz::EpochStats> two_epochs() {
  return {{0, 1.5, 0.3, 1.6, 0.25, 10, 33}, {1, 1.2, 0.5, 1.4, 0.4, 10, 34}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(history_is_written_as_csv_and_plotted) {
  TempDir dir;
  const auto history = two_epochs();
  gz::write_history_csv(history, dir / "h.csv");
  const std::string csv = gz::testing::read_text(dir / "h.csv");
  BOOST_TEST(
      csv.rfind("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second\n",
                0) == 0u);
  // Epochs count from 1 in the file.
  BOOST_TEST(csv.find("\n1,1.5,0.3,1.6,0.25,10,33\n") != std::string::npos);
  BOOST_TEST(csv.find("\n2,1.2,0.5,1.4,0.4,10,34\n") != std::string::npos);
  const auto img = gz::training_curves(history);
  BOOST_TEST(img.width > img.height);  // two panels side by side
}

BOOST_AUTO_TEST_CASE(a_history_without_validation_is_plotted) {
  auto history = two_epochs();
  for (auto& h : history) h.val_loss = h.val_accuracy = std::numeric_limits<double>::quiet_NaN();
  const auto img = gz::training_curves(history);
  BOOST_TEST(img.width > 0);
}

BOOST_AUTO_TEST_CASE(the_epoch_line_counts_from_one) {
  const gz::EpochStats e{2, 1.23461, 0.5, 1.5, 0.25, 56.4, 123.3};
  BOOST_TEST(gz::format_epoch_line(e, 10) ==
             "epoch 3/10  train loss 1.2346 acc 0.500  val loss 1.5000 acc 0.250  123.3 images/s  "
             "56 s");
  gz::EpochStats no_val = e;
  no_val.val_loss = no_val.val_accuracy = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(gz::format_epoch_line(no_val, 10).find("val loss nan acc nan") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_files_are_written_together) {
  TempDir dir;
  gz::write_training_history(two_epochs(), dir / "h.csv", dir / "h.png");
  BOOST_TEST(gz::testing::read_text(dir / "h.csv").find("\n2,1.2,") != std::string::npos);
  BOOST_TEST(gz::testing::read_text(dir / "h.png").rfind("\x89PNG", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(the_epoch_event_counts_from_one) {
  std::vector<gz::Event> events;
  gz::emit_epoch_event(two_epochs()[0], 5);  // no sink: nothing
  gz::set_event_sink([&](const gz::Event& e) { events.push_back(e); });
  gz::emit_epoch_event(two_epochs()[1], 5);
  gz::set_event_sink({});
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].type == "epoch");
  const auto& n = events[0].numbers;
  BOOST_TEST_REQUIRE(n.size() == 8u);
  BOOST_TEST(n[0].first == "epoch");
  BOOST_TEST(n[0].second == 2.0);
  BOOST_TEST(n[1].first == "epochs");
  BOOST_TEST(n[1].second == 5.0);
  BOOST_TEST(n[3].first == "train_accuracy");
  BOOST_TEST(n[3].second == 0.5);
  BOOST_TEST(n[7].first == "images_per_second");
  BOOST_TEST(n[7].second == 34.0);
}
