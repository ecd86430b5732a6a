#define BOOST_TEST_MODULE soft_targets
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/labeling.hpp>
#include <galaxyzoo/data/soft_targets.hpp>

#include <fstream>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
namespace tt = boost::test_tools;

namespace {

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(galaxy_zoo_soft_targets_hand_computed) {
  // Columns in the Kaggle table's cumulative form: Class7.x add up to Class1.1.
  gz::VoteTable table;
  table.galaxy_ids = {1, 2, 3};
  table.columns = {"Class1.1", "Class1.2", "Class2.1", "Class4.1",
                   "Class7.1", "Class7.2", "Class7.3"};
  table.fractions.resize(3, 7);
  table.fractions << 0.8, 0.2, 0.05, 0.1, 0.6, 0.15, 0.05,  // mostly round
      0.1, 0.9, 0.2, 0.5, 0.02, 0.08, 0.0,                  // spiral and edge-on
      0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0;                    // no shares at all
  const gz::Labeler labeler(gz::galaxy_zoo_rules());
  BOOST_TEST(labeler.has_shares());
  const auto t = labeler.soft_targets(table);
  BOOST_REQUIRE(t.size() == 3u);
  // Row 1: round 0.6, in-between 0.15, cigar 0.05, edge-on 0.05, spiral 0.1; sum 0.95.
  const std::vector<double> first = {0.6 / 0.95, 0.15 / 0.95, 0.05 / 0.95, 0.05 / 0.95, 0.1 / 0.95};
  BOOST_REQUIRE(t[0].size() == 5u);
  for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(t[0][k] == first[k], tt::tolerance(1e-12));
  // Row 2: 0.02, 0.08, 0, 0.2, 0.5; sum 0.8.
  const std::vector<double> second = {0.025, 0.1, 0.0, 0.25, 0.625};
  for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(t[1][k] == second[k], tt::tolerance(1e-12));
  BOOST_TEST(t[2].empty());
}

BOOST_AUTO_TEST_CASE(rules_without_shares) {
  const gz::Labeler two({{0, "smooth", {{"Class1.1", 0.8}}}, {1, "disk", {{"Class1.2", 0.8}}}});
  BOOST_TEST(!two.has_shares());
  gz::VoteTable table;
  table.galaxy_ids = {1};
  table.columns = {"Class1.1", "Class1.2"};
  table.fractions.resize(1, 2);
  table.fractions << 0.9, 0.1;
  BOOST_CHECK_THROW(two.soft_targets(table), gz::Error);
}

BOOST_AUTO_TEST_CASE(keys_strip_folder_extension_and_proc) {
  BOOST_TEST(gz::soft_target_key("pre/train_class_0_53_proc.jpg") == "train_class_0_53");
  BOOST_TEST(gz::soft_target_key("train_class_0_53.jpg") == "train_class_0_53");
  BOOST_TEST(gz::soft_target_key("_proc.jpg") == "_proc");
}

BOOST_AUTO_TEST_CASE(write_read_and_inherit) {
  TempDir dir;
  gz::SoftTargets targets(3);
  targets.add("train_class_0_1", {0.5, 0.25, 0.25});
  targets.add("train_class_2_7", {0.0, 0.1, 0.9});
  BOOST_CHECK_THROW(targets.add("x", {0.5, 0.6, 0.0}), gz::Error);          // sums to 1.1
  BOOST_CHECK_THROW(targets.add("x", {0.5, 0.5}), gz::Error);               // 2 classes
  BOOST_CHECK_THROW(targets.add("train_class_0_1", {1, 0, 0}), gz::Error);  // another value
  const auto file = dir / "soft_targets.csv";
  gz::write_soft_targets(targets, file);
  const gz::SoftTargets back = gz::read_soft_targets(file);
  BOOST_TEST(back.size() == 2u);
  BOOST_TEST(back.source() == file);
  BOOST_TEST(back.of("pre/train_class_2_7_proc.jpg") == std::vector<double>({0.0, 0.1, 0.9}));
  try {
    back.of("pre/train_class_1_3_proc.jpg");
    BOOST_FAIL("no error for an image without a target");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.file() == "pre/train_class_1_3_proc.jpg");
    BOOST_TEST(std::string(e.what()).find(file.string()) != std::string::npos);
  }
  const auto inherited = gz::inherited_soft_targets(back, {"pre/train_class_2_7_proc.jpg"},
                                                    {"pre/train_class_2_4000_proc.jpg"});
  BOOST_TEST(*inherited.find("train_class_2_4000") == std::vector<double>({0.0, 0.1, 0.9}));
  BOOST_CHECK_THROW(gz::inherited_soft_targets(back, {"pre/nothing.jpg"}, {"pre/out.jpg"}),
                    gz::InputError);
  const auto file2 = dir / "more.csv";
  gz::write_soft_targets(inherited, file2);
  BOOST_TEST(gz::read_soft_targets({file, file2}).size() == 3u);
}

BOOST_AUTO_TEST_CASE(bad_files_name_line_and_column) {
  TempDir dir;
  const auto file = dir / "t.csv";
  const auto fails_at = [&](const std::string& text, std::size_t line) {
    write_text(file, text);
    try {
      gz::read_soft_targets(file);
    } catch (const gz::InputError& e) {
      BOOST_TEST(e.file() == file);
      BOOST_TEST(e.line() == line);
      return;
    }
    BOOST_FAIL("no error for: " + text);
  };
  fails_at("", 1);
  fails_at("name,target_0,target_1\n", 1);
  fails_at("file,target_0\na,1\n", 1);
  fails_at("file,target_0,target_1\na,0.5\n", 2);
  fails_at("file,target_0,target_1\na,0.5,x\n", 2);
  fails_at("file,target_0,target_1\na,0.5,0.6\n", 2);
  fails_at("file,target_0,target_1\na,0.5,0.5\na,0.5,0.5\n", 3);
  write_text(file, "file,target_0,target_1\r\na,0.25,0.75\r\n");
  BOOST_TEST(gz::read_soft_targets(file).find("a")->at(1) == 0.75);
}
