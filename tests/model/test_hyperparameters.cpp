#define BOOST_TEST_MODULE hyperparameters
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/hyperparameters.hpp>

#include <filesystem>
#include <string>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// Reading a file of @p content fails with an InputError naming the file, @p line and
// @p key, whose message holds @p words.
void expect_input_error(const std::string& content, std::size_t line, const std::string& key,
                        const std::string& words) {
  TempDir dir;
  const auto file = dir / "params.txt";
  gz::testing::write_text(file, content);
  try {
    gz::read_hyperparameters(file);
    BOOST_ERROR("no error for " + content);
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.file() == file, content);
    BOOST_TEST(e.line() == line, content);
    BOOST_TEST(e.key() == key, content);
    BOOST_TEST(std::string(e.what()).find(words) != std::string::npos, e.what());
  }
}

// @p hp holds @p layer, @p lr_body and @p lr_head.
void expect_values(const gz::HyperParameters& hp, std::int64_t layer, double lr_body,
                   double lr_head) {
  BOOST_TEST(hp.layer == layer);
  BOOST_TEST(hp.lr_body == lr_body);
  BOOST_TEST(hp.lr_head == lr_head);
}

gz::HyperParameters read(const std::string& content) {
  TempDir dir;
  gz::testing::write_text(dir / "params.txt", content);
  return gz::read_hyperparameters(dir / "params.txt");
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_the_originals) {
  const gz::HyperParameters hp;
  expect_values(hp, 21, 1e-7, 1e-4);
}

BOOST_AUTO_TEST_CASE(the_searchs_text_and_json_files) {
  const auto a = read(
      "# Best trial of study 's'\ntrial: 3\nvalue: 0.71\n\nlayer: 24\nlr_body = 1e-08\nlr_head: "
      "0.0001\n");
  expect_values(a, 24, 1e-8, 1e-4);
  const auto b = read(
      "{\"study\": \"s\", \"number\": 0, \"value\": 0.5, \"params\": {\"lr_head\": 1e-5, "
      "\"layer\": \"21\", \"lr_body\": 3e-5},\n \"intermediate_values\": {\"1\": null}}");
  expect_values(b, 21, 3e-5, 1e-5);
  const auto c = read("  {\"layer\": 26, \"lr_body\": \"1e-6\", \"lr_head\": 0.001}");
  expect_values(c, 26, 1e-6, 1e-3);
}

BOOST_AUTO_TEST_CASE(the_originals_python_dict) {
  // What the original's vgg16_hpo.py writes: str() of a dict (its layer choice is "21").
  const auto hp = read(
      "{'trial_id': 3, 'value': 0.7123, 'params': {'lr_body': 1.2e-05, 'lr_head': 0.0003, "
      "'layer': '21'}}");
  expect_values(hp, 21, 1.2e-5, 3e-4);
  BOOST_TEST(read("{'params': {'layer': 0, 'lr_body': 1e-07, 'lr_head': 1e-06,},}").layer == 0);
  expect_input_error("{'trial_id': 3,\n 'params': {'lr_body': 1e-07, 'layre': 21}}", 2, "layre",
                     "unknown hyper-parameter");
  expect_input_error("{'params': {'lr_body': nan, 'lr_head': 1e-4, 'layer': 21}}", 1, "lr_body",
                     "finite");
  expect_input_error("{'params': [1, 2]}", 1, "params", "expected an object");
  expect_input_error("{'params': {'lr_body': 'fast'", 1, "", "expected ',' or '}'");
  expect_input_error("{'params': {'lr_body': 'fast}}", 1, "", "unterminated");
  expect_input_error("{'layer': 21} trailing", 1, "", "after the end");
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{'params': ";
  expect_input_error(deep, 1, "", "nested deeper");
}

BOOST_AUTO_TEST_CASE(unknown_missing_and_repeated_keys) {
  expect_input_error("layre: 10\nlr_body: 1e-7\nlr_head: 1e-4\n", 1, "layre",
                     "unknown hyper-parameter, expected layer, lr_body and lr_head");
  expect_input_error("layer: 21\nlr_body: 1e-7\n", 0, "lr_head", "missing");
  expect_input_error("{\"params\": {\"layer\": 21, \"lr_head\": 1e-4}}", 0, "lr_body", "missing");
  expect_input_error("layer: 21\nlr_body: 1e-7\nlayer: 22\nlr_head: 1e-4\n", 3, "layer",
                     "repeats line 1");
  expect_input_error("{\"layer\": 21, \"lr_body\": 1e-7, \"lr_head\": 1e-4, \"momentum\": 0.9}", 1,
                     "momentum", "unknown");
}

BOOST_AUTO_TEST_CASE(values_must_parse_whole_and_be_finite) {
  const std::string rest = "\nlr_body: 1e-7\nlayer: 21\n";
  expect_input_error("lr_head: 1e-3xyz" + rest, 1, "lr_head", "expected a number, got '1e-3xyz'");
  expect_input_error("lr_head: fast" + rest, 1, "lr_head", "expected a number");
  expect_input_error("lr_head:" + rest, 1, "lr_head", "expected a number");
  expect_input_error("lr_head: nan" + rest, 1, "lr_head", "finite");
  expect_input_error("lr_head: inf" + rest, 1, "lr_head", "finite");
  expect_input_error("lr_head: 1e999" + rest, 1, "lr_head", "finite");
  expect_input_error("lr_head: -1e-4" + rest, 1, "lr_head", "above 0");
  expect_input_error("lr_head: 1e-4\nlr_body: 1e-7\nlayer: 21.5\n", 3, "layer", "integer");
  expect_input_error("lr_head: 1e-4\nlr_body: 1e-7\nlayer: 32\n", 3, "layer", "[0, 31]");
  expect_input_error("{\"lr_head\": [1], \"lr_body\": 1e-7, \"layer\": 21}", 1, "lr_head",
                     "expected a number");
}

BOOST_AUTO_TEST_CASE(empty_and_garbage_files) {
  expect_input_error("", 0, "", "empty file");
  expect_input_error(" \n\t\n", 0, "", "empty file");
  expect_input_error("{}", 0, "layer", "missing");
  expect_input_error("hello world\n", 1, "", "expected 'key: value'");
  expect_input_error(std::string("\x01\xff\x00garbage", 10), 1, "", "expected 'key: value'");
  expect_input_error("[1, 2]", 1, "", "expected an object");
  TempDir dir;
  BOOST_CHECK_THROW(gz::read_hyperparameters(dir / "none.txt"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(set_hyperparameter_is_the_one_check) {
  gz::HyperParameters hp;
  gz::set_hyperparameter(hp, "layer", 0);
  gz::set_hyperparameter(hp, "lr_body", 2e-5);
  BOOST_TEST(hp.layer == 0);
  BOOST_TEST(hp.lr_body == 2e-5);
  BOOST_CHECK_THROW(gz::set_hyperparameter(hp, "momentum", 0.9), gz::Error);
  BOOST_CHECK_THROW(gz::set_hyperparameter(hp, "layer", -1), gz::Error);
  BOOST_CHECK_THROW(gz::set_hyperparameter(hp, "lr_head", 0), gz::Error);
  BOOST_CHECK_THROW(gz::set_hyperparameter(hp, "lr_head", std::nan("")), gz::Error);
  BOOST_TEST(gz::is_hyperparameter("lr_head"));
  BOOST_TEST(!gz::is_hyperparameter("layre"));
  BOOST_TEST(gz::hyperparameter_names().size() == 3u);
}
