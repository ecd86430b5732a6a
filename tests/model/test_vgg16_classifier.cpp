#define BOOST_TEST_MODULE vgg16_classifier
#include <boost/test/unit_test.hpp>

#include <torch/serialize.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/vgg16_classifier.hpp>

#include <fstream>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;

namespace {

gz::VGG16ClassifierOptions small() { return gz::VGG16ClassifierOptions(5).image_size(64); }

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
