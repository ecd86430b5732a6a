#define BOOST_TEST_MODULE vgg16_objective
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/hpo/vgg16_objective.hpp>
#include <galaxyzoo/model/classifier_file.hpp>

#include <algorithm>
#include <fstream>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

constexpr int kSize = 32;

// Three classes of flat noisy 32 x 32 images, 4 train and 2 val each.
struct Data {
  TempDir dir;
  Data() {
    gz::testing::write_colour_classes(dir / "data", /*classes=*/3, /*train=*/4, /*val=*/2, kSize);
  }

  gz::Vgg16ObjectiveOptions objective(std::int64_t epochs) const {
    gz::Vgg16ObjectiveOptions o;
    o.run.data = dir / "data";
    o.run.output_dir = dir / "out";
    o.run.loader.image_size = kSize;
    o.run.loader.batch_size = 6;
    o.run.loader.num_workers = 1;
    o.run.trainer.epochs = epochs;
    o.run.trainer.patience = 0;
    return o;
  }

  gz::HpoSearchOptions search(std::int64_t trials) const {
    gz::HpoSearchOptions o;
    o.storage = (dir / "study.db").string();
    o.space = gz::SearchSpace();
    o.space.add_categorical("layer", {std::int64_t{26}});
    o.space.add_categorical("lr_body", {1e-5});
    o.space.add_categorical("lr_head", {1e-3, 1e-2});
    o.trials = trials;
    o.sampler = "grid";
    o.output_dir = dir / "out";
    return o;
  }
};

std::vector<double> val_losses(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::size_t at = 0;
    for (int comma = 0; comma < 3; ++comma) at = line.find(',', at) + 1;
    out.push_back(std::stod(line.substr(at)));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hyperparameters_from_a_trial) {
  const auto hp = gz::vgg16_hyperparameters({{"layer", std::int64_t{24}}, {"lr_head", 1e-5}});
  BOOST_TEST(hp.layer == 24);
  BOOST_TEST(hp.lr_head == 1e-5);
  BOOST_TEST(hp.lr_body == gz::HyperParameters{}.lr_body);
  BOOST_CHECK_THROW(gz::vgg16_hyperparameters({{"momentum", 0.9}}), gz::Error);
  BOOST_CHECK_THROW(gz::vgg16_hyperparameters({{"layer", 21.5}}), gz::Error);
  gz::SearchSpace space;
  space.add_float("dropout", 0.1, 0.5);
  BOOST_CHECK_THROW(gz::Vgg16Objective({}, space), gz::Error);
}

BOOST_FIXTURE_TEST_CASE(trials_train_report_and_write_their_files, Data) {
  const auto o = search(2);
  gz::HpoSearch hpo(o);
  const auto result = hpo.run(gz::Vgg16Objective(objective(2), o.space));
  BOOST_TEST(result.complete == 2);
  const auto records = hpo.storage().records();
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  for (const auto& r : records) {
    const std::string n = std::to_string(r.trial.number);
    const auto out = dir / "out";
    BOOST_TEST(std::filesystem::exists(out / ("early_stopping_vgg16_model_trial" + n + ".pt")));
    BOOST_TEST(std::filesystem::exists(out / ("loss_vgg16_trial" + n + ".png")));
    BOOST_TEST(!std::filesystem::exists(out / ("checkpoint_vgg16_trial" + n + ".pt")));
    // The value is the best validation loss; every epoch's loss was reported.
    const auto losses = val_losses(out / ("history_vgg16_trial" + n + ".csv"));
    BOOST_REQUIRE_EQUAL(losses.size(), 2u);
    BOOST_TEST(*r.trial.value == *std::min_element(losses.begin(), losses.end()),
               boost::test_tools::tolerance(1e-6));
    BOOST_REQUIRE_EQUAL(r.trial.intermediate.size(), 2u);
    BOOST_TEST(r.trial.intermediate.at(1) == losses[1], boost::test_tools::tolerance(1e-6));
    const auto model = gz::load_classifier(out / ("early_stopping_vgg16_model_trial" + n + ".pt"));
    BOOST_TEST(model.class_names.size() == 3u);
  }
  const auto hp = gz::read_hyperparameters(dir / "out" / "best_vgg16_hpo_params.txt");
  BOOST_TEST(hp.layer == 26);
}

BOOST_FIXTURE_TEST_CASE(mean_loss_option_and_a_stopped_trial_resumes_from_its_checkpoint, Data) {
  const auto o = search(1);
  auto stopping = objective(3);
  stopping.mean_val_loss = true;
  int epochs_seen = 0;
  stopping.run.trainer.on_epoch = [&](const gz::EpochStats&) {
    if (++epochs_seen == 1) gz::request_stop();  // as SIGTERM would, after the first epoch
  };
  {
    gz::HpoSearch hpo(o);
    const auto r = hpo.run(gz::Vgg16Objective(stopping, o.space));
    gz::clear_stop_request();
    BOOST_TEST(r.interrupted);
    BOOST_TEST(std::filesystem::exists(dir / "out" / "checkpoint_vgg16_trial0.pt"));
  }
  gz::HpoSearch hpo(o);
  const auto r = hpo.run(gz::Vgg16Objective(stopping, o.space));
  BOOST_TEST(r.complete == 1);
  BOOST_TEST(r.resumed == 1);
  BOOST_TEST(epochs_seen == 3);  // one epoch, then the other two after resuming
  const auto losses = val_losses(dir / "out" / "history_vgg16_trial0.csv");
  BOOST_REQUIRE_EQUAL(losses.size(), 3u);
  const double mean = (losses[0] + losses[1] + losses[2]) / 3;
  const auto records = hpo.storage().records();
  BOOST_TEST(*records[0].trial.value == mean, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(records[0].trial.intermediate.size() == 3u);  // the resumed epoch re-reported
}
