#include "galaxyzoo/model/torchscript_export.hpp"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/script.h>

#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/image_loader.hpp"

namespace galaxyzoo {
namespace {

namespace nn = torch::nn;

// Registers the parameters and buffers of @p child, the child @p index of a sequence, as
// PREFIX_INDEX_NAME; returns "self.PREFIX_INDEX".
std::string register_child(torch::jit::Module& module, const nn::Module& child,
                           const std::string& prefix, std::size_t index) {
  const std::string name = prefix + "_" + std::to_string(index);
  for (const auto& p : child.named_parameters(false))
    module.register_parameter(name + "_" + p.key(), p.value().detach().clone().cpu(), false);
  for (const auto& b : child.named_buffers(false))
    module.register_buffer(name + "_" + b.key(), b.value().detach().clone().cpu());
  return "self." + name;
}

// TorchScript lines computing x through @p sequence (inference mode).
std::string script_of(torch::jit::Module& module, const nn::Sequential& sequence,
                      const std::string& prefix) {
  std::ostringstream out;
  out.precision(17);
  const auto children = sequence->children();
  for (std::size_t i = 0; i < children.size(); ++i) {
    const auto& child = children[i];
    const std::string self = register_child(module, *child, prefix, i);
    if (child->as<nn::Conv2d>()) {
      out << "    x = torch.conv2d(x, " << self << "_weight, " << self
          << "_bias, [1, 1], [1, 1])\n";
    } else if (child->as<nn::ReLU>()) {
      out << "    x = torch.relu(x)\n";
    } else if (child->as<nn::MaxPool2d>()) {
      out << "    x = torch.max_pool2d(x, [2, 2], [2, 2])\n";
    } else if (child->as<nn::Flatten>()) {
      out << "    x = torch.flatten(x, 1)\n";
    } else if (child->as<nn::Linear>()) {
      out << "    x = torch.linear(x, " << self << "_weight, " << self << "_bias)\n";
    } else if (const auto* bn = child->as<nn::BatchNorm1d>()) {
      out << "    x = torch.batch_norm(x, " << self << "_weight, " << self << "_bias, " << self
          << "_running_mean, " << self << "_running_var, False, 0.0, " << bn->options.eps()
          << ", False)\n";
    } else if (!child->as<nn::Dropout>()) {  // dropout does nothing in inference
      throw Error("to_torchscript: unexpected layer " + child->name());
    }
  }
  return out.str();
}

}  // namespace

torch::jit::Module to_torchscript(const VGG16Classifier& model,
                                  const std::vector<std::string>& class_names) {
  const auto& o = model->options();
  if (static_cast<std::int64_t>(class_names.size()) != o.num_classes()) {
    throw Error("to_torchscript: " + std::to_string(class_names.size()) +
                " class names for a model of " + std::to_string(o.num_classes()) + " classes");
  }
  torch::jit::Module module("__torch__.galaxyzoo.VGG16Classifier");
  module.register_attribute("class_names", c10::ListType::ofStrings(),
                            c10::IValue(c10::List<std::string>(class_names)));
  module.register_attribute("image_size", c10::IntType::get(),
                            c10::IValue(static_cast<std::int64_t>(o.image_size())));
  module.register_buffer(
      "mean",
      torch::tensor({kImageNetMean[0], kImageNetMean[1], kImageNetMean[2]}).view({3, 1, 1}));
  module.register_buffer(
      "std", torch::tensor({kImageNetStd[0], kImageNetStd[1], kImageNetStd[2]}).view({3, 1, 1}));
  const std::string network =
      script_of(module, model->features, "features") + script_of(module, model->head, "head");
  module.define(
      "def logits(self, images: Tensor) -> Tensor:\n"
      "    x = (images - self.mean) / self.std\n" +
      network +
      "    return x\n"
      "def forward(self, images: Tensor) -> Tensor:\n"
      "    return torch.softmax(self.logits(images), 1)\n");
  module.eval();
  return module;
}

void export_torchscript(const VGG16Classifier& model, const std::vector<std::string>& class_names,
                        const std::filesystem::path& file) {
  const torch::jit::Module module = to_torchscript(model, class_names);
  std::ostringstream bytes;
  module.save(bytes);
  remove_abandoned_temporaries(file);
  write_file_atomically(file, bytes.str());
}

}  // namespace galaxyzoo
