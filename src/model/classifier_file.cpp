#include "galaxyzoo/model/classifier_file.hpp"

#include <torch/serialize/input-archive.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/core/zip_archive.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/torch_save_file.hpp"
#include "galaxyzoo/model/training_run.hpp"
#include "model/sealed_archive.hpp"

namespace galaxyzoo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kFormat = "galaxyzoo.vgg16_classifier";
constexpr std::int64_t kSealedVersion = 1;  // galaxyzoo 0.1.0's sealed LibTorch archive
constexpr std::int64_t kZipVersion = 2;     // the torch.save-compatible zip archive
constexpr const char* kFolder = "archive";
constexpr const char* kMetadata = "galaxyzoo.json";

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

Error file_error(const fs::path& file, const std::string& what) {
  return Error("'" + file.string() + "': " + what);
}

// The model's state dict in Python's order: each module's parameters, then its buffers.
std::vector<std::pair<std::string, torch::Tensor>> state_dict_of(const VGG16ClassifierImpl& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& m : model.named_modules("", /*include_self=*/false)) {
    for (const auto& p : m.value()->named_parameters(false))
      out.emplace_back(m.key() + "." + p.key(), p.value());
    for (const auto& b : m.value()->named_buffers(false))
      out.emplace_back(m.key() + "." + b.key(), b.value());
  }
  return out;
}

// The state dict in what torch.save stored: the dict itself, or a checkpoint's
// 'model_state_dict' (the original's checkpoints and final model). Keys lose a "module."
// prefix (nn.DataParallel) and the original's "body." becomes "features.".
std::map<std::string, torch::Tensor> tensors_of(const c10::IValue& saved, const fs::path& file,
                                                std::int64_t* layer) {
  if (!saved.isGenericDict()) {
    throw file_error(file, "holds a " + saved.tagKind() + ", not a state dict (a dict of tensors)");
  }
  c10::impl::GenericDict dict = saved.toGenericDict();
  if (dict.contains("model_state_dict")) {
    const c10::IValue inner = dict.at("model_state_dict");
    if (!inner.isGenericDict()) throw file_error(file, "'model_state_dict' is not a dict");
    dict = inner.toGenericDict();
  }
  // The original's checkpoints record the first trained layer, as an int or a string.
  if (layer != nullptr && saved.toGenericDict().contains("layer")) {
    const c10::IValue l = saved.toGenericDict().at("layer");
    if (l.isInt()) *layer = l.toInt();
    if (l.isString() && !l.toStringRef().empty() && l.toStringRef().size() < 4 &&
        std::all_of(l.toStringRef().begin(), l.toStringRef().end(), ::isdigit))
      *layer = std::stoll(l.toStringRef());
  }
  std::map<std::string, torch::Tensor> out;
  for (const auto& entry : dict) {
    if (!entry.key().isString() || !entry.value().isTensor()) {
      throw file_error(file,
                       "not a state dict: expected a dict of name -> tensor, or a checkpoint "
                       "with 'model_state_dict'");
    }
    std::string key = entry.key().toStringRef();
    if (key.rfind("module.", 0) == 0) key.erase(0, 7);
    if (key.rfind("body.", 0) == 0) key = "features." + key.substr(5);
    out[key] = entry.value().toTensor();
  }
  return out;
}

// Copies @p tensors into @p model's parameters and buffers under @p prefix ("" for all).
// Keys starting with one of @p ignored are skipped; any other key must be the model's.
void copy_tensors(VGG16ClassifierImpl& model, const std::map<std::string, torch::Tensor>& tensors,
                  const std::string& prefix, const std::vector<std::string>& ignored,
                  const fs::path& file) {
  std::map<std::string, torch::Tensor> targets;
  for (auto& [name, t] : state_dict_of(model)) {
    if (name.rfind(prefix, 0) == 0) targets[name] = t;
  }
  torch::NoGradGuard no_grad;
  for (const auto& [key, source] : tensors) {
    bool skip = false;
    for (const auto& i : ignored) skip = skip || key.rfind(i, 0) == 0;
    if (skip) continue;
    const auto target = targets.find(key);
    if (target == targets.end()) {
      throw file_error(file,
                       "unexpected key '" + key +
                           "' (not a torchvision VGG16 without batch norm, or not our head?)");
    }
    if (source.sizes() != target->second.sizes()) {
      throw file_error(file, "'" + key + "' has shape " + shape_of(source) + ", expected " +
                                 shape_of(target->second));
    }
    target->second.copy_(source);
  }
  for (const auto& [key, t] : targets) {
    if (tensors.count(key) == 0) throw file_error(file, "missing key '" + key + "'");
  }
}

// The first bytes of @p file, to tell the formats apart.
std::string first_bytes(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw IoError(file, "model file does not exist");
  std::ifstream in(file, std::ios::binary);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw IoError(file, "cannot read the model file");
  return head;
}

// The state dict of a torch.save file @p file (checked whole first).
std::map<std::string, torch::Tensor> read_tensors(const fs::path& file, Json* metadata,
                                                  std::int64_t* layer) {
  const std::string head = first_bytes(file);
  if (!head.empty() && static_cast<unsigned char>(head[0]) == 0x80) {
    throw file_error(file,
                     "the legacy torch.save format of PyTorch before 1.6; load it in Python and "
                     "save it again with a newer PyTorch (docs/python.md)");
  }
  if (!looks_like_zip(head)) {
    throw CorruptFileError(file, "neither a galaxyzoo model file nor a torch.save file");
  }
  const ZipReader zip(file);
  if (metadata != nullptr) {
    for (const std::string& name : zip.names()) {
      if (name.size() > std::string(kMetadata).size() + 1 &&
          name.substr(name.size() - std::string(kMetadata).size() - 1) ==
              "/" + std::string(kMetadata)) {
        try {
          *metadata = Json::parse(zip.record(name));
        } catch (const Json::exception& e) {
          throw CorruptFileError(file, std::string(kMetadata) + ": " + e.what());
        }
      }
    }
  }
  return tensors_of(read_torch_save(zip), file, layer);
}

// Options from galaxyzoo.json, checked key by key.
VGG16ClassifierOptions options_from(const Json& meta, const fs::path& file,
                                    std::vector<std::string>& class_names) {
  auto bad = [&](const std::string& key, const std::string& problem) {
    return file_error(file, std::string(kMetadata) + ": key '" + key + "': " + problem);
  };
  auto integer = [&](const char* key) {
    if (!meta.contains(key) || !meta[key].is_number_integer())
      throw bad(key, "missing or not an integer");
    return meta[key].get<std::int64_t>();
  };
  auto real = [&](const char* key) {
    if (!meta.contains(key) || !meta[key].is_number()) throw bad(key, "missing or not a number");
    return meta[key].get<double>();
  };
  if (!meta.is_object() || !meta.contains("format") || meta["format"] != kFormat)
    throw bad("format", "not a galaxyzoo VGG16 classifier file");
  if (integer("format_version") != kZipVersion)
    throw bad("format_version", std::to_string(integer("format_version")) +
                                    ", this library reads " + std::to_string(kZipVersion));
  const std::int64_t image_size = integer("image_size");
  if (image_size < 0 || image_size > std::numeric_limits<int>::max())
    throw bad("image_size", std::to_string(image_size) + " is out of range");
  if (!meta.contains("class_names") || !meta["class_names"].is_array())
    throw bad("class_names", "missing or not a list");
  for (const Json& name : meta["class_names"]) {
    if (!name.is_string()) throw bad("class_names", "not all strings");
    class_names.push_back(name.get<std::string>());
  }
  VGG16ClassifierOptions o(integer("num_classes"));
  o.image_size(static_cast<int>(image_size))
      .freeze_before(integer("freeze_before"))
      .hidden1(integer("hidden1"))
      .hidden2(integer("hidden2"))
      .dropout1(real("dropout1"))
      .dropout2(real("dropout2"));
  if (static_cast<std::int64_t>(class_names.size()) != o.num_classes())
    throw bad("class_names", std::to_string(class_names.size()) + " names for " +
                                 std::to_string(o.num_classes()) + " classes");
  return o;
}

// Options of a state dict without galaxyzoo.json (the original's), from the head's shapes.
VGG16ClassifierOptions options_from(const std::map<std::string, torch::Tensor>& tensors,
                                    const fs::path& file) {
  auto shape = [&](const std::string& key, std::int64_t dims) {
    const auto found = tensors.find(key);
    if (found == tensors.end() || found->second.dim() != dims)
      throw file_error(file, "missing key '" + key + "' (not a VGG16 with the original's head?)");
    return found->second.sizes();
  };
  const std::int64_t in = shape("head.1.weight", 2)[1];
  const auto side =
      static_cast<std::int64_t>(std::lround(std::sqrt(static_cast<double>(in) / 512)));
  if (side < 1 || 512 * side * side != in)
    throw file_error(file, "'head.1.weight' takes " + std::to_string(in) +
                               " inputs, not 512 x (image_size / 32)^2");
  VGG16ClassifierOptions o(shape("head.9.weight", 2)[0]);
  o.image_size(static_cast<int>(32 * side))
      .hidden1(shape("head.1.weight", 2)[0])
      .hidden2(shape("head.5.weight", 2)[0]);
  return o;
}

// Checks that the head's weights in @p tensors have the shapes @p o gives them, before a
// model of those options is allocated (a damaged or forged galaxyzoo.json could ask for
// gigabytes; tensors that are in the file cannot).
void check_head(const std::map<std::string, torch::Tensor>& tensors,
                const VGG16ClassifierOptions& o, const fs::path& file) {
  const std::int64_t side = o.image_size() / 32;
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected = {
      {"head.1.weight", {o.hidden1(), 512 * side * side}},
      {"head.5.weight", {o.hidden2(), o.hidden1()}},
      {"head.9.weight", {o.num_classes(), o.hidden2()}}};
  for (const auto& [key, shape] : expected) {
    const auto found = tensors.find(key);
    if (found == tensors.end()) throw file_error(file, "missing key '" + key + "'");
    if (found->second.sizes() != c10::IntArrayRef(shape))
      throw file_error(file, "'" + key + "' has shape " + shape_of(found->second) +
                                 ", which does not fit the model's options");
  }
}

// A galaxyzoo 0.1.0 file: a sealed LibTorch archive.
LoadedClassifier load_sealed_classifier(const fs::path& file) {
  detail::SealedArchive in(file, "classifier file");
  if (in.text("format") != kFormat) throw in.bad("format", "not a galaxyzoo VGG16 classifier file");
  if (const auto version = in.integer("format_version"); version != kSealedVersion) {
    throw in.bad("format_version", std::to_string(version) + ", this library reads " +
                                       std::to_string(kSealedVersion) + " and " +
                                       std::to_string(kZipVersion));
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
    throw file_error(file, e.what());
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

}  // namespace

void load_vgg16_features(VGG16ClassifierImpl& model, const fs::path& file) {
  copy_tensors(model, read_tensors(file, nullptr, nullptr), "features.", {"classifier.", "head."},
               file);
}

void save_classifier(const VGG16Classifier& model, const std::vector<std::string>& class_names,
                     const fs::path& file) {
  const auto& o = model->options();
  if (static_cast<std::int64_t>(class_names.size()) != o.num_classes()) {
    throw Error("save_classifier: " + std::to_string(class_names.size()) +
                " class names for a model of " + std::to_string(o.num_classes()) + " classes");
  }
  const Json meta = {
      {"format", kFormat},
      {"format_version", kZipVersion},
      {"class_names", class_names},
      {"num_classes", o.num_classes()},
      {"image_size", o.image_size()},
      {"freeze_before", o.freeze_before()},
      {"hidden1", o.hidden1()},
      {"hidden2", o.hidden2()},
      {"dropout1", o.dropout1()},
      {"dropout2", o.dropout2()},
      {"input",
       {{"layout", "[batch, 3 (RGB), image_size, image_size], float32"},
        {"scale", 1.0 / 255},
        {"mean", {kImageNetMean[0], kImageNetMean[1], kImageNetMean[2]}},
        {"std", {kImageNetStd[0], kImageNetStd[1], kImageNetStd[2]}},
        {"formula", "(pixel * scale - mean) / std, per channel"}}},
      {"output", "logits [batch, num_classes]; softmax gives the class probabilities"}};
  ZipWriter zip;
  add_state_dict(zip, kFolder, state_dict_of(*model));
  zip.add(std::string(kFolder) + "/" + kMetadata, meta.dump(2) + "\n");
  remove_abandoned_temporaries(file);  // of a killed write of this file (60 MB and more)
  write_file_atomically(file, zip.finish());
}

LoadedClassifier load_classifier(const fs::path& file) {
  if (looks_sealed(first_bytes(file))) return load_sealed_classifier(file);
  Json meta;
  std::int64_t layer = -1;
  const auto tensors = read_tensors(file, &meta, &layer);
  LoadedClassifier loaded;
  VGG16ClassifierOptions o =
      meta.is_null() ? options_from(tensors, file) : options_from(meta, file, loaded.class_names);
  if (meta.is_null()) {
    loaded.class_names = galaxy_class_names(static_cast<std::size_t>(o.num_classes()));
    if (layer >= 0) o.freeze_before(layer);
  }
  if (o.image_size() > 0 && o.image_size() % 32 == 0) check_head(tensors, o, file);
  try {
    loaded.model = VGG16Classifier(o);  // checks the options
  } catch (const Error& e) {
    throw file_error(file, e.what());
  }
  copy_tensors(*loaded.model, tensors, "", {}, file);
  return loaded;
}

}  // namespace galaxyzoo
