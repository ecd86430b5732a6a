#define BOOST_TEST_MODULE splitter
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/splitter.hpp>

#include <set>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

const std::vector<std::string> kNames = {"c0", "c1", "c2", "c3", "c4"};

// The original's full-data class sizes: 8436 / 8069 / 579 / 3903 / 7806.
std::vector<gz::Galaxy> full_size_galaxies() {
  const std::size_t sizes[] = {8436, 8069, 579, 3903, 7806};
  std::vector<gz::Galaxy> out;
  for (int k = 0; k < 5; ++k) {
    for (std::size_t i = 0; i < sizes[k]; ++i) {
      gz::Galaxy g;
      g.id = static_cast<std::int64_t>(out.size()) + 100000;
      g.label = k;
      g.counter = i;
      g.row = out.size();
      out.push_back(g);
    }
  }
  return out;
}

std::vector<std::string> names(const gz::SplitPlan& plan) {
  std::vector<std::string> out;
  for (const auto& e : plan.entries) out.push_back(e.file_name);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cuts_at_80_and_90_percent_like_the_original) {
  const auto plan = gz::Splitter().split(full_size_galaxies(), kNames);
  std::array<std::size_t, 3> totals{0, 0, 0};
  for (const auto& c : plan.counts()) {
    for (int s = 0; s < 3; ++s) totals[s] += c[s];
  }
  BOOST_TEST(totals[0] == 23034u);
  BOOST_TEST(totals[1] == 2879u);
  BOOST_TEST(totals[2] == 2880u);
  BOOST_TEST(plan.table().find("| TOTAL   | 23034 | 2879 | 2880 |") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_keep_label_and_per_class_counter) {
  const auto plan = gz::Splitter().split(full_size_galaxies(), kNames);
  std::set<std::string> unique;
  for (const auto& e : plan.entries) {
    const std::string expected = std::string(gz::to_string(e.split)) + "_class_" +
                                 std::to_string(e.galaxy.label) + "_" +
                                 std::to_string(e.galaxy.counter) + ".jpg";
    BOOST_REQUIRE(e.file_name == expected);
    unique.insert(e.file_name);
  }
  BOOST_TEST(unique.size() == plan.entries.size());
}

BOOST_AUTO_TEST_CASE(same_seed_same_split_other_seed_other_split) {
  const auto galaxies = full_size_galaxies();
  gz::SplitOptions options;
  options.seed = 10;
  const auto a = names(gz::Splitter(options).split(galaxies, kNames));
  BOOST_TEST(a == names(gz::Splitter(options).split(galaxies, kNames)),
             boost::test_tools::per_element());
  options.seed = 11;
  BOOST_TEST(a != names(gz::Splitter(options).split(galaxies, kNames)));
}

BOOST_AUTO_TEST_CASE(split_is_identical_on_every_platform) {
  // Ten galaxies of one class, seed 10: this exact assignment must never change
  // (it depends only on galaxyzoo::Rng, not on the standard library).
  std::vector<gz::Galaxy> galaxies(10);
  for (std::size_t i = 0; i < 10; ++i) {
    galaxies[i].id = static_cast<std::int64_t>(i);
    galaxies[i].label = 0;
    galaxies[i].counter = i;
  }
  const auto plan = gz::Splitter().split(galaxies, {"only"});
  std::vector<std::size_t> order;
  for (const auto& e : plan.entries) order.push_back(e.galaxy.counter);
  const std::vector<std::size_t> expected = {4, 6, 0, 3, 7, 9, 5, 2, 8, 1};
  BOOST_TEST(order == expected, boost::test_tools::per_element());
  BOOST_TEST(plan.entries[7].split == gz::Split::train);
  BOOST_TEST(plan.entries[8].split == gz::Split::val);
  BOOST_TEST(plan.entries[9].split == gz::Split::test);
}

BOOST_AUTO_TEST_CASE(stratified_split_cuts_each_class) {
  gz::SplitOptions options;
  options.stratified = true;
  const auto plan = gz::Splitter(options).split(full_size_galaxies(), kNames);
  const auto counts = plan.counts();
  // Class 2: 579 galaxies -> floor(463.2) = 463 train, floor(521.1) - 463 = 58 val, 58 test.
  BOOST_TEST(counts[2][0] == 463u);
  BOOST_TEST(counts[2][1] == 58u);
  BOOST_TEST(counts[2][2] == 58u);
  BOOST_TEST(counts[0][0] == 6748u);  // floor(0.8 * 8436)
  // Entries are ordered train, val, test.
  bool ordered = true;
  for (std::size_t i = 1; i < plan.entries.size(); ++i) {
    ordered = ordered && plan.entries[i - 1].split <= plan.entries[i].split;
  }
  BOOST_TEST(ordered);
}

BOOST_AUTO_TEST_CASE(bad_fractions_and_labels_are_rejected) {
  gz::SplitOptions options;
  options.train_fraction = 0.95;
  options.val_fraction = 0.1;
  BOOST_CHECK_THROW(gz::Splitter{options}, gz::Error);
  options.train_fraction = -0.1;
  BOOST_CHECK_THROW(gz::Splitter{options}, gz::Error);
  std::vector<gz::Galaxy> galaxies(1);
  galaxies[0].label = 5;
  BOOST_CHECK_THROW(gz::Splitter().split(galaxies, kNames), gz::Error);
}

BOOST_AUTO_TEST_CASE(manifest_lists_every_entry) {
  std::vector<gz::Galaxy> galaxies(2);
  galaxies[0] = {100008, 3, 0, 0, "imgs/100008.jpg"};
  galaxies[1] = {100023, 3, 1, 1, "imgs/100023.jpg"};
  gz::SplitOptions options;
  options.train_fraction = 1.0;
  options.val_fraction = 0.0;
  const auto plan = gz::Splitter(options).split(galaxies, kNames);
  const std::string csv = plan.manifest_csv();
  BOOST_TEST(csv.rfind("GalaxyID,original_file,file,split,label\n", 0) == 0u);
  BOOST_TEST(csv.find("100008,imgs/100008.jpg,train_class_3_0.jpg,train,3\n") != std::string::npos);
  BOOST_TEST(csv.find("100023,imgs/100023.jpg,train_class_3_1.jpg,train,3\n") != std::string::npos);
}

namespace {

struct Folder {
  TempDir dir;
  gz::SplitPlan plan;
  Folder() {
    std::vector<int> classes;
    for (int i = 0; i < 6; ++i) {
      for (int k = 0; k <= 4; ++k) classes.push_back(k);
    }
    gz::testing::make_kaggle_folder(dir / "kaggle", classes, /*seed=*/2);
    plan = gz::Splitter().split(gz::Dataset::load(dir / "kaggle"));
  }
  std::size_t files_in(const fs::path& p) const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(p), fs::directory_iterator()));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(write_split_places_images_and_manifest, Folder) {
  gz::write_split(plan, dir / "out");
  BOOST_TEST(files_in(dir / "out") == plan.entries.size() + 2);  // + manifest, soft targets
  for (const auto& e : plan.entries) {
    BOOST_REQUIRE(fs::exists(dir / "out" / e.file_name));
    BOOST_TEST(fs::file_size(dir / "out" / e.file_name) == fs::file_size(e.galaxy.image));
  }
  BOOST_TEST(gz::testing::read_text(dir / "out" / "manifest.csv") == plan.manifest_csv());
  // Every image's vote distribution, keyed by its name without extension.
  const gz::SoftTargets targets = gz::read_soft_targets(dir / "out" / gz::kSoftTargetsFile);
  BOOST_TEST(targets.size() == plan.entries.size());
  for (const auto& e : plan.entries) {
    BOOST_REQUIRE(e.galaxy.target.size() == plan.class_names.size());
    BOOST_TEST(targets.of(dir / "out" / e.file_name) == e.galaxy.target,
               boost::test_tools::per_element());
  }
  // Hard links share the inode with the source.
  BOOST_TEST(fs::hard_link_count(plan.entries[0].galaxy.image) == 2u);
}

BOOST_FIXTURE_TEST_CASE(copy_placement_makes_independent_files, Folder) {
  gz::WriteSplitOptions options;
  options.placement = gz::Placement::copy;
  gz::write_split(plan, dir / "out", options);
  BOOST_TEST(fs::hard_link_count(dir / "out" / plan.entries[0].file_name) == 1u);
}

BOOST_FIXTURE_TEST_CASE(existing_output_is_kept_unless_replacing, Folder) {
  gz::testing::write_text(dir / "out" / "precious.txt", "keep me");
  BOOST_CHECK_THROW(gz::write_split(plan, dir / "out"), gz::IoError);
  BOOST_TEST(files_in(dir / "out") == 1u);
  BOOST_TEST(files_in(dir.path()) == 2u);  // kaggle/ and out/: no staging folder left

  gz::WriteSplitOptions options;
  options.replace_existing = true;
  gz::write_split(plan, dir / "out", options);
  BOOST_TEST(!fs::exists(dir / "out" / "precious.txt"));
  BOOST_TEST(files_in(dir / "out") == plan.entries.size() + 2);
  BOOST_TEST(files_in(dir.path()) == 2u);
}

BOOST_FIXTURE_TEST_CASE(missing_source_image_fails_before_writing, Folder) {
  fs::remove(plan.entries[3].galaxy.image);
  try {
    gz::write_split(plan, dir / "out");
    BOOST_FAIL("no error for a missing source image");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == plan.entries[3].galaxy.image);
  }
  BOOST_TEST(!fs::exists(dir / "out"));
  BOOST_TEST(files_in(dir.path()) == 1u);
}

BOOST_FIXTURE_TEST_CASE(unwritable_output_fails_cleanly, Folder) {
  // A regular file where the output's parent folder should be: no permissions trick
  // needed, so this also fails when the tests run as root.
  gz::testing::write_text(dir / "blocker", "x");
  try {
    gz::write_split(plan, dir / "blocker" / "out");
    BOOST_FAIL("no error for an output under a file");
  } catch (const gz::IoError& e) {
    BOOST_TEST(std::string(e.what()).find("blocker") != std::string::npos);
  }
  BOOST_TEST(gz::testing::read_text(dir / "blocker") == "x");
}

// The numpy shuffle: the classes' galaxies concatenated in class order, permuted as numpy's
// RandomState(seed).permutation does (pandas' sample(frac=1)), then cut.
BOOST_AUTO_TEST_CASE(numpy_shuffle_is_the_original_s_order) {
  std::vector<gz::Galaxy> galaxies;
  for (int i = 0; i < 10; ++i) {
    gz::Galaxy g;
    g.id = 100 + i;
    g.label = i % 2;  // catalogue order mixes the classes
    g.counter = static_cast<std::size_t>(i / 2);
    g.image = "img.jpg";
    galaxies.push_back(g);
  }
  gz::SplitOptions options;
  options.rng = gz::SplitRng::numpy;
  const auto plan = gz::Splitter(options).split(galaxies, {"a", "b"});
  // Concatenated: ids 100 102 104 106 108 (class 0), 101 103 105 107 109 (class 1);
  // RandomState(10).permutation(10) = 8 2 5 6 3 1 0 7 4 9.
  const std::vector<std::int64_t> expected{107, 104, 101, 103, 106, 102, 100, 105, 108, 109};
  BOOST_REQUIRE(plan.entries.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    BOOST_TEST(plan.entries[i].galaxy.id == expected[i]);
  BOOST_TEST(plan.entries[7].file_name == "train_class_1_2.jpg");
  BOOST_TEST(plan.entries[8].file_name == "val_class_0_4.jpg");
  BOOST_TEST(plan.entries[9].file_name == "test_class_1_4.jpg");
  options.stratified = true;
  BOOST_CHECK_THROW(gz::Splitter{options}, gz::Error);
  options.stratified = false;
  options.seed = 1ULL << 32;
  BOOST_CHECK_THROW(gz::Splitter(options).split(galaxies, {"a", "b"}), gz::Error);
  BOOST_TEST((gz::parse_split_rng("numpy") == gz::SplitRng::numpy));
  BOOST_TEST(gz::to_string(gz::SplitRng::numpy) == "numpy");
  BOOST_CHECK_THROW(gz::parse_split_rng("pandas"), gz::Error);
}
