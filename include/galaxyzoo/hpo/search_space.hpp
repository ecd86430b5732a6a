#pragma once
/// @file
/// The space a hyper-parameter search explores: named categorical, integer and float
/// parameters, defined in code or read from a JSON file.
///
/// @code
/// galaxyzoo::SearchSpace space;
/// space.add_categorical("layer", {std::int64_t{21}});
/// space.add_float("lr_head", 1e-6, 1e-3, /*log=*/true);
/// // or: auto space = galaxyzoo::SearchSpace::read_json("space.json");
/// @endcode
///
/// The JSON form is an object of parameters, each with a "type":
///
///     {"layer":   {"type": "categorical", "choices": [21]},
///      "lr_body": {"type": "categorical", "choices": [1e-7, 1e-8, 1e-9]},
///      "batch":   {"type": "int",   "low": 8, "high": 64, "step": 8},
///      "lr_head": {"type": "float", "low": 1e-6, "high": 1e-3, "log": true}}
///
/// Parameters keep the order of the file (or of the add_ calls).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace galaxyzoo {

/// A value a parameter takes: an integer, a real number or a string.
using ParameterValue = std::variant<std::int64_t, double, std::string>;

/// A value as text: integers in decimal, reals with the shortest exact form ("1e-07"),
/// strings as they are.
std::string to_string(const ParameterValue& value);

/// The value as a double (integers converted). @throws Error for a string.
double to_double(const ParameterValue& value);

/// What kind of values a parameter takes.
enum class ParameterKind {
  categorical,  ///< one of a list of choices (numbers or strings)
  integer,      ///< an integer in [low, high], on a grid of step, optionally log-uniform
  floating,     ///< a real number in [low, high], optionally log-uniform or on a grid of step
};

/// One dimension of a search space.
struct Parameter {
  std::string name;                              ///< key in assignments and files
  ParameterKind kind = ParameterKind::floating;  ///< categorical, integer or floating
  std::vector<ParameterValue> choices;           ///< categorical only, at least one
  double low = 0;                                ///< integer and floating: smallest value
  double high = 0;   ///< integer and floating: largest value (inclusive)
  bool log = false;  ///< sample log-uniformly (low > 0 required)
  double step = 0;   ///< > 0: values low, low + step, ... (not with log); integer default 1

  /// Whether @p value is a value this parameter can take. The alternative must match the
  /// kind: an integer parameter takes std::int64_t, a float parameter double, a
  /// categorical parameter one of its choices exactly (21 and 21.0 are different choices).
  /// Stepped floats accept values within a relative 1e-9 of a grid point.
  bool contains(const ParameterValue& value) const;

  /// The number of values a grid walks through: the choices, the integers low, low +
  /// step, ..., high, or the stepped floats low, low + step, ... <= high; 0 for a
  /// continuous float (no step), which has no grid.
  std::int64_t grid_size() const;
  /// The grid's value number @p index (0-based, in increasing order; choices in their
  /// order). @throws Error if @p index is outside [0, grid_size()).
  ParameterValue grid_value(std::int64_t index) const;
};

/// One value per parameter name: a trial's parameters.
using Assignment = std::map<std::string, ParameterValue>;

/// A set of named parameters; see the file comment.
class SearchSpace {
 public:
  /// Adds a categorical parameter. @throws Error for an empty or repeated name, no
  /// choices, or repeated choices.
  SearchSpace& add_categorical(std::string name, std::vector<ParameterValue> choices);
  /// Adds an integer parameter in [low, high]. @throws Error if low > high, step < 1,
  /// log with low < 1 or with step != 1, or a bound beyond +-2^53.
  SearchSpace& add_int(std::string name, std::int64_t low, std::int64_t high, bool log = false,
                       std::int64_t step = 1);
  /// Adds a float parameter in [low, high]. @throws Error if low > high, a bound is
  /// not finite, step < 0, log with low <= 0, or log with a step.
  SearchSpace& add_float(std::string name, double low, double high, bool log = false,
                         double step = 0);
  /// Adds @p parameter as it is (the add_ functions above build one and call this).
  /// @throws Error as they do for its kind.
  SearchSpace& add(Parameter parameter);

  /// The parameters in the order they were added.
  const std::vector<Parameter>& parameters() const noexcept { return parameters_; }
  /// The parameter called @p name. @throws Error naming it if there is none.
  const Parameter& at(const std::string& name) const;
  /// Whether there are no parameters.
  bool empty() const noexcept { return parameters_.empty(); }

  /// Whether @p assignment has exactly this space's names, each with a value in range.
  bool contains(const Assignment& assignment) const;

  /// Parses the JSON form; @p source names the text in errors (a file name).
  /// @throws InputError naming @p source and the parameter key for malformed JSON, an
  ///         unknown type, an empty choice list, a log range including 0 or below, low >
  ///         high, or a missing or mistyped field.
  static SearchSpace from_json(const std::string& text,
                               const std::string& source = "<search space>");
  /// Reads the JSON form from a file. @throws IoError if it cannot be read; InputError as
  /// from_json.
  static SearchSpace read_json(const std::filesystem::path& file);
  /// The JSON form (parsed back by from_json to an equal space).
  std::string to_json() const;

  /// The default VGG16 space, for ImageNet weights: layer in {21}, lr_body in
  /// {1e-7, 1e-8, 1e-9}, lr_head in {1e-4, 1e-5, 1e-6}.
  static SearchSpace vgg16_default();
  /// The space for training VGG16 from scratch, without ImageNet weights: every layer
  /// trains (layer in {0}), lr_body in {3e-4, 1e-4}, lr_head in {1e-3}.
  static SearchSpace vgg16_from_scratch();

  /// Same parameters, in the same order.
  friend bool operator==(const SearchSpace& a, const SearchSpace& b);

 private:
  std::vector<Parameter> parameters_;
};

/// Same name, kind, choices, bounds, log flag and step.
bool operator==(const Parameter& a, const Parameter& b);
/// Whether two parameters differ. @see operator==(const Parameter&, const Parameter&)
inline bool operator!=(const Parameter& a, const Parameter& b) { return !(a == b); }
/// Same parameters, in the same order.
bool operator==(const SearchSpace& a, const SearchSpace& b);
/// Whether two spaces differ.
inline bool operator!=(const SearchSpace& a, const SearchSpace& b) { return !(a == b); }

}  // namespace galaxyzoo
