#define BOOST_TEST_MODULE optimization
#include <boost/test/unit_test.hpp>

#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include "kaggle_fixture.hpp"
#include "model/optimization.hpp"

namespace gz = galaxyzoo;
namespace F = torch::nn::functional;

namespace {

gz::VGG16Classifier small_model() {
  torch::manual_seed(3);
  return gz::VGG16Classifier(gz::VGG16ClassifierOptions(3).image_size(32).freeze_before(26));
}

gz::Batch batch_of(const torch::Tensor& labels, const torch::Tensor& targets = {}) {
  gz::Batch b;
  b.labels = labels;
  b.targets = targets;
  return b;
}

// The training loss as a number.
double loss_of(const torch::Tensor& logits, const gz::Batch& batch, const gz::TrainerOptions& o) {
  return gz::detail::training_loss(logits, batch, o, gz::detail::training_loss_options(o))
      .item<double>();
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_hot_soft_targets_give_the_hard_label_loss) {
  torch::manual_seed(1);
  const auto logits = torch::randn({6, 5});
  const auto labels = torch::tensor({0, 4, 2, 2, 1, 3}, torch::kInt64);
  const auto one_hot = torch::one_hot(labels, 5).to(torch::kFloat32);
  gz::TrainerOptions hard, soft;
  soft.soft_targets = true;
  const double expected = F::cross_entropy(logits, labels).item<double>();
  const auto batch = batch_of(labels, one_hot);
  BOOST_TEST(loss_of(logits, batch, hard) == expected, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(loss_of(logits, batch, soft) == expected, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(soft_loss_is_cross_entropy_against_the_distribution) {
  const auto logits = torch::tensor({{1.0f, 0.0f, -1.0f}, {0.5f, 0.5f, 2.0f}});
  const auto targets = torch::tensor({{0.5f, 0.5f, 0.0f}, {0.2f, 0.3f, 0.5f}});
  gz::TrainerOptions o;
  o.soft_targets = true;
  const auto log_p = torch::log_softmax(logits, 1);
  const double by_hand = -(targets * log_p).sum(1).mean().item<double>();
  const auto batch = batch_of(torch::tensor({0, 2}, torch::kInt64), targets);
  BOOST_TEST(loss_of(logits, batch, o) == by_hand, boost::test_tools::tolerance(1e-6));
  // Label smoothing e: targets (1 - e) t + e / 3.
  o.label_smoothing = 0.3;
  const double smoothed = -((0.7 * targets + 0.1) * log_p).sum(1).mean().item<double>();
  BOOST_TEST(loss_of(logits, batch, o) == smoothed, boost::test_tools::tolerance(1e-6));
  // Asked for soft targets, a batch without them is an error, not the labels' loss.
  BOOST_CHECK_THROW(gz::detail::training_loss(logits, batch_of(batch.labels), o,
                                              gz::detail::training_loss_options(o)),
                    gz::Error);
}

BOOST_AUTO_TEST_CASE(adamw_decays_the_weights_decoupled_from_the_gradient) {
  auto model = small_model();
  gz::TrainerOptions o;
  o.lr_body = 0.5;
  o.lr_head = 0.25;
  o.weight_decay = 0.1;
  auto optimizer = gz::detail::make_optimizer(model, o);
  BOOST_TEST(dynamic_cast<torch::optim::AdamW*>(optimizer.get()) != nullptr);
  const auto head = model->head_parameters();
  const auto body = model->body_parameters();
  BOOST_REQUIRE(!head.empty() && !body.empty());
  const auto head_before = head.front().detach().clone();
  const auto body_before = body.front().detach().clone();
  // Zero gradients: Adam's own step is 0, so only the decay moves the weights,
  // w <- w (1 - lr x weight_decay) with each group's rate.
  for (auto& p : model->parameters()) {
    if (p.requires_grad()) p.mutable_grad() = torch::zeros_like(p);
  }
  optimizer->step();
  BOOST_TEST(torch::allclose(head.front(), head_before * (1 - 0.25 * 0.1)));
  BOOST_TEST(torch::allclose(body.front(), body_before * (1 - 0.5 * 0.1)));

  // Without weight decay: Adam, the original's, and zero gradients change nothing.
  o.weight_decay = 0;
  auto adam = gz::detail::make_optimizer(model, o);
  BOOST_TEST(dynamic_cast<torch::optim::Adam*>(adam.get()) != nullptr);
  const auto kept = head.front().detach().clone();
  adam->step();
  BOOST_TEST(torch::equal(head.front(), kept));
}

BOOST_AUTO_TEST_CASE(the_schedule_sets_both_groups_rates) {
  auto model = small_model();
  gz::TrainerOptions o;
  o.epochs = 2;
  o.lr_body = 1e-4;
  o.lr_head = 1e-3;
  auto optimizer = gz::detail::make_optimizer(model, o);
  // No schedule: the rates stay as given.
  gz::detail::set_learning_rates(*optimizer, o, 3, 4);
  BOOST_TEST(optimizer->param_groups()[0].options().get_lr() == 1e-4);
  BOOST_TEST(optimizer->param_groups()[1].options().get_lr() == 1e-3);
  o.schedule.warmup_epochs = 1;
  o.schedule.cosine = true;
  gz::detail::set_learning_rates(*optimizer, o, 1, 4);  // warm-up step 2 of 4
  BOOST_TEST(optimizer->param_groups()[0].options().get_lr() == 0.5e-4,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(optimizer->param_groups()[1].options().get_lr() == 0.5e-3,
             boost::test_tools::tolerance(1e-12));
  gz::detail::set_learning_rates(*optimizer, o, 6, 4);  // half way down the cosine
  BOOST_TEST(optimizer->param_groups()[1].options().get_lr() == 0.5e-3,
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(recalibration_replaces_lagging_batchnorm_statistics) {
  gz::testing::TempDir dir;
  std::vector<gz::LabeledImage> images;
  for (int i = 0; i < 8; ++i) {
    gz::Image img(32, 32, 3);
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x)
        for (int c = 0; c < 3; ++c)
          img.at(x, y, c) = static_cast<std::uint8_t>((x * 7 + y * i + c * 50) % 256);
    const auto file =
        dir / ("train_class_" + std::to_string(i % 3) + "_" + std::to_string(i) + "_proc.png");
    gz::write_png(img, file);
    images.push_back({file, i % 3, {}});
  }
  gz::ImageLoaderOptions lo;
  lo.image_size = 32;
  lo.batch_size = 4;
  lo.num_workers = 1;
  gz::ImageLoader loader(images, lo);
  auto model = small_model();
  torch::nn::BatchNorm1dImpl* bn = nullptr;
  for (const auto& m : model->modules(false)) {
    if (auto* b = m->as<torch::nn::BatchNorm1d>()) {
      bn = b;
      break;
    }
  }
  BOOST_REQUIRE(bn != nullptr);
  bn->running_mean.fill_(100.0);  // stale statistics
  bn->running_var.fill_(1e4);
  gz::detail::recalibrate_batchnorm(model, loader, 0, gz::TrainerOptions{});
  // The average over the pass's 2 batches, with the momentum given back afterwards.
  BOOST_TEST(bn->num_batches_tracked.item<std::int64_t>() == 2);
  BOOST_TEST(bn->running_mean.abs().max().item<double>() < 50.0);
  BOOST_TEST(bn->running_var.max().item<double>() < 1e4);
  BOOST_REQUIRE(bn->options.momentum().has_value());
  BOOST_TEST(*bn->options.momentum() == 0.1);
}
