#include "galaxyzoo/model/hyperparameters.hpp"

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace galaxyzoo {
namespace {

bool is_hyperparameter(const std::string& key) {
  return key == "layer" || key == "lr_body" || key == "lr_head";
}

// Sets @p key of @p hp to @p value (line 0: no line, as in JSON).
void assign(HyperParameters& hp, const std::filesystem::path& file, std::size_t line,
            const std::string& key, double value) {
  if (key == "layer") {
    if (value != std::floor(value))
      throw InputError(file, line, key, "expected an integer layer index");
    hp.layer = static_cast<std::int64_t>(value);
  } else if (key == "lr_body") {
    hp.lr_body = value;
  } else if (key == "lr_head") {
    hp.lr_head = value;
  }
}

// A JSON object of the keys, or one whose "params" object holds them.
HyperParameters from_json(const std::string& content, const std::filesystem::path& file) {
  const auto json = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    throw InputError(file, 0, "", "expected a JSON object");
  const auto& params =
      json.contains("params") && json["params"].is_object() ? json["params"] : json;
  HyperParameters hp;
  for (const char* key : {"layer", "lr_body", "lr_head"}) {
    if (!params.contains(key)) continue;
    const auto& v = params[key];
    if (v.is_number()) {
      assign(hp, file, 0, key, v.get<double>());
    } else if (v.is_string()) {
      try {
        assign(hp, file, 0, key, std::stod(v.get<std::string>()));
      } catch (const std::invalid_argument&) {
        throw InputError(file, 0, key, "expected a number, got '" + v.get<std::string>() + "'");
      }
    } else {
      throw InputError(file, 0, key, "expected a number");
    }
  }
  return hp;
}

// @p s without surrounding blanks, quotes, braces and commas.
std::string trim(const std::string& s) {
  const char* strip = " \t\r'\"{},";
  const auto a = s.find_first_not_of(strip);
  const auto b = s.find_last_not_of(strip);
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// `key: value` or `key = value` lines; others are skipped.
HyperParameters from_lines(std::istream& text, const std::filesystem::path& file) {
  HyperParameters hp;
  std::string line;
  std::size_t number = 0;
  while (std::getline(text, line)) {
    ++number;
    const auto sep = line.find_first_of(":=");
    if (sep == std::string::npos) continue;
    const std::string key = trim(line.substr(0, sep));
    if (!is_hyperparameter(key)) continue;
    const std::string value = trim(line.substr(sep + 1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size()) {
      throw InputError(file, number, key, "expected a number, got '" + value + "'");
    }
    assign(hp, file, number, key, v);
  }
  return hp;
}

}  // namespace

HyperParameters read_hyperparameters(const std::filesystem::path& file) {
  const std::string content = read_text_file(file, "hyper-parameter file");
  std::istringstream text(content);
  const auto first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] == '{') return from_json(content, file);
  return from_lines(text, file);
}

}  // namespace galaxyzoo
