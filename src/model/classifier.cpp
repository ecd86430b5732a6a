#include "galaxyzoo/model/classifier.hpp"

#include <torch/utils.h>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/classifier_file.hpp"
#include "galaxyzoo/model/device.hpp"
#include "galaxyzoo/model/image_loader.hpp"

namespace galaxyzoo {
namespace {

std::vector<std::vector<float>> rows_of(const torch::Tensor& probabilities) {
  const torch::Tensor p = probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
  std::vector<std::vector<float>> out(static_cast<std::size_t>(p.size(0)));
  const float* data = p.data_ptr<float>();
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i].assign(data + i * p.size(1), data + (i + 1) * p.size(1));
  return out;
}

}  // namespace

GalaxyClassifier::GalaxyClassifier(const std::filesystem::path& model_file, std::string_view device)
    : device_(select_device(device)) {
  LoadedClassifier loaded = load_classifier(model_file);
  model_ = std::move(loaded.model);
  class_names_ = std::move(loaded.class_names);
  model_->to(device_);
  model_->eval();
}

GalaxyClassifier::GalaxyClassifier(VGG16Classifier model, std::vector<std::string> class_names,
                                   torch::Device device)
    : model_(std::move(model)), class_names_(std::move(class_names)), device_(device) {
  if (static_cast<std::int64_t>(class_names_.size()) != model_->options().num_classes()) {
    throw Error("GalaxyClassifier: " + std::to_string(class_names_.size()) + " class names for " +
                std::to_string(model_->options().num_classes()) + " classes");
  }
  model_->to(device_);
  model_->eval();
}

int GalaxyClassifier::image_size() const noexcept { return model_->options().image_size(); }

torch::Tensor GalaxyClassifier::probabilities(const torch::Tensor& images, bool tta) {
  torch::NoGradGuard no_grad;
  model_->eval();
  const torch::Tensor x = images.to(device_);
  if (!tta) return torch::softmax(model_->forward(x), 1);
  // The dihedral group: 4 rotations by 90 degrees, each with and without a flip.
  torch::Tensor sum = torch::zeros({x.size(0), model_->options().num_classes()}, x.options());
  for (const bool flip : {false, true}) {
    const torch::Tensor base = flip ? x.flip({3}) : x;
    for (int k = 0; k < 4; ++k) sum += torch::softmax(model_->forward(base.rot90(k, {2, 3})), 1);
  }
  return sum / 8;
}

std::vector<std::vector<float>> GalaxyClassifier::classify(const std::vector<Image>& images,
                                                           bool tta) {
  if (images.empty()) return {};
  const int s = image_size();
  torch::Tensor batch = torch::empty({static_cast<std::int64_t>(images.size()), 3, s, s});
  for (std::size_t i = 0; i < images.size(); ++i) {
    const Image& original = images[i];
    if (original.bands != 3)
      throw Error("GalaxyClassifier: image " + std::to_string(i) + " has " +
                  std::to_string(original.bands) + " bands, expected 3 (RGB)");
    const Image img =
        original.width == s && original.height == s ? original : resize(original, s, s);
    auto out = batch[static_cast<std::int64_t>(i)];
    const torch::Tensor hwc =
        torch::from_blob(const_cast<std::uint8_t*>(img.pixels.data()), {s, s, 3}, torch::kUInt8);
    const torch::Tensor mean =
        torch::tensor({kImageNetMean[0], kImageNetMean[1], kImageNetMean[2]}).view({3, 1, 1});
    const torch::Tensor std =
        torch::tensor({kImageNetStd[0], kImageNetStd[1], kImageNetStd[2]}).view({3, 1, 1});
    out.copy_((hwc.permute({2, 0, 1}).to(torch::kFloat32) / 255 - mean) / std);
  }
  return rows_of(probabilities(batch, tta));
}

std::vector<std::vector<float>> GalaxyClassifier::classify_files(
    const std::vector<std::filesystem::path>& files, const ClassifyOptions& options) {
  if (files.empty()) return {};
  std::vector<LabeledImage> images;
  for (const auto& f : files) images.push_back({f, 0});
  ImageLoaderOptions loading;
  loading.image_size = image_size();
  loading.batch_size = options.batch_size;
  loading.center_crop = options.center_crop;
  loading.num_workers = options.num_workers;
  loading.read = options.read;
  loading.pin_memory = device_.is_cuda();
  ImageLoader loader(std::move(images), loading);
  loader.start_epoch(0);
  std::vector<std::vector<float>> out;
  while (auto batch = loader.next()) {
    for (auto& row : rows_of(probabilities(batch->images, options.tta)))
      out.push_back(std::move(row));
  }
  return out;
}

}  // namespace galaxyzoo
