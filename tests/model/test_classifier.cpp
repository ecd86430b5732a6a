#define BOOST_TEST_MODULE classifier
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/image_loader.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

gz::VGG16Classifier small_model() {
  torch::manual_seed(4);
  return gz::VGG16Classifier(gz::VGG16ClassifierOptions(3).image_size(32));
}

gz::Image patterned(int size, int seed) {
  gz::Image img(size, size, 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c)
        img.at(x, y, c) = static_cast<std::uint8_t>((x * 7 + y * 3 * (c + 1) + seed * 40) % 256);
    }
  }
  return img;
}

}  // namespace

BOOST_AUTO_TEST_CASE(probabilities_sum_to_one) {
  gz::GalaxyClassifier classifier(small_model(), {"a", "b", "c"});
  const auto p =
      classifier.classify({patterned(32, 0), patterned(48, 1)});  // the second is resized
  BOOST_REQUIRE(p.size() == 2u);
  for (const auto& row : p) {
    BOOST_TEST(row.size() == 3u);
    BOOST_TEST(row[0] + row[1] + row[2] == 1.0f, boost::test_tools::tolerance(1e-5f));
  }
  BOOST_TEST(classifier.image_size() == 32);
  BOOST_CHECK_THROW(gz::GalaxyClassifier(small_model(), {"a", "b"}), gz::Error);
}

BOOST_AUTO_TEST_CASE(tta_is_invariant_to_flips_and_quarter_turns) {
  gz::GalaxyClassifier classifier(small_model(), {"a", "b", "c"});
  const auto x = torch::randn({1, 3, 32, 32});
  const auto p = classifier.probabilities(x, /*tta=*/true);
  const auto turned = classifier.probabilities(x.rot90(1, {2, 3}).flip({3}), /*tta=*/true);
  BOOST_TEST(torch::allclose(p, turned, 1e-5, 1e-6));
  // And it is the mean of the eight single predictions.
  auto mean = torch::zeros_like(p);
  for (const bool flip : {false, true}) {
    for (int k = 0; k < 4; ++k)
      mean += classifier.probabilities((flip ? x.flip({3}) : x).rot90(k, {2, 3}));
  }
  BOOST_TEST(torch::allclose(p, mean / 8, 1e-5, 1e-6));
}

BOOST_AUTO_TEST_CASE(files_give_the_same_answer_as_images_in_memory) {
  TempDir dir;
  auto model = small_model();
  gz::save_classifier(model, {"a", "b", "c"}, dir / "model.pt");
  gz::GalaxyClassifier from_file(dir / "model.pt", "cpu");
  BOOST_TEST(from_file.class_names()[2] == "c");
  std::vector<std::filesystem::path> files;
  std::vector<gz::Image> images;
  for (int i = 0; i < 5; ++i) {
    images.push_back(patterned(32, i));
    files.push_back(dir / ("g" + std::to_string(i) + ".png"));
    gz::write_png(images.back(), files.back());
  }
  gz::ClassifyOptions options;
  options.batch_size = 2;
  const auto a = from_file.classify_files(files, options);
  const auto b = from_file.classify(images);
  BOOST_REQUIRE(a.size() == 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t k = 0; k < 3; ++k)
      BOOST_TEST(a[i][k] == b[i][k], boost::test_tools::tolerance(1e-5f));
  }
  gz::testing::write_text(dir / "bad.png", "not an image");
  BOOST_CHECK_THROW(from_file.classify_files({dir / "bad.png"}), gz::IoError);
  BOOST_CHECK_THROW(gz::GalaxyClassifier(dir / "missing.pt", "cpu"), gz::IoError);
}
