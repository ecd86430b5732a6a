#define BOOST_TEST_MODULE labeling
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/labeling.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::one_row_table;

namespace {

int label_of(const std::vector<std::pair<std::string, double>>& values) {
  return gz::Labeler(gz::galaxy_zoo_rules()).label(one_row_table(values))[0];
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_rules_are_the_originals) {
  const auto rules = gz::galaxy_zoo_rules();
  BOOST_TEST(rules.size() == 5u);
  BOOST_TEST(rules[4].all_of.size() == 3u);
  BOOST_TEST(rules[4].all_of[2].column == "Class4.1");
  BOOST_TEST(rules[4].all_of[2].minimum == 0.619);
  const gz::Labeler labeler(rules);
  BOOST_TEST(labeler.num_classes() == 5u);
  BOOST_TEST(labeler.class_names()[2] == "cigar-shaped smooth");
}

BOOST_AUTO_TEST_CASE(each_class_by_its_rule) {
  BOOST_TEST(label_of({{"Class1.1", 0.469}, {"Class7.1", 0.5}}) == 0);  // thresholds inclusive
  BOOST_TEST(label_of({{"Class1.1", 0.9}, {"Class7.2", 0.6}}) == 1);
  BOOST_TEST(label_of({{"Class1.1", 0.9}, {"Class7.3", 0.7}}) == 2);
  BOOST_TEST(label_of({{"Class1.2", 0.43}, {"Class2.1", 0.602}}) == 3);
  BOOST_TEST(label_of({{"Class1.2", 0.9}, {"Class2.2", 0.715}, {"Class4.1", 0.619}}) == 4);
}

BOOST_AUTO_TEST_CASE(just_below_a_threshold_is_unlabeled) {
  BOOST_TEST(label_of({{"Class1.1", 0.4689}, {"Class7.1", 0.9}}) == -1);
  BOOST_TEST(label_of({{"Class1.2", 0.9}, {"Class2.2", 0.9}, {"Class4.1", 0.6189}}) == -1);
  BOOST_TEST(label_of({}) == -1);
}

BOOST_AUTO_TEST_CASE(first_rule_that_holds_wins) {
  // Satisfies class 0 and class 3: class 0 comes first in the rule order.
  const std::vector<std::pair<std::string, double>> both = {
      {"Class1.1", 0.5}, {"Class7.1", 0.5}, {"Class1.2", 0.5}, {"Class2.1", 0.7}};
  BOOST_TEST(label_of(both) == 0);
  // With the rule order reversed, the edge-on rule is tried first.
  auto rules = gz::galaxy_zoo_rules();
  std::reverse(rules.begin(), rules.end());
  BOOST_TEST(gz::Labeler(rules).label(one_row_table(both))[0] == 3);
}

BOOST_AUTO_TEST_CASE(user_defined_classes) {
  const gz::Labeler two({{0, "smooth", {{"Class1.1", 0.8}}}, {1, "disk", {{"Class1.2", 0.8}}}});
  BOOST_TEST(two.num_classes() == 2u);
  BOOST_TEST(two.label(one_row_table({{"Class1.2", 0.85}}))[0] == 1);
}

BOOST_AUTO_TEST_CASE(rule_naming_a_missing_column_is_reported) {
  gz::VoteTable table;
  table.galaxy_ids = {1};
  table.columns = {"Class1.1"};
  table.fractions = gz::VoteTable::Matrix::Constant(1, 1, 0.9);
  table.source = "votes.csv";
  try {
    gz::Labeler(gz::galaxy_zoo_rules()).label(table);
    BOOST_FAIL("no error for a missing column");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "Class7.1");
    BOOST_TEST(std::string(e.what()).find("votes.csv") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(invalid_rule_sets_are_rejected) {
  BOOST_CHECK_THROW(gz::Labeler({}), gz::Error);
  BOOST_CHECK_THROW(gz::Labeler({{-1, "x", {}}}), gz::Error);
  BOOST_CHECK_THROW(gz::Labeler({{0, "a", {}}, {2, "c", {}}}), gz::Error);  // gap at 1
  BOOST_CHECK_THROW(gz::Labeler({{0, "a", {}}, {0, "b", {}}}), gz::Error);  // one label, two names
  BOOST_CHECK_NO_THROW(gz::Labeler({{0, "a", {{"Class1.1", 0.5}}}, {0, "a", {{"Class1.2", 0.5}}}}));
}
