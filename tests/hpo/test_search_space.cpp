#define BOOST_TEST_MODULE search_space
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/search_space.hpp>

#include "kaggle_fixture.hpp"

using galaxyzoo::Assignment;
using galaxyzoo::Error;
using galaxyzoo::InputError;
using galaxyzoo::ParameterKind;
using galaxyzoo::ParameterValue;
using galaxyzoo::SearchSpace;

namespace {

// The InputError that from_json throws for @p text (fails the test if none).
InputError input_error_of(const std::string& text) {
  try {
    SearchSpace::from_json(text, "space.json");
  } catch (const InputError& e) {
    return e;
  }
  BOOST_FAIL("expected an InputError for: " + text);
  throw;
}

SearchSpace mixed_space() {
  SearchSpace space;
  space.add_categorical("layer", {std::int64_t{21}, std::int64_t{17}})
      .add_categorical("optimiser", {std::string("adam"), std::string("sgd")})
      .add_categorical("lr_body", {1e-7, 1e-8, 1e-9})
      .add_int("batch", 8, 64, /*log=*/false, /*step=*/8)
      .add_int("width", 1, 1024, /*log=*/true)
      .add_float("lr_head", 1e-6, 1e-3, /*log=*/true)
      .add_float("dropout", 0.0, 0.5, /*log=*/false, /*step=*/0.1)
      .add_float("momentum", 0.5, 0.99);
  return space;
}

}  // namespace

BOOST_AUTO_TEST_CASE(values_print_in_their_shortest_exact_form) {
  BOOST_TEST(galaxyzoo::to_string(ParameterValue{std::int64_t{21}}) == "21");
  BOOST_TEST(galaxyzoo::to_string(ParameterValue{1e-7}) == "1e-07");
  BOOST_TEST(galaxyzoo::to_string(ParameterValue{0.1}) == "0.1");
  BOOST_TEST(galaxyzoo::to_string(ParameterValue{std::string("adam")}) == "adam");
  BOOST_TEST(galaxyzoo::to_double(ParameterValue{std::int64_t{3}}) == 3.0);
  BOOST_TEST(galaxyzoo::to_double(ParameterValue{2.5}) == 2.5);
  BOOST_CHECK_THROW(galaxyzoo::to_double(ParameterValue{std::string("adam")}), Error);
}

BOOST_AUTO_TEST_CASE(vgg16_from_scratch_trains_every_layer_with_larger_rates) {
  const auto space = SearchSpace::vgg16_from_scratch();
  BOOST_TEST_REQUIRE(space.parameters().size() == 3u);
  BOOST_TEST((space.at("layer").choices == std::vector<ParameterValue>{std::int64_t{0}}));
  for (const auto& v : space.at("lr_body").choices) BOOST_TEST(std::get<double>(v) > 1e-7);
  for (const auto& v : space.at("lr_head").choices) BOOST_TEST(std::get<double>(v) >= 1e-4);
  BOOST_TEST((space != SearchSpace::vgg16_default()));
  BOOST_TEST((SearchSpace::from_json(space.to_json()) == space));
}

BOOST_AUTO_TEST_CASE(vgg16_default_is_the_original_space) {
  const auto space = SearchSpace::vgg16_default();
  BOOST_TEST_REQUIRE(space.parameters().size() == 3u);
  BOOST_TEST(space.parameters()[0].name == "layer");
  BOOST_TEST((space.at("layer").choices == std::vector<ParameterValue>{std::int64_t{21}}));
  BOOST_TEST((space.at("lr_body").choices == std::vector<ParameterValue>{1e-7, 1e-8, 1e-9}));
  BOOST_TEST((space.at("lr_head").choices == std::vector<ParameterValue>{1e-4, 1e-5, 1e-6}));
  const Assignment ok{{"layer", std::int64_t{21}}, {"lr_body", 1e-8}, {"lr_head", 1e-4}};
  BOOST_TEST(space.contains(ok));
  Assignment wrong_value = ok;
  wrong_value["lr_head"] = 1e-3;
  BOOST_TEST(!space.contains(wrong_value));
  Assignment wrong_type = ok;
  wrong_type["layer"] = 21.0;  // a double is not the integer choice 21
  BOOST_TEST(!space.contains(wrong_type));
  Assignment missing = ok;
  missing.erase("lr_body");
  BOOST_TEST(!space.contains(missing));
  Assignment extra = ok;
  extra["other"] = std::int64_t{1};
  BOOST_TEST(!space.contains(extra));
}

BOOST_AUTO_TEST_CASE(contains_checks_ranges_steps_and_kinds) {
  const auto space = mixed_space();
  const auto& batch = space.at("batch");
  BOOST_TEST(batch.contains(std::int64_t{8}));
  BOOST_TEST(batch.contains(std::int64_t{64}));
  BOOST_TEST(!batch.contains(std::int64_t{12}));  // off the step grid
  BOOST_TEST(!batch.contains(std::int64_t{72}));
  BOOST_TEST(!batch.contains(16.0));
  const auto& dropout = space.at("dropout");
  BOOST_TEST(dropout.contains(0.0));
  BOOST_TEST(dropout.contains(0.1 + 0.1 + 0.1));  // 0.30000000000000004 is on the grid
  BOOST_TEST(!dropout.contains(0.25));
  BOOST_TEST(!dropout.contains(0.6));
  const auto& lr = space.at("lr_head");
  BOOST_TEST(lr.contains(1e-6));
  BOOST_TEST(lr.contains(1e-3));
  BOOST_TEST(!lr.contains(2e-3));
  BOOST_TEST(!lr.contains(std::int64_t{0}));
}

BOOST_AUTO_TEST_CASE(grid_sizes_and_values) {
  const auto space = mixed_space();
  BOOST_TEST(space.at("layer").grid_size() == 2);
  BOOST_TEST(space.at("batch").grid_size() == 8);  // 8, 16, ..., 64
  BOOST_TEST(std::get<std::int64_t>(space.at("batch").grid_value(7)) == 64);
  BOOST_TEST(space.at("width").grid_size() == 1024);
  BOOST_TEST(space.at("dropout").grid_size() == 6);  // 0, 0.1, ..., 0.5
  BOOST_TEST(std::get<double>(space.at("dropout").grid_value(5)) == 0.5,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(space.at("momentum").grid_size() == 0);
  BOOST_TEST(std::get<std::string>(space.at("optimiser").grid_value(1)) == "sgd");
  BOOST_CHECK_THROW(space.at("layer").grid_value(2), Error);
  BOOST_CHECK_THROW(space.at("layer").grid_value(-1), Error);
}

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_order_kinds_and_values) {
  const auto space = mixed_space();
  const std::string text = space.to_json();
  const auto back = SearchSpace::from_json(text);
  BOOST_TEST((back == space));
  BOOST_TEST(back.to_json() == text);
  BOOST_TEST(back.parameters()[0].name == "layer");
  BOOST_TEST(back.parameters()[7].name == "momentum");
  BOOST_TEST((back.at("lr_body").choices[0] == ParameterValue{1e-7}));
  BOOST_TEST(back.at("width").log);
  BOOST_TEST(back.at("batch").step == 8.0);
  BOOST_TEST(SearchSpace::vgg16_default().to_json().find("1e-07") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reads_the_documented_file_form) {
  galaxyzoo::testing::TempDir dir;
  const auto file = dir / "space.json";
  galaxyzoo::testing::write_text(file, R"({"layer":   {"type": "categorical", "choices": [21]},
     "lr_body": {"type": "categorical", "choices": [1e-7, 1e-8, 1e-9]},
     "batch":   {"type": "int",   "low": 8, "high": 64, "step": 8},
     "lr_head": {"type": "float", "low": 1e-6, "high": 1e-3, "log": true}})");
  const auto space = SearchSpace::read_json(file);
  BOOST_TEST_REQUIRE(space.parameters().size() == 4u);
  BOOST_TEST(space.parameters()[2].name == "batch");
  BOOST_TEST((space.at("batch").kind == ParameterKind::integer));
  BOOST_TEST(space.at("lr_head").log);
  BOOST_TEST((space.at("layer").choices[0] == ParameterValue{std::int64_t{21}}));
  BOOST_CHECK_THROW(SearchSpace::read_json(dir / "missing.json"), galaxyzoo::IoError);
}

BOOST_AUTO_TEST_CASE(file_errors_name_the_file_and_the_parameter) {
  galaxyzoo::testing::TempDir dir;
  const auto file = dir / "bad.json";
  galaxyzoo::testing::write_text(file, R"({"lr": {"type": "uniform", "low": 0, "high": 1}})");
  try {
    SearchSpace::read_json(file);
    BOOST_FAIL("expected an InputError");
  } catch (const InputError& e) {
    BOOST_TEST(e.file() == file);
    BOOST_TEST(e.key() == "lr");
    BOOST_TEST(std::string(e.what()).find(file.string()) != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("unknown type 'uniform'") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(every_bad_input_is_an_input_error_naming_the_key) {
  struct Case {
    const char* text;
    const char* key;
    const char* says;
  };
  const Case cases[] = {
      {R"({"a": {"type": "uniform"}})", "a", "unknown type"},
      {R"({"a": {"low": 1, "high": 2}})", "a", "missing field 'type'"},
      {R"({"a": {"type": 3}})", "a", "'type': expected a string"},
      {R"({"a": 5})", "a", "expected an object"},
      {R"({"a": {"type": "categorical", "choices": []}})", "a", "empty list"},
      {R"({"a": {"type": "categorical"}})", "a", "missing field 'choices'"},
      {R"({"a": {"type": "categorical", "choices": 21}})", "a", "expected an array"},
      {R"({"a": {"type": "categorical", "choices": [1, 1]}})", "a", "appears twice"},
      {R"({"a": {"type": "categorical", "choices": [true]}})", "a", "expected numbers or strings"},
      {R"({"a": {"type": "float", "low": 0, "high": 1, "log": true}})", "a",
       "log range must be positive"},
      {R"({"a": {"type": "float", "low": -1, "high": 1, "log": true}})", "a",
       "log range must be positive"},
      {R"({"a": {"type": "int", "low": 0, "high": 10, "log": true}})", "a",
       "log range must be positive"},
      {R"({"a": {"type": "float", "low": 2, "high": 1}})", "a", "low <= high"},
      {R"({"a": {"type": "int", "low": 5, "high": 1}})", "a", "low <= high"},
      {R"({"a": {"type": "int", "low": 0.5, "high": 1}})", "a", "'low': expected an integer"},
      {R"({"a": {"type": "int", "low": 0, "high": 8, "step": 0}})", "a", "step >= 1"},
      {R"({"a": {"type": "int", "low": 1, "high": 8, "step": 2, "log": true}})", "a",
       "step other than 1"},
      {R"({"a": {"type": "float", "low": 1, "high": 8, "step": 0.5, "log": true}})", "a",
       "cannot have a step"},
      {R"({"a": {"type": "float", "low": 0, "high": 1, "step": -0.1}})", "a", "step >= 0"},
      {R"({"a": {"type": "float", "low": "0", "high": 1}})", "a", "'low': expected a number"},
      {R"({"a": {"type": "float", "high": 1}})", "a", "missing field 'low'"},
      {R"({"a": {"type": "float", "low": 0, "high": 1, "log": "yes"}})", "a",
       "'log': expected true or false"},
      {R"({"a": {"type": "float", "low": 0, "high": 1, "lgo": true}})", "a", "unknown field 'lgo'"},
      {R"({"ok": {"type": "int", "low": 0, "high": 1}, "ok": {"type": "int", "low": 0, "high": 2}})",
       "ok", "defined twice"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const InputError e = input_error_of(c.text);
      BOOST_TEST(e.file() == "space.json");
      BOOST_TEST(e.key() == c.key);
      BOOST_TEST(std::string(e.what()).find(c.says) != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_json_reports_the_line) {
  const InputError e = input_error_of("{\"a\": {\"type\": \"int\",\n \"low\": 0,\n \"high\": }}");
  BOOST_TEST(e.line() == 3u);
  BOOST_TEST(std::string(e.what()).find("malformed JSON") != std::string::npos);
  const InputError not_object = input_error_of("[1, 2]");
  BOOST_TEST(std::string(not_object.what()).find("expected an object of parameters") !=
             std::string::npos);
  // A number beyond double's range (found by fuzzing: it escaped as the JSON library's
  // own exception).
  const InputError overflow = input_error_of("{\"lr\": {\"type\": \"float\", \"low\": 1e888}}");
  BOOST_TEST(std::string(overflow.what()).find("number overflow") != std::string::npos,
             overflow.what());
}

BOOST_AUTO_TEST_CASE(building_in_code_rejects_bad_parameters) {
  SearchSpace space;
  space.add_float("x", 0, 1);
  BOOST_CHECK_THROW(space.add_float("x", 0, 2), Error);  // repeated name
  BOOST_CHECK_THROW(space.add_float("", 0, 2), Error);
  BOOST_CHECK_THROW(space.add_categorical("c", {}), Error);
  BOOST_CHECK_THROW(space.add_categorical("c", {1.0, 1.0}), Error);
  BOOST_CHECK_THROW(space.add_float("f", 0, 1, /*log=*/true), Error);
  BOOST_CHECK_THROW(space.add_float("f", 0, std::numeric_limits<double>::infinity()), Error);
  BOOST_CHECK_THROW(space.add_int("i", 3, 2), Error);
  BOOST_CHECK_THROW(space.add_int("i", 0, 2, false, 0), Error);
  BOOST_CHECK_THROW(space.add_int("i", std::int64_t{1} << 60, std::int64_t{1} << 61), Error);
  BOOST_CHECK_THROW(space.at("missing"), Error);
  BOOST_TEST(space.parameters().size() == 1u);  // nothing half-added
}

BOOST_AUTO_TEST_CASE(equality_compares_every_field) {
  SearchSpace a, b, c;
  a.add_float("x", 0, 1);
  b.add_float("x", 0, 1);
  c.add_float("x", 0, 1, /*log=*/false, /*step=*/0.5);
  BOOST_TEST((a == b));
  BOOST_TEST((a != c));
  BOOST_TEST((a != SearchSpace{}));
}
