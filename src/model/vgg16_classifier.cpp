#include "galaxyzoo/model/vgg16_classifier.hpp"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "model/sealed_archive.hpp"

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

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

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

void load_vgg16_features(VGG16ClassifierImpl& model, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file, "cannot open weights file");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());

  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  try {
    const c10::IValue value = torch::pickle_load(bytes);
    if (!value.isGenericDict()) throw Error("");
    dict = value.toGenericDict();
  } catch (const std::exception&) {
    throw Error(
        "'" + file.string() +
        "': not a dict of tensors saved by torch.save; export the state_dict as a plain dict: "
        "torch.save(dict(model.state_dict()), path)");
  }

  std::set<std::string> expected;
  for (const auto& p : model.features->named_parameters()) expected.insert("features." + p.key());
  torch::NoGradGuard no_grad;
  std::set<std::string> loaded;
  for (const auto& entry : dict) {
    if (!entry.key().isString() || !entry.value().isTensor()) {
      throw Error("'" + file.string() + "': expected a dict of name -> tensor");
    }
    const std::string& key = entry.key().toStringRef();
    if (key.rfind("classifier.", 0) == 0) continue;  // torchvision's own head: not ours
    if (expected.count(key) == 0) {
      throw Error("'" + file.string() + "': unexpected key '" + key +
                  "' (not a torchvision VGG16 without batch norm?)");
    }
    const torch::Tensor source = entry.value().toTensor();
    torch::Tensor target =
        model.features->named_parameters()[key.substr(std::string("features.").size())];
    if (source.sizes() != target.sizes()) {
      throw Error("'" + file.string() + "': '" + key + "' has shape " + shape_of(source) +
                  ", expected " + shape_of(target));
    }
    target.copy_(source);
    loaded.insert(key);
  }
  for (const auto& key : expected) {
    if (loaded.count(key) == 0) throw Error("'" + file.string() + "': missing key '" + key + "'");
  }
}

namespace {

constexpr const char* kFormat = "galaxyzoo.vgg16_classifier";
constexpr std::int64_t kFormatVersion = 1;

}  // namespace

void save_classifier(const VGG16Classifier& model, const std::vector<std::string>& class_names,
                     const std::filesystem::path& file) {
  const auto& o = model->options();
  if (static_cast<std::int64_t>(class_names.size()) != o.num_classes()) {
    throw Error("save_classifier: " + std::to_string(class_names.size()) +
                " class names for a model of " + std::to_string(o.num_classes()) + " classes");
  }
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("format_version", c10::IValue(kFormatVersion));
  archive.write("num_classes", c10::IValue(o.num_classes()));
  archive.write("image_size", c10::IValue(static_cast<std::int64_t>(o.image_size())));
  archive.write("freeze_before", c10::IValue(o.freeze_before()));
  archive.write("hidden1", c10::IValue(o.hidden1()));
  archive.write("hidden2", c10::IValue(o.hidden2()));
  archive.write("dropout1", c10::IValue(o.dropout1()));
  archive.write("dropout2", c10::IValue(o.dropout2()));
  archive.write("class_names", c10::IValue(c10::List<std::string>(class_names)));
  torch::serialize::OutputArchive weights;
  model->save(weights);
  archive.write("model", weights);
  detail::save_sealed_archive(archive, file);
}

LoadedClassifier load_classifier(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw IoError(file, "classifier file does not exist");
  detail::SealedArchive in(file, "classifier file");
  if (in.text("format") != kFormat) throw in.bad("format", "not a galaxyzoo VGG16 classifier file");
  if (const auto version = in.integer("format_version"); version != kFormatVersion) {
    throw in.bad("format_version", std::to_string(version) + ", this library reads " +
                                       std::to_string(kFormatVersion));
  }
  VGG16ClassifierOptions o(in.integer("num_classes"));
  const std::int64_t image_size = in.integer("image_size");  // stored as int64
  if (image_size < std::numeric_limits<int>::min() || image_size > std::numeric_limits<int>::max())
    throw in.bad("image_size", std::to_string(image_size) + " is out of range");
  o.image_size(static_cast<int>(image_size))
      .freeze_before(in.integer("freeze_before"))
      .hidden1(in.integer("hidden1"))
      .hidden2(in.integer("hidden2"))
      .dropout1(in.real("dropout1"))
      .dropout2(in.real("dropout2"));
  LoadedClassifier loaded;
  const c10::IValue names = in.value("class_names");
  if (!names.isList()) throw in.bad("class_names", "not a list");
  for (const c10::IValue& name : names.toListRef()) {
    if (!name.isString()) throw in.bad("class_names", "not all strings");
    loaded.class_names.push_back(name.toStringRef());
  }
  if (static_cast<std::int64_t>(loaded.class_names.size()) != o.num_classes()) {
    throw in.bad("class_names", std::to_string(loaded.class_names.size()) + " names for " +
                                    std::to_string(o.num_classes()) + " classes");
  }
  try {
    loaded.model = VGG16Classifier(o);  // checks the options
  } catch (const Error& e) {
    throw Error("'" + file.string() + "': " + e.what());
  }
  torch::serialize::InputArchive weights;
  in.sub_archive("model", weights);
  try {
    loaded.model->load(weights);
  } catch (const std::exception& e) {
    throw in.bad("model",
                 "weights do not fit the model: " + detail::SealedArchive::first_line(e.what()));
  }
  return loaded;
}

}  // namespace galaxyzoo
