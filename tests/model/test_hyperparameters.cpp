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

// Reading @p file fails with an InputError naming @p line and @p key.
void expect_input_error(const std::filesystem::path& file, std::size_t line,
                        const std::string& key) {
  try {
    gz::read_hyperparameters(file);
    BOOST_ERROR("no error for " + file.filename().string());
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.line() == line);
    BOOST_TEST(e.key() == key);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_the_originals) {
  const gz::HyperParameters hp;
  BOOST_TEST(hp.layer == 21);
  BOOST_TEST(hp.lr_body == 1e-7);
  BOOST_TEST(hp.lr_head == 1e-4);
}

BOOST_AUTO_TEST_CASE(hyperparameters_from_text_and_json) {
  TempDir dir;
  gz::testing::write_text(dir / "best.txt",
                          "trial: 3\nvalue: 0.71\nlayer: 24\nlr_body = 1e-08\nlr_head: 0.0001\n");
  const auto a = gz::read_hyperparameters(dir / "best.txt");
  BOOST_TEST(a.layer == 24);
  BOOST_TEST(a.lr_body == 1e-8);
  BOOST_TEST(a.lr_head == 1e-4);
  gz::testing::write_text(dir / "best.json",
                          "{\"number\": 0, \"params\": {\"lr_head\": 1e-5, \"layer\": \"21\"}}");
  const auto b = gz::read_hyperparameters(dir / "best.json");
  BOOST_TEST(b.lr_head == 1e-5);
  BOOST_TEST(b.layer == 21);
  BOOST_TEST(b.lr_body == gz::HyperParameters{}.lr_body);
  gz::testing::write_text(dir / "bad.txt", "layer: 21\nlr_head: fast\n");
  expect_input_error(dir / "bad.txt", 2, "lr_head");  // not a number
  BOOST_CHECK_THROW(gz::read_hyperparameters(dir / "none.txt"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(a_flat_json_object_and_bad_values) {
  TempDir dir;
  gz::testing::write_text(dir / "flat.json", "  {\"layer\": 26, \"lr_body\": \"1e-6\"}");
  const auto hp = gz::read_hyperparameters(dir / "flat.json");
  BOOST_TEST(hp.layer == 26);
  BOOST_TEST(hp.lr_body == 1e-6);
  BOOST_TEST(hp.lr_head == gz::HyperParameters{}.lr_head);
  gz::testing::write_text(dir / "fraction.txt", "layer: 21.5\n");
  expect_input_error(dir / "fraction.txt", 1, "layer");  // not an integer
  gz::testing::write_text(dir / "list.json", "{\"lr_head\": [1]}");
  expect_input_error(dir / "list.json", 0, "lr_head");
  gz::testing::write_text(dir / "broken.json", "{\"lr_head\": ");
  BOOST_CHECK_THROW(gz::read_hyperparameters(dir / "broken.json"), gz::InputError);
}
