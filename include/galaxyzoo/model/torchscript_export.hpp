#pragma once
/// @file
/// A trained classifier as a TorchScript module, for use without galaxyzoo: Python's
/// `torch.jit.load`, LibTorch's `torch::jit::load` in any C++ program, or any runtime that
/// reads TorchScript. Written from C++ alone: no Python at export time.
///
/// @code
/// galaxyzoo::LoadedClassifier loaded = galaxyzoo::load_classifier("final_vgg16_model.pt");
/// galaxyzoo::export_torchscript(loaded.model, loaded.class_names, "galaxyzoo_vgg16.ts.pt");
/// // Python: m = torch.jit.load("galaxyzoo_vgg16.ts.pt"); p = m(images)   # probabilities
/// @endcode
///
/// The module (docs/python.md):
///  - `forward(images)`: images [batch, 3, S, S], float32, RGB, pixel values / 255 (so in
///    [0, 1]), S = `image_size`; it subtracts the ImageNet mean and divides by the standard
///    deviation itself, runs the network in inference mode (batch-norm statistics, no
///    dropout) and returns the class probabilities [batch, classes] (softmax of the logits),
///    the numbers `classify` prints for the same pixels;
///  - `logits(images)`: the same input, the logits before the softmax;
///  - attributes `class_names` (List[str]), `image_size` (int), `mean` and `std` ([3, 1, 1]).
/// Images of another size must be resized to S x S first (classify uses libvips' Lanczos-3).
///
/// The network is written as TorchScript source built from the layer list (LibTorch 1.13's
/// C++ API can compile TorchScript but has no public tracer), with the weights as the
/// module's parameters: `features_0_weight` ... `head_9_bias`.
///
/// ONNX is not written: in LibTorch the ONNX exporter's conversion of ATen operators to ONNX
/// operators (the symbolic functions of `torch.onnx`) is written in Python, so C++ can only
/// serialise graphs already in ONNX form. Convert the TorchScript file in Python with
/// `torch.onnx.export` where ONNX is needed (docs/python.md).

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace torch::jit {
struct Module;
}  // namespace torch::jit

namespace galaxyzoo {

/// The TorchScript module of @p model (see the file comment); its tensors are copies, on
/// the CPU.
/// @throws Error if the number of class names is not the model's number of classes.
torch::jit::Module to_torchscript(const VGG16Classifier& model,
                                  const std::vector<std::string>& class_names);

/// Writes to_torchscript(@p model, @p class_names) to @p file, atomically.
/// @throws Error as to_torchscript(); IoError if the file cannot be written.
void export_torchscript(const VGG16Classifier& model, const std::vector<std::string>& class_names,
                        const std::filesystem::path& file);

}  // namespace galaxyzoo
