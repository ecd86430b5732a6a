#include "galaxyzoo/model/vgg16_classifier.hpp"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

namespace nn = torch::nn;

// torchvision's configuration "D" (VGG16): output channels of each 3x3 convolution,
// kMaxPool for a 2x2 max-pooling. Each convolution is followed by a ReLU, so the 18
// entries become 31 children with torchvision's indices.
constexpr int kMaxPool = 0;
constexpr int kVgg16Layers[] = {64,  64,       kMaxPool, 128,      128, kMaxPool,
                                256, 256,      256,      kMaxPool, 512, 512,
                                512, kMaxPool, 512,      512,      512, kMaxPool};
constexpr std::int64_t kFeatureChildren = 31;
constexpr std::int64_t kFeatureChannels = 512;

}  // namespace

VGG16ClassifierImpl::VGG16ClassifierImpl(VGG16ClassifierOptions options) : options_(options) {
  reset();
}

void VGG16ClassifierImpl::reset() {
  const auto& o = options_;
  if (o.image_size() <= 0 || o.image_size() % 32 != 0) {
    throw Error("VGG16Classifier: image_size " + std::to_string(o.image_size()) +
                " is not a positive multiple of 32");
  }
  if (o.num_classes() < 2) throw Error("VGG16Classifier: num_classes must be at least 2");
  if (o.freeze_before() < 0 || o.freeze_before() > kFeatureChildren) {
    throw Error("VGG16Classifier: freeze_before " + std::to_string(o.freeze_before()) +
                " is outside [0, 31]");
  }
  if (o.hidden1() < 1 || o.hidden2() < 1)
    throw Error("VGG16Classifier: hidden sizes must be at least 1");
  if (!(o.dropout1() >= 0 && o.dropout1() < 1) || !(o.dropout2() >= 0 && o.dropout2() < 1)) {
    throw Error("VGG16Classifier: dropout probabilities must be in [0, 1)");
  }
  // The head's first layer has 512 (image_size / 32)^2 x hidden1 weights; refuse sizes
  // that cannot be allocated (a mistyped option or a damaged file) with a clear message.
  const double cells = static_cast<double>(o.image_size()) / 32;
  if (512.0 * cells * cells * static_cast<double>(o.hidden1()) > 2e9 ||
      static_cast<double>(o.hidden1()) * static_cast<double>(o.hidden2()) > 2e9 ||
      static_cast<double>(o.hidden2()) * static_cast<double>(o.num_classes()) > 2e9) {
    throw Error("VGG16Classifier: image_size " + std::to_string(o.image_size()) +
                ", hidden sizes " + std::to_string(o.hidden1()) + "/" +
                std::to_string(o.hidden2()) + " and " + std::to_string(o.num_classes()) +
                " classes make a head of over 2e9 weights");
  }

  features = nn::Sequential();
  std::int64_t channels = 3;
  for (const int layer : kVgg16Layers) {
    if (layer == kMaxPool) {
      features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
    } else {
      features->push_back(nn::Conv2d(nn::Conv2dOptions(channels, layer, 3).padding(1)));
      features->push_back(nn::ReLU(nn::ReLUOptions(/*inplace=*/true)));
      channels = layer;
    }
  }
  const std::int64_t side = o.image_size() / 32;  // five poolings halve the size
  head =
      nn::Sequential(nn::Flatten(), nn::Linear(kFeatureChannels * side * side, o.hidden1()),
                     nn::BatchNorm1d(o.hidden1()), nn::ReLU(), nn::Dropout(o.dropout1()),
                     nn::Linear(o.hidden1(), o.hidden2()), nn::BatchNorm1d(o.hidden2()), nn::ReLU(),
                     nn::Dropout(o.dropout2()), nn::Linear(o.hidden2(), o.num_classes()));
  register_module("features", features);
  register_module("head", head);

  // torchvision's VGG initialisation: He (Kaiming) normal for the convolutions, so that
  // thirteen ReLU layers trained from scratch neither fade nor explode; small normal
  // weights for the linear layers. ImageNet weights, when loaded, replace the features'.
  for (auto& module : features->children()) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, /*a=*/0, torch::kFanOut, torch::kReLU);
      nn::init::zeros_(conv->bias);
    }
  }
  for (auto& module : head->children()) {
    if (auto* linear = module->as<nn::Linear>()) {
      nn::init::normal_(linear->weight, 0, 0.01);
      nn::init::zeros_(linear->bias);
    }
  }

  for (std::int64_t i = 0; i < o.freeze_before(); ++i) {
    for (auto& p : features[static_cast<std::size_t>(i)]->parameters()) p.set_requires_grad(false);
  }
}

torch::Tensor VGG16ClassifierImpl::forward(torch::Tensor images) {
  TORCH_CHECK(images.dim() == 4 && images.size(1) == 3 && images.size(2) == options_.image_size() &&
                  images.size(3) == options_.image_size(),
              "VGG16Classifier: expected images [batch, 3, ", options_.image_size(), ", ",
              options_.image_size(), "], got ", images.sizes());
  return head->forward(features->forward(images));
}

std::vector<torch::Tensor> VGG16ClassifierImpl::body_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& p : features->parameters()) {
    if (p.requires_grad()) out.push_back(p);
  }
  return out;
}

std::vector<torch::Tensor> VGG16ClassifierImpl::head_parameters() const {
  return head->parameters();
}

}  // namespace galaxyzoo
