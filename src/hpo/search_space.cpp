#include "galaxyzoo/hpo/search_space.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace galaxyzoo {
namespace {

using Json = nlohmann::ordered_json;

// Integers are stored in Parameter's double bounds, so they must be exact there.
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
// Relative tolerance for "on the grid" of a stepped float.
constexpr double kGridTolerance = 1e-9;

const char* kind_name(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::categorical:
      return "categorical";
    case ParameterKind::integer:
      return "int";
    case ParameterKind::floating:
      return "float";
  }
  return "?";
}

// Number of grid points low, low + step, ... <= high of a stepped range.
std::int64_t stepped_count(double low, double high, double step) {
  const double n = std::floor((high - low) / step * (1 + kGridTolerance) + kGridTolerance);
  if (n >= static_cast<double>(std::numeric_limits<std::int64_t>::max() - 1)) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return static_cast<std::int64_t>(n) + 1;
}

// What is wrong with @p p, or empty if it is a valid parameter. Shared by the add_
// functions (which throw Error) and from_json (which throws InputError).
std::string problem_of(const Parameter& p) {
  switch (p.kind) {
    case ParameterKind::categorical: {
      if (p.choices.empty()) return "expected at least one choice, got an empty list";
      for (std::size_t i = 0; i < p.choices.size(); ++i) {
        if (const auto* d = std::get_if<double>(&p.choices[i]); d && !std::isfinite(*d)) {
          return "choice " + std::to_string(i) + " is not a finite number";
        }
        for (std::size_t j = 0; j < i; ++j) {
          if (p.choices[j] == p.choices[i])
            return "choice '" + to_string(p.choices[i]) + "' appears twice";
        }
      }
      return {};
    }
    case ParameterKind::integer:
      if (std::abs(p.low) > kMaxExactInteger || std::abs(p.high) > kMaxExactInteger) {
        return "expected bounds within +-2^53";
      }
      if (p.low > p.high)
        return "expected low <= high, got low " + to_string(static_cast<std::int64_t>(p.low)) +
               " > high " + to_string(static_cast<std::int64_t>(p.high));
      if (p.step < 1 || p.step != std::floor(p.step)) return "expected an integer step >= 1";
      if (p.log && p.low < 1) {
        return "a log range must be positive: expected low >= 1, got " +
               to_string(static_cast<std::int64_t>(p.low));
      }
      if (p.log && p.step != 1) return "a log range cannot have a step other than 1";
      return {};
    case ParameterKind::floating:
      if (!std::isfinite(p.low) || !std::isfinite(p.high)) return "expected finite bounds";
      if (p.low > p.high)
        return "expected low <= high, got low " + to_string(p.low) + " > high " + to_string(p.high);
      if (!std::isfinite(p.step) || p.step < 0)
        return "expected a finite step >= 0 (0: continuous)";
      if (p.log && p.low <= 0)
        return "a log range must be positive: expected low > 0, got " + to_string(p.low);
      if (p.log && p.step > 0) return "a log range cannot have a step";
      return {};
  }
  return "unknown parameter kind";
}

// ---- JSON ------------------------------------------------------------------

const char* json_type(const Json& j) {
  return j.is_number_integer() ? "an integer" : j.type_name();
}

// A reader of one parameter's object that reports problems as InputError.
class FieldReader {
 public:
  FieldReader(const std::string& source, const std::string& key, const Json& object)
      : source_(source), key_(key), object_(object) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(source_, 0, key_, problem);
  }

  const Json* find(const char* field) const {
    const auto it = object_.find(field);
    return it == object_.end() ? nullptr : &*it;
  }
  const Json& require(const char* field) const {
    const Json* j = find(field);
    if (!j) fail(std::string("missing field '") + field + "'");
    return *j;
  }
  double number(const char* field) const {
    const Json& j = require(field);
    if (!j.is_number())
      fail(std::string("field '") + field + "': expected a number, got " + json_type(j));
    return j.get<double>();
  }
  std::int64_t integer(const Json& j, const char* field) const {
    if (j.is_number_unsigned() &&
        j.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(std::string("field '") + field + "': integer out of range");
    }
    if (!j.is_number_integer())
      fail(std::string("field '") + field + "': expected an integer, got " + json_type(j));
    return j.get<std::int64_t>();
  }
  std::int64_t integer(const char* field) const { return integer(require(field), field); }
  bool flag(const char* field) const {
    const Json* j = find(field);
    if (!j) return false;
    if (!j->is_boolean())
      fail(std::string("field '") + field + "': expected true or false, got " + json_type(*j));
    return j->get<bool>();
  }
  void only(std::initializer_list<const char*> fields) const {
    for (const auto& item : object_.items()) {
      if (std::none_of(fields.begin(), fields.end(),
                       [&](const char* f) { return item.key() == f; })) {
        std::string expected;
        for (const char* f : fields) expected += std::string(expected.empty() ? "" : ", ") + f;
        fail("unknown field '" + item.key() + "' (expected " + expected + ")");
      }
    }
  }

 private:
  const std::string& source_;
  const std::string& key_;
  const Json& object_;
};

Parameter parse_parameter(const std::string& source, const std::string& name, const Json& j) {
  FieldReader reader(source, name, j);
  if (!j.is_object())
    reader.fail(std::string("expected an object with a \"type\", got ") + json_type(j));
  const Json& type = reader.require("type");
  if (!type.is_string())
    reader.fail(std::string("field 'type': expected a string, got ") + json_type(type));
  const auto type_name = type.get<std::string>();

  Parameter p;
  p.name = name;
  if (type_name == "categorical") {
    reader.only({"type", "choices"});
    p.kind = ParameterKind::categorical;
    const Json& choices = reader.require("choices");
    if (!choices.is_array())
      reader.fail(std::string("field 'choices': expected an array, got ") + json_type(choices));
    for (const Json& c : choices) {
      if (c.is_string()) {
        p.choices.emplace_back(c.get<std::string>());
      } else if (c.is_number_integer()) {
        p.choices.emplace_back(reader.integer(c, "choices"));
      } else if (c.is_number_float()) {
        p.choices.emplace_back(c.get<double>());
      } else {
        reader.fail(std::string("field 'choices': expected numbers or strings, got ") +
                    json_type(c));
      }
    }
  } else if (type_name == "int") {
    reader.only({"type", "low", "high", "step", "log"});
    p.kind = ParameterKind::integer;
    p.low = static_cast<double>(reader.integer("low"));
    p.high = static_cast<double>(reader.integer("high"));
    p.log = reader.flag("log");
    const Json* step = reader.find("step");
    p.step = step ? static_cast<double>(reader.integer(*step, "step")) : 1.0;
  } else if (type_name == "float") {
    reader.only({"type", "low", "high", "step", "log"});
    p.kind = ParameterKind::floating;
    p.low = reader.number("low");
    p.high = reader.number("high");
    p.log = reader.flag("log");
    p.step = reader.find("step") ? reader.number("step") : 0.0;
  } else {
    reader.fail("unknown type '" + type_name + "' (expected categorical, int or float)");
  }
  if (const std::string problem = problem_of(p); !problem.empty()) reader.fail(problem);
  return p;
}

Json value_json(const ParameterValue& value) {
  return std::visit([](const auto& v) { return Json(v); }, value);
}

// 1-based line of byte @p offset of @p text.
std::size_t line_of(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

std::string to_string(const ParameterValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  const double d = std::get<double>(value);
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

double to_double(const ParameterValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  throw Error("parameter value '" + std::get<std::string>(value) +
              "': expected a number, got a string");
}

bool Parameter::contains(const ParameterValue& value) const {
  switch (kind) {
    case ParameterKind::categorical:
      return std::find(choices.begin(), choices.end(), value) != choices.end();
    case ParameterKind::integer: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (!i) return false;
      const auto v = static_cast<double>(*i);
      return v >= low && v <= high && std::fmod(v - low, step) == 0;
    }
    case ParameterKind::floating: {
      const auto* d = std::get_if<double>(&value);
      if (!d || !(*d >= low && *d <= high)) return false;
      if (step <= 0) return true;
      const double k = (*d - low) / step;
      return std::abs(k - std::round(k)) <= kGridTolerance * std::max(1.0, std::abs(k));
    }
  }
  return false;
}

std::int64_t Parameter::grid_size() const {
  switch (kind) {
    case ParameterKind::categorical:
      return static_cast<std::int64_t>(choices.size());
    case ParameterKind::integer:
      return stepped_count(low, high, step);
    case ParameterKind::floating:
      return step > 0 ? stepped_count(low, high, step) : 0;
  }
  return 0;
}

ParameterValue Parameter::grid_value(std::int64_t index) const {
  if (index < 0 || index >= grid_size()) {
    throw Error("parameter '" + name + "': grid index " + std::to_string(index) + " outside [0, " +
                std::to_string(grid_size()) + ")");
  }
  switch (kind) {
    case ParameterKind::categorical:
      return choices[static_cast<std::size_t>(index)];
    case ParameterKind::integer:
      return static_cast<std::int64_t>(low) + index * static_cast<std::int64_t>(step);
    case ParameterKind::floating:
      return std::min(high, low + static_cast<double>(index) * step);
  }
  return {};
}

SearchSpace& SearchSpace::add_categorical(std::string name, std::vector<ParameterValue> choices) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::categorical;
  p.choices = std::move(choices);
  return add(std::move(p));
}

SearchSpace& SearchSpace::add_int(std::string name, std::int64_t low, std::int64_t high, bool log,
                                  std::int64_t step) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::integer;
  p.low = static_cast<double>(low);
  p.high = static_cast<double>(high);
  p.log = log;
  p.step = static_cast<double>(step);
  return add(std::move(p));
}

SearchSpace& SearchSpace::add_float(std::string name, double low, double high, bool log,
                                    double step) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::floating;
  p.low = low;
  p.high = high;
  p.log = log;
  p.step = step;
  return add(std::move(p));
}

SearchSpace& SearchSpace::add(Parameter parameter) {
  if (parameter.name.empty()) throw Error("search space: a parameter needs a name");
  if (std::any_of(parameters_.begin(), parameters_.end(),
                  [&](const Parameter& q) { return q.name == parameter.name; })) {
    throw Error("search space: parameter '" + parameter.name + "' defined twice");
  }
  if (const std::string problem = problem_of(parameter); !problem.empty()) {
    throw Error("search space: parameter '" + parameter.name + "' (" + kind_name(parameter.kind) +
                "): " + problem);
  }
  parameters_.push_back(std::move(parameter));
  return *this;
}

const Parameter& SearchSpace::at(const std::string& name) const {
  for (const auto& p : parameters_) {
    if (p.name == name) return p;
  }
  std::string names;
  for (const auto& p : parameters_) names += (names.empty() ? "" : ", ") + p.name;
  throw Error("search space: no parameter '" + name +
              "' (parameters: " + (names.empty() ? "none" : names) + ")");
}

bool SearchSpace::contains(const Assignment& assignment) const {
  if (assignment.size() != parameters_.size()) return false;
  return std::all_of(parameters_.begin(), parameters_.end(), [&](const Parameter& p) {
    const auto it = assignment.find(p.name);
    return it != assignment.end() && p.contains(it->second);
  });
}

SearchSpace SearchSpace::from_json(const std::string& text, const std::string& source) {
  // Remember the top-level keys as the parser sees them: ordered_json keeps only the
  // last of repeated keys, and a repeated parameter is a mistake worth reporting.
  std::vector<std::string> keys;
  Json root;
  try {
    root = Json::parse(text, [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (depth == 1 && event == Json::parse_event_t::key)
        keys.push_back(parsed.get<std::string>());
      return true;
    });
  } catch (const Json::parse_error& e) {
    throw InputError(source, line_of(text, e.byte == 0 ? 0 : e.byte - 1), "",
                     std::string("malformed JSON: ") + e.what());
  } catch (const Json::exception& e) {
    // A number beyond double's range, for one (found by fuzzing: "1e888").
    throw InputError(source, 0, "", std::string("unreadable JSON: ") + e.what());
  }
  if (!root.is_object()) {
    throw InputError(source, 0, "",
                     std::string("expected an object of parameters, got ") + json_type(root));
  }
  std::set<std::string> seen;
  for (const auto& key : keys) {
    if (!seen.insert(key).second) throw InputError(source, 0, key, "parameter defined twice");
  }
  SearchSpace space;
  for (const auto& item : root.items()) {
    if (item.key().empty()) throw InputError(source, 0, "", "a parameter needs a non-empty name");
    space.parameters_.push_back(parse_parameter(source, item.key(), item.value()));
  }
  return space;
}

SearchSpace SearchSpace::read_json(const std::filesystem::path& file) {
  return from_json(read_text_file(file, "search-space file"), file.string());
}

std::string SearchSpace::to_json() const {
  Json root = Json::object();
  for (const auto& p : parameters_) {
    Json j = Json::object();
    j["type"] = kind_name(p.kind);
    switch (p.kind) {
      case ParameterKind::categorical: {
        Json choices = Json::array();
        for (const auto& c : p.choices) choices.push_back(value_json(c));
        j["choices"] = std::move(choices);
        break;
      }
      case ParameterKind::integer:
        j["low"] = static_cast<std::int64_t>(p.low);
        j["high"] = static_cast<std::int64_t>(p.high);
        if (p.step != 1) j["step"] = static_cast<std::int64_t>(p.step);
        if (p.log) j["log"] = true;
        break;
      case ParameterKind::floating:
        j["low"] = p.low;
        j["high"] = p.high;
        if (p.step > 0) j["step"] = p.step;
        if (p.log) j["log"] = true;
        break;
    }
    root[p.name] = std::move(j);
  }
  return root.dump(2) + "\n";
}

SearchSpace SearchSpace::vgg16_default() {
  SearchSpace space;
  space.add_categorical("layer", {std::int64_t{21}});
  space.add_categorical("lr_body", {1e-7, 1e-8, 1e-9});
  space.add_categorical("lr_head", {1e-4, 1e-5, 1e-6});
  return space;
}

SearchSpace SearchSpace::vgg16_from_scratch() {
  SearchSpace space;
  space.add_categorical("layer", {std::int64_t{0}});
  space.add_categorical("lr_body", {3e-4, 1e-4});
  space.add_categorical("lr_head", {1e-3});
  return space;
}

bool operator==(const Parameter& a, const Parameter& b) {
  return a.name == b.name && a.kind == b.kind && a.choices == b.choices && a.low == b.low &&
         a.high == b.high && a.log == b.log && a.step == b.step;
}

bool operator==(const SearchSpace& a, const SearchSpace& b) {
  return a.parameters_ == b.parameters_;
}

}  // namespace galaxyzoo
