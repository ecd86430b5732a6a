#include "model/optimization.hpp"

#include <torch/nn/modules/batchnorm.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/utils.h>

#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/lr_schedule.hpp"

namespace galaxyzoo::detail {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const VGG16Classifier& model,
                                                        const TrainerOptions& o) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (o.weight_decay > 0) {
    for (const auto& [params, lr] : {std::pair{model->body_parameters(), o.lr_body},
                                     std::pair{model->head_parameters(), o.lr_head}}) {
      groups.emplace_back(params, std::make_unique<torch::optim::AdamWOptions>(
                                      torch::optim::AdamWOptions(lr).weight_decay(o.weight_decay)));
    }
    return std::make_unique<torch::optim::AdamW>(
        std::move(groups), torch::optim::AdamWOptions(o.lr_head).weight_decay(o.weight_decay));
  }
  groups.emplace_back(model->body_parameters(),
                      std::make_unique<torch::optim::AdamOptions>(o.lr_body));
  groups.emplace_back(model->head_parameters(),
                      std::make_unique<torch::optim::AdamOptions>(o.lr_head));
  return std::make_unique<torch::optim::Adam>(std::move(groups),
                                              torch::optim::AdamOptions(o.lr_head));
}

void set_learning_rates(torch::optim::Optimizer& optimizer, const TrainerOptions& o,
                        std::int64_t step, std::int64_t steps_per_epoch) {
  if (!is_scheduled(o.schedule)) return;  // the base rates, as given to make_optimizer()
  const double factor = lr_factor(o.schedule, step, steps_per_epoch, o.epochs);
  auto& groups = optimizer.param_groups();
  const double base[2] = {o.lr_body, o.lr_head};
  for (std::size_t g = 0; g < groups.size() && g < 2; ++g)
    groups[g].options().set_lr(base[g] * factor);
}

torch::nn::functional::CrossEntropyFuncOptions training_loss_options(const TrainerOptions& o) {
  auto criterion = torch::nn::functional::CrossEntropyFuncOptions();
  if (!o.class_weights.empty())
    criterion.weight(torch::tensor(o.class_weights, torch::kFloat32).to(o.device));
  if (o.label_smoothing > 0) criterion.label_smoothing(o.label_smoothing);
  return criterion;
}

torch::Tensor training_loss(const torch::Tensor& logits, const Batch& batch,
                            const TrainerOptions& o,
                            const torch::nn::functional::CrossEntropyFuncOptions& criterion) {
  if (!o.soft_targets) {
    return torch::nn::functional::cross_entropy(
        logits, batch.labels.to(logits.device(), /*non_blocking=*/true), criterion);
  }
  if (!batch.targets.defined()) {
    throw Error(
        "Trainer: soft_targets is set but the training images have no soft targets "
        "(LabeledImage::target)");
  }
  // Cross-entropy against a distribution per image: -sum_c w_c t_c log p_c, averaged over
  // the batch (LibTorch's probability targets; with label smoothing t becomes
  // (1 - e) t + e / C).
  return torch::nn::functional::cross_entropy(
      logits, batch.targets.to(logits.device(), /*non_blocking=*/true), criterion);
}

void recalibrate_batchnorm(VGG16Classifier& model, ImageLoader& train, std::int64_t epoch,
                           const TrainerOptions& options) {
  std::vector<torch::nn::BatchNorm1dImpl*> norms;
  for (const auto& m : model->modules(/*include_self=*/false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm1d>()) norms.push_back(bn);
  }
  if (norms.empty()) return;
  const c10::optional<double> momentum = norms.front()->options.momentum();
  for (auto* bn : norms) {
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt);  // a cumulative average over the pass
  }
  torch::NoGradGuard no_grad;
  model->train();
  train.start_epoch(epoch);
  while (auto batch = train.next()) model->forward(batch->images.to(options.device));
  for (auto* bn : norms) bn->options.momentum(momentum);
}

}  // namespace galaxyzoo::detail
