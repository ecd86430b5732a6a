#pragma once
// The training step's surroundings that Trainer::fit and Trainer::evaluate (trainer.cpp)
// use: the data-parallel collectives (which do what one process does without a context),
// the per-rank dropout seed, and the bfloat16 autocast switch. Private to src/.

#include <ATen/autocast_mode.h>
#include <torch/types.h>
#include <torch/version.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace galaxyzoo::detail {

// The data-parallel helpers Trainer::fit uses; with no context (or a world of one) they do
// what a single process does.
class Collective {
 public:
  explicit Collective(DistributedContext* context)
      : context_(context && context->world_size() > 1 ? context : nullptr) {}
  bool active() const { return context_ != nullptr; }
  bool is_main() const { return !context_ || context_->is_main(); }
  int rank() const { return context_ ? context_->rank() : 0; }
  // True on every rank when @p flag is true on any.
  bool any(bool flag) const { return context_ ? context_->sum({flag ? 1.0 : 0.0})[0] > 0 : flag; }
  // Rank 0's @p flag, on every rank.
  bool main_says(bool flag) const {
    return context_ ? context_->sum({is_main() && flag ? 1.0 : 0.0})[0] > 0 : flag;
  }
  std::vector<double> sum(std::vector<double> values) const {
    return context_ ? context_->sum(std::move(values)) : values;
  }
  void average_gradients(const VGG16Classifier& model) const {
    if (!context_) return;
    std::vector<torch::Tensor> grads;
    for (const auto& p : model->parameters()) {
      if (p.requires_grad() && p.grad().defined()) grads.push_back(p.grad());
    }
    context_->allreduce_mean(grads);
  }
  void broadcast_buffers(const VGG16Classifier& model) const {
    if (context_) context_->broadcast(model->buffers(), 0);
  }
  void broadcast_model(const VGG16Classifier& model) const {
    if (!context_) return;
    context_->broadcast(model->parameters(), 0);
    context_->broadcast(model->buffers(), 0);
  }
  void barrier() const {
    if (context_) context_->barrier();
  }

 private:
  DistributedContext* context_;
};

// Seeds LibTorch's generator for one batch of one rank (dropout) in data-parallel runs.
inline void seed_batch(std::uint64_t seed, int rank, std::int64_t epoch, std::int64_t batch) {
  std::uint64_t state = seed ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(rank + 1));
  state = splitmix64(state) ^ (0xbf58476d1ce4e5b9ULL * static_cast<std::uint64_t>(epoch + 1));
  state = splitmix64(state) ^ (0x94d049bb133111ebULL * static_cast<std::uint64_t>(batch + 1));
  torch::manual_seed(splitmix64(state) >> 1);
}

// Autocast to bfloat16 on CUDA while alive (LibTorch 1.13 and 2.x name the switches
// differently).
class AutocastScope {
 public:
  explicit AutocastScope(bool on) : on_(on) {
    if (on_) set(true);
  }
  ~AutocastScope() {
    if (!on_) return;
    set(false);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  static void set(bool enabled) {
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(enabled);
#endif
  }
  bool on_;
};

}  // namespace galaxyzoo::detail
