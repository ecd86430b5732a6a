#include "galaxyzoo/model/hyperparameters.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

constexpr const char* kExpectedKeys = "layer, lr_body and lr_head";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// What a value looks like in a message: quoted, and cut if long.
std::string shown(std::string_view s) {
  constexpr std::size_t kMaxShown = 40;
  return "'" + std::string(s.substr(0, kMaxShown)) + (s.size() > kMaxShown ? "...'" : "'");
}

// @p value as "%g" writes it (21.5, 1e-07).
std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// A value of a JSON object or a Python dict literal, with the line it starts on.
struct Literal {
  enum class Kind { dict, list, text, scalar };
  Kind kind = Kind::scalar;
  std::string token;  // a string's content, or a bare token (1e-07, true, None, ...)
  std::vector<std::pair<std::string, Literal>> members;  // a dict's, in order
  std::size_t line = 1;
};

// Parses a JSON value or a Python literal (dicts, lists, quoted strings with ' or ", and
// bare tokens such as numbers, True or null), enough to read the parameter files.
class LiteralParser {
 public:
  LiteralParser(std::string_view text, const fs::path& file) : text_(text), file_(file) {}

  // The whole text: one value and nothing after it.
  Literal document() {
    Literal v = value(0);
    skip_blanks();
    if (pos_ != text_.size()) fail("unexpected " + shown(text_.substr(pos_, 1)) + " after the end");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 32;

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(file_, line_, "", problem);
  }

  void skip_blanks() {
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '\n') ++line_;
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
    }
  }

  // Skips blanks; throws unless the text goes on with @p c, which is consumed.
  void expect(char c, const char* what) {
    skip_blanks();
    if (pos_ == text_.size() || text_[pos_] != c) {
      fail(std::string("expected ") + what + ", got " +
           (pos_ == text_.size() ? std::string("the end of the file")
                                 : shown(text_.substr(pos_, 1))));
    }
    ++pos_;
  }

  // Skips blanks; consumes @p c if it comes next.
  bool next_is(char c) {
    skip_blanks();
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  Literal value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    skip_blanks();
    if (pos_ == text_.size()) fail("unexpected end of the file, expected a value");
    Literal v;
    v.line = line_;
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      v.kind = c == '{' ? Literal::Kind::dict : Literal::Kind::list;
      items(v, depth);
    } else if (c == '\'' || c == '"') {
      v.kind = Literal::Kind::text;
      v.token = quoted_string();
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
              text_[pos_] == '-' || text_[pos_] == '+' || text_[pos_] == '_')) {
        ++pos_;
      }
      if (pos_ == start) fail("unexpected " + shown(text_.substr(pos_, 1)) + ", expected a value");
      v.token = std::string(text_.substr(start, pos_ - start));
    }
    return v;
  }

  // The members of a dict or the items of a list, after its opening bracket.
  void items(Literal& v, int depth) {
    const bool dict = v.kind == Literal::Kind::dict;
    const char close = dict ? '}' : ']';
    ++pos_;
    while (!next_is(close)) {
      std::string key;
      if (dict) {
        skip_blanks();
        if (pos_ == text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
          fail("expected a quoted key or '}'");
        key = quoted_string();
        expect(':', "':' after a key");
      }
      v.members.emplace_back(std::move(key), value(depth + 1));
      if (!next_is(',')) {
        expect(close, dict ? "',' or '}'" : "',' or ']'");
        return;
      }
    }
  }

  // A string in single or double quotes, at pos_; backslash escapes a character.
  std::string quoted_string() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) return out;
      if (c == '\n') fail("line break inside a quoted string");
      if (c == '\\') {
        if (pos_ == text_.size()) break;
        c = text_[pos_++];
      }
      out += c;
    }
    fail("unterminated quoted string");
  }

  std::string_view text_;
  const fs::path& file_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// Collects the hyper-parameters of one file: each once, each checked.
class Collector {
 public:
  explicit Collector(const fs::path& file) : file_(file) {}

  // Sets @p key (a name checked by the caller) from @p text, found on @p line (0: none).
  void add(const std::string& key, std::string_view text, std::size_t line) {
    const auto [it, inserted] = lines_.emplace(key, line);
    if (!inserted) {
      throw InputError(
          file_, line, key,
          it->second > 0 ? "repeats line " + std::to_string(it->second) : "appears twice");
    }
    double value = 0;
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(text.data(), last, value);
    if (text.empty() || end != last || (ec != std::errc() && ec != std::errc::result_out_of_range))
      throw InputError(file_, line, key, "expected a number, got " + shown(text));
    if (ec != std::errc() || !std::isfinite(value))
      throw InputError(file_, line, key, "expected a finite number, got " + shown(text));
    try {
      set_hyperparameter(hp_, key, value);
    } catch (const Error& e) {
      throw InputError(file_, line, key, e.what());
    }
  }

  // The hyper-parameters, once all three have been added.
  HyperParameters result() const {
    for (const auto name : hyperparameter_names()) {
      if (lines_.count(std::string(name)) == 0) {
        throw InputError(file_, 0, std::string(name),
                         std::string("missing; a parameter file sets ") + kExpectedKeys);
      }
    }
    return hp_;
  }

 private:
  const fs::path& file_;
  HyperParameters hp_;
  std::map<std::string, std::size_t> lines_;  // key -> the line it was on
};

// An unknown key: an error naming it.
InputError unknown_key(const fs::path& file, std::size_t line, const std::string& key) {
  return InputError(file, line, key,
                    std::string("unknown hyper-parameter, expected ") + kExpectedKeys);
}

// A JSON object or a Python dict, flat or with a "params" dict holding the keys.
HyperParameters from_literal(std::string_view content, const fs::path& file) {
  const Literal top = LiteralParser(content, file).document();
  if (top.kind != Literal::Kind::dict)
    throw InputError(file, top.line, "", std::string("expected an object of ") + kExpectedKeys);
  const Literal* params = &top;
  for (const auto& [key, value] : top.members) {
    if (key != "params") continue;
    if (value.kind != Literal::Kind::dict)
      throw InputError(file, value.line, key,
                       std::string("expected an object of ") + kExpectedKeys);
    params = &value;
  }
  Collector collector(file);
  for (const auto& [key, value] : params->members) {
    if (!is_hyperparameter(key)) throw unknown_key(file, value.line, key);
    if (value.kind != Literal::Kind::text && value.kind != Literal::Kind::scalar)
      throw InputError(file, value.line, key, "expected a number");
    collector.add(key, trim(value.token), value.line);
  }
  return collector.result();
}

// `key: value` or `key = value` lines.
HyperParameters from_lines(std::string_view content, const fs::path& file) {
  Collector collector(file);
  std::size_t number = 0;
  while (!content.empty()) {
    ++number;
    const auto end = content.find('\n');
    const std::string_view line = trim(content.substr(0, end));
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto sep = line.find_first_of(":=");
    if (sep == std::string_view::npos)
      throw InputError(file, number, "", "expected 'key: value', got " + shown(line));
    const std::string key(trim(line.substr(0, sep)));
    if (key == "trial" || key == "value") continue;  // the search's record of the trial
    if (!is_hyperparameter(key)) throw unknown_key(file, number, key);
    collector.add(key, trim(line.substr(sep + 1)), number);
  }
  return collector.result();
}

}  // namespace

const std::array<std::string_view, 3>& hyperparameter_names() {
  static constexpr std::array<std::string_view, 3> names = {"layer", "lr_body", "lr_head"};
  return names;
}

bool is_hyperparameter(std::string_view name) {
  for (const auto n : hyperparameter_names()) {
    if (n == name) return true;
  }
  return false;
}

void set_hyperparameter(HyperParameters& hp, std::string_view name, double value) {
  if (name == "layer") {
    if (!(value >= 0 && value <= static_cast<double>(kVgg16FeatureChildren)) ||
        value != std::floor(value)) {
      throw Error("expected an integer layer index in [0, " +
                  std::to_string(kVgg16FeatureChildren) + "], got " + number_text(value));
    }
    hp.layer = static_cast<std::int64_t>(value);
  } else if (name == "lr_body" || name == "lr_head") {
    if (!(value > 0) || !std::isfinite(value))
      throw Error("expected a finite learning rate above 0, got " + number_text(value));
    (name == "lr_body" ? hp.lr_body : hp.lr_head) = value;
  } else {
    throw Error("unknown hyper-parameter '" + std::string(name) + "', expected " + kExpectedKeys);
  }
}

HyperParameters read_hyperparameters(const fs::path& file) {
  const std::string content = read_text_file(file, "hyper-parameter file");
  const std::string_view text = trim(content);
  if (text.empty())
    throw InputError(file, 0, "", std::string("empty file, expected ") + kExpectedKeys);
  if (text.front() == '{' || text.front() == '[') return from_literal(content, file);
  return from_lines(content, file);
}

TrainingRecipe from_scratch_recipe() {
  TrainingRecipe recipe;
  recipe.soft_targets = true;
  recipe.recalibrate_batchnorm = true;
  recipe.schedule.warmup_epochs = 1;
  recipe.schedule.cosine = true;
  return recipe;
}

std::string describe(const TrainingRecipe& recipe) {
  std::string text = recipe.soft_targets ? "soft targets" : "labels";
  if (recipe.label_smoothing > 0)
    text += ", label smoothing " + number_text(recipe.label_smoothing);
  if (recipe.weight_decay > 0) text += ", AdamW weight decay " + number_text(recipe.weight_decay);
  if (recipe.recalibrate_batchnorm) text += ", BatchNorm recalibrated";
  text += ", learning rates " + describe(recipe.schedule);
  return text;
}

}  // namespace galaxyzoo
