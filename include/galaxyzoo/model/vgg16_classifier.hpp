#pragma once
/// @file
/// The workflow's model: torchvision's VGG16 feature extractor with a small classifier
/// head, as a LibTorch module. Use it through the VGG16Classifier handle; save_classifier()
/// and load_classifier() (classifier_file.hpp) store it with its class names.
///
/// @code
/// galaxyzoo::VGG16Classifier model(
///     galaxyzoo::VGG16ClassifierOptions(/*num_classes=*/5).image_size(256));
/// galaxyzoo::load_vgg16_features(*model, "vgg16_imagenet.pth");
/// torch::optim::Adam adam({torch::optim::OptimizerParamGroup(model->body_parameters()),
///                          torch::optim::OptimizerParamGroup(model->head_parameters())});
/// torch::Tensor logits = model->forward(torch::rand({8, 3, 256, 256}));  // [8, 5]
/// @endcode
///
/// What a user must know:
///  - `features` has torchvision's layers, indices and parameter names (`features.0.weight`
///    ... `features.28.bias`), so torchvision's ImageNet weights load as they are;
///  - the head is Flatten -> Linear(in, 512) -> BatchNorm1d -> ReLU -> Dropout(0.5) ->
///    Linear(512, 64) -> BatchNorm1d -> ReLU -> Dropout(0.3) -> Linear(64, num_classes),
///    with `in` = 512 x (image_size / 32)^2 (512 x 8 x 8 for 256 x 256 input);
///  - every `features` child before index freeze_before is frozen (default 21 = conv4_3);
///    body_parameters() and head_parameters() are the groups with their own learning rates.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/model/hyperparameters.hpp"

namespace galaxyzoo {

/// Options of VGG16Classifier.
struct VGG16ClassifierOptions {
  /// @param num_classes number of output classes (the workflow's 5)
  /* implicit */ VGG16ClassifierOptions(std::int64_t num_classes = 5) : num_classes_(num_classes) {}

  /// Number of classes (default 5).
  TORCH_ARG(std::int64_t, num_classes);
  /// Side of the square input images, a multiple of 32 (default 256); an
  /// int, as everywhere in the library (the model file stores it as a 64-bit integer).
  TORCH_ARG(int, image_size) = 256;
  /// `features` children before this index are frozen (0 trains everything, 31 freezes
  /// all of `features`); the default is HyperParameters::layer's, 21.
  TORCH_ARG(std::int64_t, freeze_before) = HyperParameters{}.layer;
  /// Width of the head's first hidden layer (default 512).
  TORCH_ARG(std::int64_t, hidden1) = 512;
  /// Width of the head's second hidden layer (default 64).
  TORCH_ARG(std::int64_t, hidden2) = 64;
  /// Dropout after the first hidden layer (default 0.5).
  TORCH_ARG(double, dropout1) = 0.5;
  /// Dropout after the second hidden layer (default 0.3).
  TORCH_ARG(double, dropout2) = 0.3;
};

/// VGG16 features + the classifier head. Use through the VGG16Classifier handle.
class VGG16ClassifierImpl : public torch::nn::Cloneable<VGG16ClassifierImpl> {
 public:
  /// Builds the layers (see reset()).
  explicit VGG16ClassifierImpl(VGG16ClassifierOptions options = {});

  /// (Re)creates and registers the layers; checks the options.
  /// @throws galaxyzoo::Error for an image size that is not a positive multiple of 32,
  ///         fewer than 2 classes, or freeze_before outside [0, 31].
  void reset() override;

  /// Logits, [batch, num_classes], of images [batch, 3, image_size, image_size]
  /// normalised with the ImageNet mean and standard deviation.
  torch::Tensor forward(torch::Tensor images);

  /// The trainable parameters of `features` (those at or after freeze_before).
  std::vector<torch::Tensor> body_parameters() const;
  /// The parameters of the head.
  std::vector<torch::Tensor> head_parameters() const;

  /// The options the module was built with.
  const VGG16ClassifierOptions& options() const noexcept { return options_; }

  /// torchvision's VGG16 `features` (31 children).
  torch::nn::Sequential features{nullptr};
  /// The classifier head (10 children).
  torch::nn::Sequential head{nullptr};

 private:
  VGG16ClassifierOptions options_;
};

/// The module holder (a shared pointer) of VGG16ClassifierImpl, as TORCH_MODULE makes it;
/// members are reached with an arrow: model->forward(images).
TORCH_MODULE(VGG16Classifier);

}  // namespace galaxyzoo
