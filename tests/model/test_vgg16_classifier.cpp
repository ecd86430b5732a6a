#define BOOST_TEST_MODULE vgg16_classifier
#include <boost/test/unit_test.hpp>

#include <torch/serialize.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/sealed_file.hpp>
#include <galaxyzoo/model/vgg16_classifier.hpp>

#include <fstream>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

gz::VGG16ClassifierOptions small() { return gz::VGG16ClassifierOptions(5).image_size(64); }

// Writes @p dict as Python's torch.save of a dict would (pickle inside a zip archive).
void save_dict(const c10::impl::GenericDict& dict, const std::filesystem::path& file) {
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  std::ofstream(file, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

c10::impl::GenericDict features_dict(gz::VGG16ClassifierImpl& model) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  for (const auto& p : model.features->named_parameters())
    dict.insert("features." + p.key(), p.value().detach().clone());
  return dict;
}

std::string error_of(gz::VGG16ClassifierImpl& model, const std::filesystem::path& file) {
  try {
    gz::load_vgg16_features(model, file);
  } catch (const gz::Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_CASE(logits_have_one_column_per_class) {
  torch::manual_seed(1);
  gz::VGG16Classifier model(small());
  model->eval();
  const auto logits = model->forward(torch::rand({2, 3, 64, 64}));
  BOOST_TEST(logits.sizes() == (std::vector<std::int64_t>{2, 5}), boost::test_tools::per_element());
  BOOST_CHECK_THROW(model->forward(torch::rand({2, 3, 32, 32})), c10::Error);
}

BOOST_AUTO_TEST_CASE(layers_and_names_are_torchvisions) {
  gz::VGG16Classifier model(small());
  BOOST_TEST(model->features->size() == 31u);
  BOOST_TEST(model->head->size() == 10u);
  const auto params = model->named_parameters();
  BOOST_TEST(params.contains("features.0.weight"));
  BOOST_TEST(params.contains("features.28.bias"));
  BOOST_TEST(params["features.21.weight"].sizes() == (std::vector<std::int64_t>{512, 512, 3, 3}),
             boost::test_tools::per_element());
  // The head's input follows the image size: 512 x (64 / 32)^2.
  BOOST_TEST(params["head.1.weight"].size(1) == 512 * 2 * 2);
  BOOST_TEST(gz::VGG16Classifier(gz::VGG16ClassifierOptions(5))
                 ->named_parameters()["head.1.weight"]
                 .size(1) == 512 * 8 * 8);
}

BOOST_AUTO_TEST_CASE(layers_before_freeze_before_are_frozen) {
  gz::VGG16Classifier model(small());  // freeze_before 21: conv4_3 onwards trains
  for (const auto& p : model->features->named_parameters()) {
    const int index = std::stoi(p.key().substr(0, p.key().find('.')));
    BOOST_TEST(p.value().requires_grad() == (index >= 21), p.key());
  }
  BOOST_TEST(model->body_parameters().size() == 8u);   // 4 convolutions x (weight, bias)
  BOOST_TEST(model->head_parameters().size() == 10u);  // 3 linear + 2 batch norm
  BOOST_TEST(gz::VGG16Classifier(small().freeze_before(0))->body_parameters().size() == 26u);
  BOOST_TEST(gz::VGG16Classifier(small().freeze_before(31))->body_parameters().empty());
}

BOOST_AUTO_TEST_CASE(invalid_options_are_rejected) {
  BOOST_CHECK_THROW(gz::VGG16Classifier(small().image_size(100)), gz::Error);
  BOOST_CHECK_THROW(gz::VGG16Classifier(gz::VGG16ClassifierOptions(1).image_size(64)), gz::Error);
  BOOST_CHECK_THROW(gz::VGG16Classifier(small().freeze_before(32)), gz::Error);
  BOOST_CHECK_THROW(gz::VGG16Classifier(small().hidden1(0)), gz::Error);
  BOOST_CHECK_THROW(gz::VGG16Classifier(small().dropout2(1.0)), gz::Error);
  // Sizes that could not be allocated are refused before trying (model files carry
  // these options, so a damaged one must not allocate terabytes).
  BOOST_CHECK_THROW(gz::VGG16Classifier(small().image_size(32 * 4096).hidden1(4096)), gz::Error);
}

BOOST_AUTO_TEST_CASE(features_weights_load_by_name_and_are_checked) {
  TempDir dir;
  torch::manual_seed(2);
  gz::VGG16Classifier source(small()), target(small());
  auto dict = features_dict(*source);
  dict.insert("classifier.0.weight", torch::zeros({3, 3}));  // torchvision's head: ignored
  save_dict(dict, dir / "good.pth");
  gz::load_vgg16_features(*target, dir / "good.pth");
  BOOST_TEST(torch::equal(target->named_parameters()["features.28.weight"],
                          source->named_parameters()["features.28.weight"]));

  auto missing = features_dict(*source);
  BOOST_REQUIRE(missing.erase("features.26.bias") == 1u);
  save_dict(missing, dir / "missing.pth");
  BOOST_TEST(error_of(*target, dir / "missing.pth").find("missing key 'features.26.bias'") !=
             std::string::npos);

  auto misshaped = features_dict(*source);
  misshaped.insert_or_assign("features.0.weight", torch::zeros({64, 1, 3, 3}));
  save_dict(misshaped, dir / "misshaped.pth");
  BOOST_TEST(error_of(*target, dir / "misshaped.pth")
                 .find("'features.0.weight' has shape [64, 1, 3, 3], expected [64, 3, 3, 3]") !=
             std::string::npos);

  auto batch_norm = features_dict(*source);
  batch_norm.insert("features.1.running_mean", torch::zeros({64}));
  save_dict(batch_norm, dir / "bn.pth");
  BOOST_TEST(error_of(*target, dir / "bn.pth").find("unexpected key 'features.1.running_mean'") !=
             std::string::npos);

  gz::testing::write_text(dir / "garbage.pth", "definitely not a pickle");
  BOOST_TEST(error_of(*target, dir / "garbage.pth").find("not a dict of tensors") !=
             std::string::npos);
  BOOST_CHECK_THROW(gz::load_vgg16_features(*target, dir / "absent.pth"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(saved_classifier_loads_with_options_names_and_weights) {
  TempDir dir;
  torch::manual_seed(3);
  gz::VGG16Classifier model(small().freeze_before(24));
  const std::vector<std::string> names = {"round", "in-between", "cigar", "edge-on", "spiral"};
  gz::save_classifier(model, names, dir / "model.gzm");
  auto loaded = gz::load_classifier(dir / "model.gzm");
  BOOST_TEST(loaded.class_names == names, boost::test_tools::per_element());
  BOOST_TEST(loaded.model->options().freeze_before() == 24);
  BOOST_TEST(loaded.model->options().image_size() == 64);
  model->eval();
  loaded.model->eval();
  const auto x = torch::rand({2, 3, 64, 64});
  BOOST_TEST(torch::allclose(model->forward(x), loaded.model->forward(x)));

  BOOST_CHECK_THROW(gz::save_classifier(model, {"a", "b"}, dir / "bad.gzm"), gz::Error);
  // Damage is found by the seal, before LibTorch parses anything.
  const std::string bytes = gz::testing::read_text(dir / "model.gzm");
  gz::testing::write_text(dir / "corrupt.gzm", bytes.substr(0, 1000));
  BOOST_CHECK_THROW(gz::load_classifier(dir / "corrupt.gzm"), gz::CorruptFileError);
  std::string flipped = bytes;
  flipped[flipped.size() / 3] ^= 1;
  gz::testing::write_text(dir / "flipped.gzm", flipped);
  BOOST_CHECK_THROW(gz::load_classifier(dir / "flipped.gzm"), gz::CorruptFileError);
  // A bare LibTorch archive (not sealed), and a sealed one that is not a classifier.
  torch::serialize::OutputArchive other;
  other.write("something", torch::zeros({2}));
  other.save_to((dir / "other.pt").string());
  BOOST_CHECK_THROW(gz::load_classifier(dir / "other.pt"), gz::CorruptFileError);
  gz::write_sealed_file(dir / "sealed_other.pt", gz::testing::read_text(dir / "other.pt"));
  try {
    gz::load_classifier(dir / "sealed_other.pt");
    BOOST_FAIL("no error for another archive");
  } catch (const gz::Error& e) {
    BOOST_TEST(
        std::string(e.what()).find("sealed_other.pt': classifier file: key 'format': missing") !=
        std::string::npos);
  }
}

// Run by the ctest entry vgg16_classifier.torchvision, after tests/support/export_vgg16.py
// has written its files into the folder given after "--".
BOOST_AUTO_TEST_CASE(torchvision_compatibility, *boost::unit_test::disabled()) {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(suite.argc >= 2,
                        "usage: test_vgg16_classifier --run_test=torchvision_compatibility -- DIR");
  const std::filesystem::path dir = suite.argv[suite.argc - 1];
  gz::VGG16Classifier model(small());
  gz::load_vgg16_features(*model, dir / "vgg16_features.pth");
  std::ifstream in(dir / "vgg16_reference.pt", std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  const auto reference = torch::pickle_load(bytes).toGenericDict();
  const torch::Tensor input = reference.at("input").toTensor();
  const torch::Tensor expected = reference.at("output").toTensor();
  torch::NoGradGuard no_grad;
  model->eval();
  const torch::Tensor ours = model->features->forward(input);
  BOOST_REQUIRE(ours.sizes() == expected.sizes());
  const double worst = (ours - expected).abs().max().item<double>();
  BOOST_TEST_MESSAGE("largest difference from torchvision: " << worst);
  BOOST_TEST(worst < 1e-4);
}
