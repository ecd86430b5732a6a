#define BOOST_TEST_MODULE dataset
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/dataset.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// 30 galaxies meant for each class and 30 for none, interleaved, one image missing.
struct Fixture {
  TempDir dir;
  gz::VoteTable table;
  std::vector<int> truth;  // what the rules say for each row
  Fixture() {
    std::vector<int> classes;
    for (int i = 0; i < 30; ++i) {
      for (int k = -1; k <= 4; ++k) classes.push_back(k);
    }
    table = gz::testing::make_kaggle_folder(dir.path(), classes, /*seed=*/4, /*without_image=*/{7});
    truth = gz::Labeler(gz::galaxy_zoo_rules()).label(table);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(counts_add_up, Fixture) {
  const auto dataset = gz::Dataset::load(dir.path());
  const auto& s = dataset.stats();
  BOOST_TEST(s.rows == 180u);
  std::size_t selected = 0;
  for (const auto n : s.selected) selected += n;
  BOOST_TEST(s.rows == s.unlabeled + s.missing_image + selected);
  BOOST_TEST(s.missing_image == (truth[7] >= 0 ? 1u : 0u));
  BOOST_TEST(selected == dataset.galaxies().size());
  BOOST_TEST(s.available == s.selected, boost::test_tools::per_element());
  BOOST_TEST(dataset.num_classes() == 5u);
  // Every class is represented (the simulator mostly agrees with its intended class).
  for (const auto n : s.selected) BOOST_TEST(n >= 15u);
}

BOOST_FIXTURE_TEST_CASE(galaxies_follow_the_rules_in_catalogue_order, Fixture) {
  const auto dataset = gz::Dataset::load(dir.path());
  std::vector<std::size_t> next_counter(5, 0);
  std::size_t previous_row = 0;
  for (const auto& g : dataset.galaxies()) {
    BOOST_TEST(g.label == truth[g.row]);
    BOOST_TEST(g.id == table.galaxy_ids[g.row]);
    BOOST_TEST(g.counter == next_counter[static_cast<std::size_t>(g.label)]++);
    BOOST_TEST(g.image == dir / "images_training_rev1" / (std::to_string(g.id) + ".jpg"));
    BOOST_TEST((g.row >= previous_row));
    previous_row = g.row;
    BOOST_TEST(g.row != 7u);
  }
}

BOOST_FIXTURE_TEST_CASE(caps_keep_the_first_n_of_each_class, Fixture) {
  gz::DatasetOptions options;
  options.max_per_class = {3, 2, 1, 0, 100};
  const auto dataset = gz::Dataset::load(dir.path(), options);
  const auto all = gz::Dataset::load(dir.path());
  BOOST_TEST(dataset.stats().selected[0] == 3u);
  BOOST_TEST(dataset.stats().selected[3] == 0u);
  BOOST_TEST(dataset.stats().selected[4] == all.stats().selected[4]);
  // The kept galaxies of class 0 are the first three of class 0 in the full dataset.
  std::vector<std::int64_t> capped, first;
  for (const auto& g : dataset.galaxies())
    if (g.label == 0) capped.push_back(g.id);
  for (const auto& g : all.galaxies())
    if (g.label == 0 && first.size() < 3) first.push_back(g.id);
  BOOST_TEST(capped == first, boost::test_tools::per_element());
  BOOST_TEST(dataset.class_table().find("| class 2 |      1 | class_2_0.jpg to class_2_0.jpg ") !=
             std::string::npos);
  BOOST_TEST(dataset.class_table().find("| class 3 |      0 | -") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(random_selection_is_seeded, Fixture) {
  gz::DatasetOptions options;
  options.max_per_class = {5, 5, 5, 5, 5};
  options.selection = gz::Selection::random;
  auto ids = [&](std::uint64_t seed) {
    options.seed = seed;
    std::vector<std::int64_t> out;
    for (const auto& g : gz::Dataset::load(dir.path(), options).galaxies()) out.push_back(g.id);
    return out;
  };
  const auto a = ids(1);
  BOOST_TEST(a.size() == 25u);
  BOOST_TEST(a == ids(1), boost::test_tools::per_element());
  BOOST_TEST(a != ids(2));
  options.selection = gz::Selection::first;
  BOOST_TEST(a != ids(1));
}

BOOST_FIXTURE_TEST_CASE(image_list_replaces_the_scan, Fixture) {
  gz::testing::write_text(dir / "list.txt", std::to_string(table.galaxy_ids[1]) + ".jpg\n" +
                                                std::to_string(table.galaxy_ids[2]) + ".jpg\n");
  gz::DatasetOptions options;
  options.image_list = "list.txt";
  const auto dataset = gz::Dataset::load(dir.path(), options);
  std::size_t expected = (truth[1] >= 0) + (truth[2] >= 0);
  BOOST_TEST(dataset.galaxies().size() == expected);
}

BOOST_FIXTURE_TEST_CASE(wrong_number_of_caps_is_an_error, Fixture) {
  gz::DatasetOptions options;
  options.max_per_class = {1, 2, 3};
  try {
    gz::Dataset::load(dir.path(), options);
    BOOST_FAIL("no error for three caps and five classes");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("expected one per class (5)") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(missing_image_folder_is_reported_before_reading) {
  TempDir dir;
  gz::testing::write_text(dir / "training_solutions_rev1.csv", "not even a csv");
  try {
    gz::Dataset::load(dir.path());
    BOOST_FAIL("no error for a missing image folder");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "images_training_rev1");
  }
  BOOST_CHECK_THROW(gz::Dataset::load(dir / "nowhere"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(catalogue_errors_name_the_file) {
  TempDir dir;
  std::filesystem::create_directories(dir / "images_training_rev1");
  gz::testing::write_text(dir / "training_solutions_rev1.csv", "GalaxyID,Class1.1\n1,0.5\n");
  try {
    gz::Dataset::load(dir.path());
    BOOST_FAIL("no error for a catalogue without Class7.1");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.file() == dir / "training_solutions_rev1.csv");
    BOOST_TEST(e.key() == "Class7.1");
  }
}
