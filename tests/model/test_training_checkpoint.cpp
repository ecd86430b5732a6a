#define BOOST_TEST_MODULE training_checkpoint
#include <boost/test/unit_test.hpp>

#include <torch/optim/adam.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/sealed_file.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <filesystem>
#include <string>

#include "kaggle_fixture.hpp"
#include "model/training_checkpoint.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::detail::TrainingProgress;

namespace {

gz::VGG16Classifier small_model(int freeze_before = 26) {
  return gz::VGG16Classifier(
      gz::VGG16ClassifierOptions(3).image_size(32).freeze_before(freeze_before));
}

torch::optim::Adam adam(const gz::VGG16Classifier& model) {
  return torch::optim::Adam({torch::optim::OptimizerParamGroup(model->body_parameters()),
                             torch::optim::OptimizerParamGroup(model->head_parameters())},
                            torch::optim::AdamOptions(1e-3));
}

// A progress in the middle of epoch 2, with one finished epoch in its history.
TrainingProgress middle_of_epoch() {
  TrainingProgress p;
  p.epoch = 1;
  p.next_batch = 3;
  p.loss_sum = 4.5;
  p.correct = 7;
  p.seen = 12;
  p.seconds = 2.25;
  p.best_val_loss = 0.75;
  p.best_epoch = 0;
  p.since_best = 1;
  p.history.push_back({0, 1.5, 0.25, 0.75, 0.5, 3.0, 40.0});
  return p;
}

// One optimiser step, so that the optimiser has state to save.
void step(gz::VGG16Classifier& model, torch::optim::Optimizer& optimizer) {
  model->train();
  optimizer.zero_grad();
  model->forward(torch::rand({4, 3, 32, 32})).sum().backward();
  optimizer.step();
}

// A checkpoint file's folder and a model with its optimiser to save.
struct CheckpointFixture {
  gz::testing::TempDir dir;
  fs::path file = dir.path() / "checkpoint.pt";
  gz::VGG16Classifier model = small_model();
  torch::optim::Adam optimizer = adam(model);
};

}  // namespace

BOOST_AUTO_TEST_CASE(saved_and_loaded_training_stands_where_it_stood) {
  gz::testing::TempDir dir;
  const fs::path file = dir.path() / "checkpoint.pt";
  torch::manual_seed(1);
  auto model = small_model();
  auto optimizer = adam(model);
  step(model, optimizer);
  const auto best = gz::detail::snapshot(model);
  gz::detail::save_checkpoint(file, model, optimizer, middle_of_epoch(), best, "seed 1");
  const auto next_draw = torch::rand({3});

  torch::manual_seed(2);
  auto other = small_model();
  auto other_optimizer = adam(other);
  TrainingProgress p;
  gz::detail::NamedTensors other_best;
  gz::detail::load_checkpoint(file, other, other_optimizer, p, other_best);
  BOOST_TEST(p.epoch == 1);
  BOOST_TEST(p.next_batch == 3);
  BOOST_TEST(p.loss_sum == 4.5);
  BOOST_TEST(p.correct == 7);
  BOOST_TEST(p.seen == 12);
  BOOST_TEST(p.since_best == 1);
  BOOST_TEST(!p.finished);
  BOOST_REQUIRE(p.history.size() == 1u);
  BOOST_TEST(p.history[0].images_per_second == 40.0);
  BOOST_REQUIRE(other_best.size() == best.size());
  for (std::size_t i = 0; i < best.size(); ++i) {
    BOOST_TEST(other_best[i].first == best[i].first);
    BOOST_TEST(torch::equal(other_best[i].second, best[i].second));
  }
  const auto a = model->named_parameters(), b = other->named_parameters();
  for (const auto& item : a) BOOST_TEST(torch::equal(item.value(), b[item.key()]));
  // The random generator continues where the saved run's did.
  BOOST_TEST(torch::equal(torch::rand({3}), next_draw));
}

// How many of @p weights' tensors differ from @p model's of the same name.
int differing(const gz::VGG16Classifier& model, const gz::detail::NamedTensors& weights) {
  const auto params = model->named_parameters();
  const auto buffers = model->named_buffers();
  int n = 0;
  for (const auto& [name, value] : weights) {
    const auto* t = params.find(name);
    if (t == nullptr) t = buffers.find(name);
    BOOST_REQUIRE_MESSAGE(t != nullptr, "no tensor " << name);
    if (!torch::equal(*t, value)) ++n;
  }
  return n;
}

BOOST_AUTO_TEST_CASE(restore_puts_a_snapshot_back) {
  torch::manual_seed(3);
  auto model = small_model();
  auto optimizer = adam(model);
  const auto before = gz::detail::snapshot(model);
  BOOST_TEST(differing(model, before) == 0);
  step(model, optimizer);
  BOOST_TEST(differing(model, before) > 0);
  gz::detail::restore(model, before);
  BOOST_TEST(differing(model, before) == 0);
}

BOOST_FIXTURE_TEST_CASE(summary_reads_note_history_and_end, CheckpointFixture) {
  auto p = middle_of_epoch();
  p.finished = p.stopped_early = true;
  gz::detail::save_checkpoint(file, model, optimizer, p, {}, "layer 26, lr 1e-3");
  const auto summary = gz::read_checkpoint_summary(file);
  BOOST_TEST(summary.note == "layer 26, lr 1e-3");
  BOOST_REQUIRE(summary.history.size() == 1u);
  BOOST_TEST(summary.history[0].val_loss == 0.75);
  BOOST_TEST(summary.finished);
  BOOST_TEST(summary.stopped_early);
  BOOST_TEST(!summary.stopped_by_callback);
}

BOOST_FIXTURE_TEST_CASE(a_checkpoint_of_another_model_is_refused_by_name, CheckpointFixture) {
  gz::detail::save_checkpoint(file, model, optimizer, middle_of_epoch(), {}, "");
  auto other = small_model(24);
  auto other_optimizer = adam(other);
  TrainingProgress p;
  gz::detail::NamedTensors best;
  try {
    gz::detail::load_checkpoint(file, other, other_optimizer, p, best);
    BOOST_FAIL("a checkpoint of another model was loaded");
  } catch (const gz::Error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("checkpoint.pt") != std::string::npos, what);
    BOOST_TEST(what.find("model_options") != std::string::npos, what);
  }
}

BOOST_FIXTURE_TEST_CASE(inconsistent_progress_is_refused, CheckpointFixture) {
  auto bad = middle_of_epoch();
  bad.correct = bad.seen + 1;
  gz::detail::save_checkpoint(file, model, optimizer, bad, {}, "");
  TrainingProgress p;
  gz::detail::NamedTensors best;
  BOOST_CHECK_EXCEPTION(gz::detail::load_checkpoint(file, model, optimizer, p, best), gz::Error,
                        [](const gz::Error& e) {
                          return std::string(e.what()).find("inconsistent progress") !=
                                 std::string::npos;
                        });
}
