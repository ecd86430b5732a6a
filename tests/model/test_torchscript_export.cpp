#define BOOST_TEST_MODULE torchscript_export
#include <boost/test/unit_test.hpp>

#include <torch/script.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/image_loader.hpp>
#include <galaxyzoo/model/torchscript_export.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;

// torch::jit::load of the exported file gives classify's probabilities for the same pixels.
BOOST_AUTO_TEST_CASE(exported_module_gives_classifys_probabilities) {
  gz::testing::TempDir dir;
  torch::manual_seed(6);
  gz::VGG16Classifier model(gz::VGG16ClassifierOptions(3).image_size(32).hidden1(16).hidden2(8));
  {
    torch::NoGradGuard no_grad;
    for (auto& b : model->named_buffers()) {
      if (b.key().find("running") != std::string::npos) b.value().uniform_(0.5, 1.5);
    }
  }
  const std::vector<std::string> names = {"a", "b", "c"};
  gz::export_torchscript(model, names, dir / "model.ts.pt");
  torch::jit::Module module = torch::jit::load((dir / "model.ts.pt").string());
  BOOST_TEST(module.attr("image_size").toInt() == 32);
  BOOST_TEST(module.attr("class_names").toListRef().size() == 3u);
  BOOST_TEST(module.attr("class_names").toListRef()[2].toStringRef() == "c");

  const torch::Tensor pixels = torch::randint(0, 256, {4, 3, 32, 32}).to(torch::kFloat32) / 255;
  const torch::Tensor mean =
      torch::tensor({gz::kImageNetMean[0], gz::kImageNetMean[1], gz::kImageNetMean[2]});
  const torch::Tensor std =
      torch::tensor({gz::kImageNetStd[0], gz::kImageNetStd[1], gz::kImageNetStd[2]});
  const torch::Tensor normalised = (pixels - mean.view({3, 1, 1})) / std.view({3, 1, 1});
  gz::GalaxyClassifier classifier(model, names);
  const torch::Tensor expected = classifier.probabilities(normalised);
  torch::NoGradGuard no_grad;
  const torch::Tensor ours = module.forward({pixels}).toTensor();
  const double worst = (ours - expected).abs().max().item<double>();
  BOOST_TEST_MESSAGE("largest difference from classify: " << worst);
  BOOST_TEST(worst < 1e-5);
  const torch::Tensor logits = module.get_method("logits")({pixels}).toTensor();
  BOOST_TEST(torch::allclose(logits, model->forward(normalised), 1e-5, 1e-5));
  BOOST_CHECK_THROW(gz::export_torchscript(model, {"a"}, dir / "bad.pt"), gz::Error);
}
