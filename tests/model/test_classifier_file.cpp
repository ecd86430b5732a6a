#define BOOST_TEST_MODULE classifier_file
#include <boost/test/unit_test.hpp>

#include <torch/serialize.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/sealed_file.hpp>
#include <galaxyzoo/core/zip_archive.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/torch_save_file.hpp>

#include <nlohmann/json.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

namespace {

gz::VGG16ClassifierOptions small() { return gz::VGG16ClassifierOptions(5).image_size(64); }
const std::vector<std::string> kNames = {"round", "in-between", "cigar", "edge-on", "spiral"};

// Writes @p tensors as torch.save(OrderedDict) does.
void save_tensors(const Tensors& tensors, const std::filesystem::path& file) {
  gz::ZipWriter zip;
  gz::add_state_dict(zip, "sd", tensors);
  gz::testing::write_text(file, zip.finish());
}

// The model's tensors, renamed by @p rename and without those it returns "" for.
Tensors tensors_of(gz::VGG16ClassifierImpl& model,
                   const std::function<std::string(const std::string&)>& rename) {
  Tensors out;
  for (const auto& t : model.named_parameters()) {
    if (!rename(t.key()).empty()) out.emplace_back(rename(t.key()), t.value().detach().clone());
  }
  for (const auto& t : model.named_buffers()) {
    if (!rename(t.key()).empty()) out.emplace_back(rename(t.key()), t.value().detach().clone());
  }
  return out;
}

std::string same(const std::string& key) { return key; }
std::string features_only(const std::string& key) {
  return key.rfind("features.", 0) == 0 && key.find("running") == std::string::npos ? key : "";
}

template <typename F>
std::string error_of(F&& load) {
  try {
    load();
  } catch (const gz::Error& e) {
    return e.what();
  }
  return "<no error>";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The largest difference between the two models' outputs on the same images.
double difference(gz::VGG16Classifier a, gz::VGG16Classifier b) {
  torch::NoGradGuard no_grad;
  a->eval();
  b->eval();
  const auto x = torch::rand({2, 3, a->options().image_size(), a->options().image_size()});
  return (a->forward(x) - b->forward(x)).abs().max().item<double>();
}

// A trained-looking model: random batch-norm statistics, so that they must round-trip.
gz::VGG16Classifier random_model(gz::VGG16ClassifierOptions options) {
  gz::VGG16Classifier model(options);
  torch::NoGradGuard no_grad;
  for (auto& b : model->named_buffers()) {
    if (b.key().find("running") != std::string::npos) b.value().uniform_(0.5, 1.5);
  }
  return model;
}

}  // namespace

BOOST_AUTO_TEST_CASE(saved_classifier_loads_with_options_names_and_weights) {
  TempDir dir;
  torch::manual_seed(3);
  auto model = random_model(small().freeze_before(24));
  gz::save_classifier(model, kNames, dir / "model.pt");
  auto loaded = gz::load_classifier(dir / "model.pt");
  BOOST_TEST(loaded.class_names == kNames, boost::test_tools::per_element());
  BOOST_TEST(loaded.model->options().freeze_before() == 24);
  BOOST_TEST(loaded.model->options().image_size() == 64);
  BOOST_TEST(difference(model, loaded.model) == 0.0);
  BOOST_CHECK_THROW(gz::save_classifier(model, {"a", "b"}, dir / "bad.pt"), gz::Error);

  // The file is a torch.save state dict plus galaxyzoo.json, and the same bytes each time.
  const gz::ZipReader zip(dir / "model.pt");
  const auto meta = nlohmann::json::parse(zip.record("archive/galaxyzoo.json"));
  BOOST_TEST(meta["image_size"] == 64);
  BOOST_TEST(meta["input"]["mean"][0] == 0.485f);
  const auto dict = gz::read_torch_save(zip).toGenericDict();
  BOOST_TEST(dict.contains("features.0.weight"));
  BOOST_TEST(dict.contains("head.2.running_var"));
  BOOST_TEST(dict.contains("head.6.num_batches_tracked"));
  gz::save_classifier(model, kNames, dir / "again.pt");
  BOOST_TEST(gz::testing::read_text(dir / "again.pt") == gz::testing::read_text(dir / "model.pt"));
}

// Damage is found by the records' CRC-32 and the directory checks, before parsing.
BOOST_AUTO_TEST_CASE(damaged_files_are_found) {
  TempDir dir;
  gz::save_classifier(random_model(small()), kNames, dir / "model.pt");
  const std::string bytes = gz::testing::read_text(dir / "model.pt");
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{3}, std::size_t{1000}, bytes.size() / 2, bytes.size() - 1}) {
    gz::testing::write_text(dir / "cut.pt", bytes.substr(0, size));
    BOOST_CHECK_THROW(gz::load_classifier(dir / "cut.pt"), gz::CorruptFileError);
  }
  for (const std::size_t at : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 30}) {
    std::string flipped = bytes;
    flipped[at] ^= 1;
    gz::testing::write_text(dir / "flipped.pt", flipped);
    BOOST_CHECK_THROW(gz::load_classifier(dir / "flipped.pt"), gz::CorruptFileError);
  }
  gz::testing::write_text(dir / "text.pt", "definitely not a model");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "text.pt"); }),
                 "neither a galaxyzoo model file nor a torch.save file"));
  BOOST_CHECK_THROW(gz::load_classifier(dir / "absent.pt"), gz::IoError);
}

// galaxyzoo 0.1.0's files (a sealed LibTorch archive) still load.
BOOST_AUTO_TEST_CASE(sealed_files_of_0_1_0_load) {
  TempDir dir;
  torch::manual_seed(4);
  auto model = random_model(small());
  torch::serialize::OutputArchive archive, weights;
  archive.write("format", c10::IValue(std::string("galaxyzoo.vgg16_classifier")));
  archive.write("format_version", c10::IValue(std::int64_t{1}));
  for (const char* key : {"num_classes", "image_size", "freeze_before", "hidden1", "hidden2"}) {
    const std::map<std::string, std::int64_t> values = {{"num_classes", 5},
                                                        {"image_size", 64},
                                                        {"freeze_before", 21},
                                                        {"hidden1", 512},
                                                        {"hidden2", 64}};
    archive.write(key, c10::IValue(values.at(key)));
  }
  archive.write("dropout1", c10::IValue(0.5));
  archive.write("dropout2", c10::IValue(0.3));
  archive.write("class_names", c10::IValue(c10::List<std::string>(kNames)));
  model->save(weights);
  archive.write("model", weights);
  std::ostringstream payload;
  archive.save_to(payload);
  gz::write_sealed_file(dir / "old.pt", payload.str());
  const auto loaded = gz::load_classifier(dir / "old.pt");
  BOOST_TEST(loaded.class_names == kNames, boost::test_tools::per_element());
  BOOST_TEST(difference(model, loaded.model) == 0.0);
  std::string flipped = gz::testing::read_text(dir / "old.pt");
  flipped[flipped.size() / 2] ^= 1;
  gz::testing::write_text(dir / "old_flipped.pt", flipped);
  BOOST_CHECK_THROW(gz::load_classifier(dir / "old_flipped.pt"), gz::CorruptFileError);
  gz::write_sealed_file(dir / "sealed_other.pt", "not an archive");
  BOOST_CHECK_THROW(gz::load_classifier(dir / "sealed_other.pt"), gz::CorruptFileError);
}

// The original's torch.save(model.state_dict()) (body.N names) and its checkpoints.
BOOST_AUTO_TEST_CASE(the_originals_state_dicts_and_checkpoints_load) {
  TempDir dir;
  torch::manual_seed(5);
  auto model = random_model(small().image_size(32).hidden1(16).hidden2(8).num_classes(3));
  const auto body = [](const std::string& key) {
    return key.rfind("features.", 0) == 0 ? "module.body." + key.substr(9) : key;
  };
  save_tensors(tensors_of(*model, body), dir / "original.pth");
  const auto loaded = gz::load_classifier(dir / "original.pth");
  BOOST_TEST(loaded.model->options().image_size() == 32);
  BOOST_TEST(loaded.model->options().hidden1() == 16);
  BOOST_TEST(loaded.model->options().hidden2() == 8);
  BOOST_TEST(loaded.class_names.size() == 3u);
  BOOST_TEST(difference(model, loaded.model) == 0.0);

  // A checkpoint: {'epoch', 'layer', 'model_state_dict', 'optimizer_state_dict'}.
  c10::impl::GenericDict state(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [k, t] : tensors_of(*model, same)) state.insert(k, t);
  c10::impl::GenericDict checkpoint(c10::StringType::get(), c10::AnyType::get());
  checkpoint.insert("epoch", c10::IValue(std::int64_t{7}));
  checkpoint.insert("layer", c10::IValue(std::string("24")));
  checkpoint.insert("model_state_dict", state);
  checkpoint.insert("optimizer_state_dict",
                    c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get()));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(checkpoint));
  gz::testing::write_text(dir / "checkpoint.pth", std::string(bytes.begin(), bytes.end()));
  const auto from_checkpoint = gz::load_classifier(dir / "checkpoint.pth");
  BOOST_TEST(from_checkpoint.model->options().freeze_before() == 24);
  BOOST_TEST(difference(model, from_checkpoint.model) == 0.0);
}

BOOST_AUTO_TEST_CASE(wrong_tensors_are_named) {
  TempDir dir;
  auto model = random_model(small());
  auto tensors = tensors_of(*model, same);
  tensors.erase(tensors.begin() + 3);  // features.2.bias
  save_tensors(tensors, dir / "missing.pth");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "missing.pth"); }),
                 "missing.pth': missing key 'features.2.bias'"));
  tensors = tensors_of(*model, same);
  tensors.emplace_back("extra.weight", torch::zeros({1}));
  save_tensors(tensors, dir / "extra.pth");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "extra.pth"); }),
                 "unexpected key 'extra.weight'"));
  tensors = tensors_of(*model, same);
  tensors[0].second = torch::zeros({64, 1, 3, 3});
  save_tensors(tensors, dir / "shape.pth");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "shape.pth"); }),
                 "'features.0.weight' has shape [64, 1, 3, 3], expected [64, 3, 3, 3]"));
  save_tensors(tensors_of(*model, features_only), dir / "features.pth");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "features.pth"); }),
                 "missing key 'head.1.weight'"));
  const std::vector<char> list = torch::pickle_save(c10::IValue(std::vector<std::int64_t>{1, 2}));
  gz::testing::write_text(dir / "list.pth", std::string(list.begin(), list.end()));
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "list.pth"); }), "not a state dict"));
  gz::testing::write_text(dir / "legacy.pth",
                          "\x80\x02"
                          "legacy pickle");
  BOOST_TEST(has(error_of([&] { gz::load_classifier(dir / "legacy.pth"); }), "legacy"));
}

BOOST_AUTO_TEST_CASE(features_weights_load_by_name_and_are_checked) {
  TempDir dir;
  torch::manual_seed(2);
  gz::VGG16Classifier source(small()), target(small());
  auto tensors = tensors_of(*source, features_only);
  tensors.emplace_back("classifier.0.weight", torch::zeros({3, 3}));  // torchvision's head
  save_tensors(tensors, dir / "good.pth");
  gz::load_vgg16_features(*target, dir / "good.pth");
  BOOST_TEST(torch::equal(target->named_parameters()["features.28.weight"],
                          source->named_parameters()["features.28.weight"]));
  // A whole model file gives its features (the head is not loaded).
  gz::save_classifier(source, kNames, dir / "model.pt");
  gz::VGG16Classifier other(small());
  gz::load_vgg16_features(*other, dir / "model.pt");
  BOOST_TEST(torch::equal(other->named_parameters()["features.0.weight"],
                          source->named_parameters()["features.0.weight"]));

  tensors = tensors_of(*source, features_only);
  tensors.emplace_back("features.1.running_mean", torch::zeros({64}));
  save_tensors(tensors, dir / "bn.pth");
  BOOST_TEST(has(error_of([&] { gz::load_vgg16_features(*target, dir / "bn.pth"); }),
                 "unexpected key 'features.1.running_mean'"));
  gz::testing::write_text(dir / "garbage.pth", "definitely not a pickle");
  BOOST_CHECK_THROW(gz::load_vgg16_features(*target, dir / "garbage.pth"), gz::CorruptFileError);
  BOOST_CHECK_THROW(gz::load_vgg16_features(*target, dir / "absent.pth"), gz::IoError);
}
