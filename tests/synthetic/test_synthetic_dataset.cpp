#define BOOST_TEST_MODULE synthetic_dataset
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/dataset.hpp>
#include <galaxyzoo/synthetic/synthetic_dataset.hpp>

#include <map>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

gz::SyntheticDatasetOptions small(int per_class, int unlabeled, std::uint64_t seed = 1) {
  gz::SyntheticDatasetOptions o;
  o.per_class = per_class;
  o.unlabeled = unlabeled;
  o.seed = seed;
  o.image_size = 64;  // fast
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(plan_has_the_requested_balance_and_kaggle_ids) {
  const gz::SyntheticDataset data(small(7, 6));
  const auto& g = data.galaxies();
  BOOST_TEST(g.size() == 41u);
  std::map<int, int> per_class;
  for (const auto& x : g) ++per_class[gz::intended_class(x.kind)];
  for (int k = 0; k < 5; ++k) BOOST_TEST(per_class[k] == 7);
  BOOST_TEST(per_class[-1] == 6);
  for (std::size_t i = 0; i < g.size(); ++i) {
    BOOST_TEST(g[i].id >= 100000);
    BOOST_TEST(g[i].id <= 999999);
    if (i > 0) BOOST_TEST(g[i].id > g[i - 1].id);
  }
  // Kinds are shuffled, not in blocks.
  BOOST_TEST(!(g[0].kind == g[1].kind && g[1].kind == g[2].kind && g[2].kind == g[3].kind));
}

BOOST_AUTO_TEST_CASE(same_seed_same_data_other_seed_other_data) {
  const gz::SyntheticDataset a(small(2, 2, 5)), b(small(2, 2, 5)), c(small(2, 2, 6));
  BOOST_TEST(a.render(3).pixels == b.render(3).pixels, boost::test_tools::per_element());
  BOOST_TEST((a.votes().fractions - b.votes().fractions).cwiseAbs().maxCoeff() == 0.0);
  BOOST_TEST(a.galaxies()[0].id != c.galaxies()[0].id);
}

BOOST_AUTO_TEST_CASE(votes_agree_with_the_intended_classes_mostly) {
  const gz::SyntheticDataset data(small(40, 40, 3));
  const auto table = data.votes();
  const auto labels = gz::Labeler(gz::galaxy_zoo_rules()).label(table);
  int agree = 0;
  for (std::size_t i = 0; i < labels.size(); ++i)
    agree += labels[i] == gz::intended_class(data.galaxies()[i].kind);
  const double rate = static_cast<double>(agree) / labels.size();
  BOOST_TEST_MESSAGE("labels agreeing with the intended class: " << rate);
  BOOST_TEST(rate > 0.7);
  BOOST_TEST(rate < 1.0);  // some disagreement, as in Galaxy Zoo
}

BOOST_AUTO_TEST_CASE(writes_the_kaggle_layout_identically_on_any_thread_count) {
  TempDir dir;
  auto options = small(2, 2, 8);
  options.num_threads = 1;
  gz::SyntheticDataset(options).write(dir / "one");
  options.num_threads = 3;
  gz::SyntheticDataset(options).write(dir / "three");
  const gz::SyntheticDataset data(options);
  BOOST_TEST(fs::exists(dir / "one" / "training_solutions_rev1.csv"));
  BOOST_TEST(fs::exists(dir / "one" / "synthetic_truth.csv"));
  for (const auto& g : data.galaxies()) {
    const std::string name = std::to_string(g.id) + ".jpg";
    BOOST_REQUIRE(fs::exists(dir / "one" / "images_training_rev1" / name));
    BOOST_TEST(gz::testing::read_text(dir / "one" / "images_training_rev1" / name) ==
               gz::testing::read_text(dir / "three" / "images_training_rev1" / name));
  }
  // The Dataset reads it as Kaggle data.
  const auto dataset = gz::Dataset::load(dir / "one");
  BOOST_TEST(dataset.stats().rows == 12u);
  BOOST_TEST(dataset.stats().missing_image == 0u);
  const auto img = gz::read_image(dir / "one" / "images_training_rev1" /
                                  (std::to_string(data.galaxies()[0].id) + ".jpg"));
  BOOST_TEST(img.width == 64);
  BOOST_TEST(img.bands == 3);
}

BOOST_AUTO_TEST_CASE(existing_folder_is_refused_and_bad_options_rejected) {
  TempDir dir;
  gz::testing::write_text(dir / "data" / "keep.txt", "x");
  BOOST_CHECK_THROW(gz::SyntheticDataset(small(1, 0)).write(dir / "data"), gz::IoError);
  BOOST_TEST(fs::exists(dir / "data" / "keep.txt"));
  BOOST_CHECK_THROW(gz::SyntheticDataset(small(0, 0)), gz::Error);
  BOOST_CHECK_THROW(gz::SyntheticDataset(small(-1, 3)), gz::Error);
  auto bad = small(1, 1);
  bad.jpeg_quality = 0;
  BOOST_CHECK_THROW(gz::SyntheticDataset{bad}, gz::Error);
}

BOOST_AUTO_TEST_CASE(contact_sheet_has_one_row_per_kind) {
  const gz::SyntheticDataset data(small(1, 3));
  const auto sheet = data.contact_sheet(2, 16);
  BOOST_TEST(sheet.width == 32);
  BOOST_TEST(sheet.height == 16 * gz::kNumGalaxyKinds);
}
