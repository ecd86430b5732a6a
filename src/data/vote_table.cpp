#include "galaxyzoo/data/vote_table.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

constexpr std::string_view kIdColumn = "GalaxyID";
// Fractions a hair outside [0, 1] from rounding in someone's export are accepted.
constexpr double kRangeTolerance = 1e-9;
// The answers of one question may sum this much above 1 (question 1: this far from 1)
// before a row is reported: catalogues rounded to two decimals stay within it.
constexpr double kSumTolerance = 0.05;
constexpr std::size_t kMaxSumWarnings = 10;  // rows named one by one; the rest are counted

// What one field of every line holds.
enum class Field : char { id, fraction, ignored };

// A whole file in one buffer. The buffer is not zero-filled first: at 16 MB, touching
// it twice would cost as much as parsing part of it.
struct FileBytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const noexcept { return {data.get(), size}; }
};

FileBytes read_whole_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError(path, "is a folder, expected a CSV file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  // Sized for the file plus one byte, so that reaching the end needs no second buffer;
  // grows if the file was appended to meanwhile (or its size is unknown).
  const std::uintmax_t expected = std::filesystem::file_size(path, ec);
  std::size_t capacity = ec ? std::size_t{1} << 16 : static_cast<std::size_t>(expected) + 1;
  FileBytes bytes;
  bytes.data.reset(new char[capacity]);
  for (;;) {
    bytes.size += std::fread(bytes.data.get() + bytes.size, 1, capacity - bytes.size, file);
    if (bytes.size < capacity) break;  // end of file (or an error, checked below)
    std::unique_ptr<char[]> bigger(new char[capacity * 2]);
    std::memcpy(bigger.get(), bytes.data.get(), bytes.size);
    bytes.data = std::move(bigger);
    capacity *= 2;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw IoError(path, "read error");
  return bytes;
}

// Number of '\n' in @p s (memchr is vectorised in every C library).
std::size_t count_newlines(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char* p = s.data();
       (p = static_cast<const char*>(
            std::memchr(p, '\n', static_cast<std::size_t>(s.data() + s.size() - p)))) != nullptr;
       ++p) {
    ++n;
  }
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// Splits one line into fields without allocating; returns the number of fields.
std::size_t split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(trim(line.substr(start)));
      break;
    }
    fields.push_back(trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
  return fields.size();
}

std::string quoted(std::string_view s) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "'";
  out += s.size() > kMaxShown ? std::string(s.substr(0, kMaxShown)) + "..." : std::string(s);
  return out + "'";
}

constexpr double kPowersOf10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Parsing 2.3 million vote fractions is most of reading the Kaggle file, so numbers take
// the fastest exact path that fits them:
//  1. "d.dddddddd" (one digit, a point, 1 to 8 decimals; nearly every vote fraction):
//     the decimals are read eight bytes at a time (no per-digit loop, whose exit the
//     processor mispredicts once per field).
//  2. Any other plain decimal of at most 15 digits, digit by digit.
//  3. Everything else (signs, exponents, "nan", long mantissas): std::from_chars.
// Paths 1 and 2 form an integer m < 2^53 and divide by an exact 10^k, which is correctly
// rounded: the same double std::from_chars returns.

#if (defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) || defined(_M_X64) || \
    defined(_M_ARM64)
constexpr bool kLittleEndian = true;
#else
constexpr bool kLittleEndian = false;
#endif

// Path 1. @p first points at the field, @p last at the end of the line. Returns the end of
// the number, or nullptr if it does not have that form (or fewer than 10 bytes are left).
const char* parse_short_fraction(const char* first, const char* last, double& value) noexcept {
  if (!kLittleEndian || last - first < 10 || first[0] < '0' || first[0] > '9' || first[1] != '.') {
    return nullptr;
  }
  std::uint64_t chunk = 0;
  std::memcpy(&chunk, first + 2, 8);  // the 8 bytes after the point, first one lowest
  const std::uint64_t digits = chunk - 0x3030303030303030ULL;  // '0'..'9' -> 0..9 per byte
  // The top bit of each byte that is not a digit (exact up to the first such byte; the
  // bytes after it are not used).
  const std::uint64_t non_digit =
      ((digits + 0x7676767676767676ULL) | digits) & 0x8080808080808080ULL;
  if (non_digit == 0) return nullptr;  // 8 or more decimals: path 2
  const int decimals = __builtin_ctzll(non_digit) / 8;
  const char* const end = first + 2 + decimals;
  if (decimals == 0 || *end == 'e' || *end == 'E') return nullptr;
  // Shift the decimals to the top bytes, then add neighbouring bytes, pairs and quads:
  // the eight digits as one number, read left to right.
  std::uint64_t v = digits << (8 * (8 - decimals));
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
  v = (v * 10000 + (v >> 32)) & 0x00000000FFFFFFFFULL;
  const auto scale = static_cast<std::uint64_t>(kPowersOf10[decimals]);
  value = static_cast<double>(static_cast<std::uint64_t>(first[0] - '0') * scale + v) /
          kPowersOf10[decimals];
  return end;
}

// Path 2: a plain decimal ("0.383147", "1", "0.5") of at most 15 digits.
const char* parse_plain_decimal(const char* first, const char* last, double& value) noexcept {
  std::uint64_t m = 0;
  const char* p = first;
  while (p != last && *p >= '0' && *p <= '9') m = m * 10 + static_cast<unsigned>(*p++ - '0');
  const auto digits = p - first;
  std::ptrdiff_t decimals = 0;
  if (digits == 0) return nullptr;
  if (p != last && *p == '.') {
    const char* const point = p++;
    while (p != last && *p >= '0' && *p <= '9') m = m * 10 + static_cast<unsigned>(*p++ - '0');
    decimals = p - point - 1;
    if (decimals == 0) return nullptr;
  }
  if (digits + decimals > 15 || (p != last && (*p == 'e' || *p == 'E'))) return nullptr;
  value = static_cast<double>(m) / kPowersOf10[decimals];
  return p;
}

// Parses the number at the start of [first, last) (the rest of the line); returns its
// end, or nullptr if there is no number there.
const char* parse_number(const char* first, const char* last, double& value) noexcept {
  if (const char* end = parse_short_fraction(first, last, value)) return end;
  if (const char* end = parse_plain_decimal(first, last, value)) return end;
  const auto [end, ec] = std::from_chars(first, last, value);
  return ec == std::errc() ? end : nullptr;
}

// Reads the header line: the role of each field into @p roles, the names of all fields
// into @p names and those of the fraction columns (the 37 answers and @p extra), in
// order, into @p columns.
void read_header(std::string_view header, const std::filesystem::path& csv,
                 const std::vector<std::string>& extra, std::vector<Field>& roles,
                 std::vector<std::string>& names, std::vector<std::string>& columns) {
  if (trim(header).empty()) throw InputError(csv, 1, "", "empty file, expected a header line");
  std::vector<std::string_view> fields;
  split_fields(header, fields);
  const auto& answers = kaggle_vote_columns();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view name = fields[i];
    if (name.empty())
      throw InputError(csv, 1, "", "empty column name in field " + std::to_string(i + 1));
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw InputError(csv, 1, std::string(name), "appears twice in the header");
    names.emplace_back(name);
    if (name == kIdColumn) {
      roles.push_back(Field::id);
    } else if (std::find(answers.begin(), answers.end(), name) != answers.end() ||
               std::find(extra.begin(), extra.end(), name) != extra.end()) {
      roles.push_back(Field::fraction);
      columns.emplace_back(name);
    } else {
      roles.push_back(Field::ignored);
    }
  }
  if (std::find(roles.begin(), roles.end(), Field::id) == roles.end())
    throw InputError(csv, 1, std::string(kIdColumn), "missing column in the header");
}

// Throws for the first repeated GalaxyID in file order, naming the line where it repeats
// and the line where it first appeared. @p lines holds the line number of each row.
void check_unique_ids(const std::vector<std::int64_t>& ids, const std::vector<std::size_t>& lines,
                      const std::filesystem::path& csv) {
  // Kaggle lists IDs in increasing order: then they are distinct, no look-up needed.
  if (std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<>()) == ids.end()) return;
  std::unordered_map<std::int64_t, std::size_t> first_row;
  first_row.reserve(ids.size());
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const auto [it, inserted] = first_row.emplace(ids[r], r);
    if (!inserted) {
      throw InputError(csv, lines[r], std::string(kIdColumn),
                       "GalaxyID " + std::to_string(ids[r]) + " repeats line " +
                           std::to_string(lines[it->second]));
    }
  }
}

// One data line, parsed in place: each number is parsed where its field starts; a field
// that is not a bare number followed by a comma (spaces, quotes, garbage) is cut out and
// trimmed before it is parsed again, and reported if it still is not a number.
class LineParser {
 public:
  LineParser(const std::filesystem::path& csv, std::size_t line_number, std::string_view line)
      : csv_(csv), line_number_(line_number), line_(line), end_(line.data() + line.size()) {}

  const char* begin() const { return line_.data(); }
  const char* end() const { return end_; }

  InputError wrong_field_count(std::size_t num_fields) const {
    const auto found = static_cast<std::size_t>(std::count(line_.begin(), line_.end(), ',')) + 1;
    return InputError(csv_, line_number_, "",
                      "expected " + std::to_string(num_fields) +
                          " fields as in the header, found " + std::to_string(found));
  }

  // The GalaxyID in the field at @p p; returns the end of the field.
  const char* id(const char* p, std::int64_t& id) const {
    auto parse_id = [&id](const char* first, const char* last) -> const char* {
      const auto [end, ec] = std::from_chars(first, last, id);
      return ec == std::errc() ? end : nullptr;
    };
    const char* next = field(p, parse_id, kIdColumn, "expected a positive integer, got ");
    if (id <= 0) {
      throw InputError(csv_, line_number_, std::string(kIdColumn),
                       "expected a positive integer, got " + quoted(field_at(p)));
    }
    return next;
  }

  // Skips the field at @p p, of column @p key, which is not read: any text, or a quoted
  // text that may hold commas ("" inside is a quote); returns the end of the field.
  const char* skip(const char* p, std::string_view key) const {
    while (p != end_ && (*p == ' ' || *p == '\t')) ++p;
    if (p != end_ && *p == '"') {
      for (++p;; ++p) {
        p = std::find(p, end_, '"');
        if (p == end_)
          throw InputError(csv_, line_number_, std::string(key), "unterminated quoted field");
        if (p + 1 == end_ || p[1] != '"') break;
        ++p;  // "" : a quote inside the field
      }
    }
    return std::find(p, end_, ',');
  }

  // The vote fraction of column @p key in the field at @p p; returns the end of the field.
  const char* fraction(const char* p, std::string_view key, double& value) const {
    auto parse_fraction = [&value](const char* first, const char* last) {
      return parse_number(first, last, value);
    };
    const char* next = field(p, parse_fraction, key, "expected a number in [0, 1], got ");
    if (!std::isfinite(value) || value < -kRangeTolerance || value > 1.0 + kRangeTolerance) {
      throw InputError(csv_, line_number_, std::string(key),
                       "expected a vote fraction in [0, 1], got " + quoted(field_at(p)));
    }
    return next;
  }

 private:
  // The whole field starting at @p p, trimmed.
  std::string_view field_at(const char* p) const {
    const char* comma = std::find(p, end_, ',');
    return trim(std::string_view(p, static_cast<std::size_t>(comma - p)));
  }

  // Parses the field at @p p with @p parse; returns the end of the field.
  template <class Parse>
  const char* field(const char* p, Parse&& parse, std::string_view key,
                    const char* expected) const {
    const char* next = parse(p, end_);
    if (next != nullptr && (next == end_ || *next == ',')) return next;
    const std::string_view field = field_at(p);
    const char* field_end = field.data() + field.size();
    if (field.empty() || parse(field.data(), field_end) != field_end) {
      throw InputError(csv_, line_number_, std::string(key), std::string(expected) + quoted(field));
    }
    return std::find(field_end, end_, ',');
  }

  const std::filesystem::path& csv_;
  std::size_t line_number_;
  std::string_view line_;
  const char* end_;
};

// Parses data line @p line, number @p line_number, of a file whose fields have the
// roles @p roles (and the names @p names): appends its GalaxyID to table.galaxy_ids and
// writes its fractions to @p values (table.columns.size() of them).
void read_row(const std::filesystem::path& csv, std::size_t line_number, std::string_view line,
              const std::vector<Field>& roles, const std::vector<std::string>& names,
              VoteTable& table, double* values) {
  const LineParser parser(csv, line_number, line);
  const std::size_t num_fields = roles.size();
  std::size_t column = 0;
  std::size_t field_index = 0;
  for (const char* p = parser.begin();; ++field_index) {
    if (field_index == num_fields) throw parser.wrong_field_count(num_fields);
    if (roles[field_index] == Field::id) {
      std::int64_t id = 0;
      p = parser.id(p, id);
      table.galaxy_ids.push_back(id);
    } else if (roles[field_index] == Field::ignored) {
      p = parser.skip(p, names[field_index]);
    } else {
      double value = 0.0;
      p = parser.fraction(p, table.columns[column], value);
      values[column++] = value;
    }
    if (p == parser.end()) break;
    ++p;  // the comma
  }
  if (field_index + 1 != num_fields) throw parser.wrong_field_count(num_fields);
}

// The questions all of whose answer columns are in @p table ("Class1" -> their indices).
std::map<std::string, std::vector<Eigen::Index>> complete_questions(const VoteTable& table) {
  std::map<std::string, std::vector<Eigen::Index>> questions;
  std::set<std::string> incomplete;
  for (const auto& answer : kaggle_vote_columns()) {
    const std::string question = answer.substr(0, answer.find('.'));
    const auto it = std::find(table.columns.begin(), table.columns.end(), answer);
    if (it == table.columns.end()) incomplete.insert(question);
    if (it != table.columns.end()) questions[question].push_back(it - table.columns.begin());
  }
  for (const auto& question : incomplete) questions.erase(question);
  return questions;
}

// Fills table.warnings for the rows where the answers of one question cannot add up: the
// answers of question 1 sum to 1, those of a later question to the fraction of
// volunteers who reached it, at most 1. @p lines holds the line number of each row.
void check_answer_sums(VoteTable& table, const std::vector<std::size_t>& lines) {
  const auto questions = complete_questions(table);
  std::size_t reported = 0;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    for (const auto& [question, answers] : questions) {
      double sum = 0;
      for (const auto c : answers) sum += table.fractions(static_cast<Eigen::Index>(r), c);
      const bool first = question == "Class1";
      if (sum <= 1 + kSumTolerance && (!first || sum >= 1 - kSumTolerance)) continue;
      if (++reported <= kMaxSumWarnings) {
        char total[32];
        std::snprintf(total, sizeof total, "%.4g", sum);
        table.warnings.push_back(table.source.string() + ":" + std::to_string(lines[r]) +
                                 ": GalaxyID " + std::to_string(table.galaxy_ids[r]) +
                                 ": the answers of " + question + ".* sum to " + total +
                                 (first ? ", expected 1" : ", more than 1"));
      }
      break;  // one report per row
    }
  }
  if (reported > kMaxSumWarnings) {
    table.warnings.push_back(table.source.string() + ": and " +
                             std::to_string(reported - kMaxSumWarnings) +
                             " more rows whose answers cannot add up");
  }
}

}  // namespace

const std::vector<std::string>& kaggle_vote_columns() {
  // Answers per question of the Galaxy Zoo 2 tree, as numbered in the Kaggle file.
  static const std::vector<std::string> columns = [] {
    const int answers[] = {3, 2, 2, 2, 4, 2, 3, 7, 3, 3, 6};
    std::vector<std::string> names;
    for (int q = 0; q < 11; ++q) {
      for (int a = 1; a <= answers[q]; ++a) {
        names.push_back("Class" + std::to_string(q + 1) + "." + std::to_string(a));
      }
    }
    return names;
  }();
  return columns;
}

Eigen::Index VoteTable::column_index(std::string_view name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    throw InputError(source.empty() ? std::filesystem::path("<vote table>") : source, 1,
                     std::string(name), "missing column in the header");
  }
  return static_cast<Eigen::Index>(it - columns.begin());
}

VoteTable read_vote_table(const std::filesystem::path& csv,
                          const std::vector<std::string>& fraction_columns) {
  const FileBytes content = read_whole_file(csv);
  std::string_view rest = content.view();
  if (rest.size() >= 3 && rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // BOM

  auto next_line = [&rest]() {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };

  VoteTable table;
  table.source = csv;

  std::vector<Field> roles;
  std::vector<std::string> names;
  read_header(next_line(), csv, fraction_columns, roles, names, table.columns);

  // One row per remaining line (blank lines make this an overestimate, trimmed at the end).
  const auto max_rows =
      static_cast<Eigen::Index>(count_newlines(rest) + (!rest.empty() && rest.back() != '\n'));
  const auto num_columns = static_cast<Eigen::Index>(table.columns.size());
  table.fractions.resize(max_rows, num_columns);
  table.galaxy_ids.reserve(static_cast<std::size_t>(max_rows));
  std::vector<std::size_t> line_of_row;
  line_of_row.reserve(static_cast<std::size_t>(max_rows));

  std::size_t line_number = 1;
  Eigen::Index row = 0;
  while (!rest.empty()) {
    const std::string_view line = next_line();
    ++line_number;
    if (trim(line).empty()) continue;  // blank lines (typically the last one)
    read_row(csv, line_number, line, roles, names, table,
             table.fractions.data() + row * num_columns);
    line_of_row.push_back(line_number);
    ++row;
  }
  check_unique_ids(table.galaxy_ids, line_of_row, csv);
  if (row == 0) throw InputError(csv, 0, "", "no data rows after the header");
  if (row != max_rows) table.fractions.conservativeResize(row, num_columns);
  check_answer_sums(table, line_of_row);
  return table;
}

void write_vote_table(const std::filesystem::path& csv, const VoteTable& table) {
  std::string out;
  out.reserve(table.rows() * (table.columns.size() * 9 + 10) + 512);
  out += kIdColumn;
  for (const auto& name : table.columns) {
    out += ',';
    out += name;
  }
  out += '\n';
  char buffer[64];
  for (std::size_t r = 0; r < table.rows(); ++r) {
    auto [id_end, id_ec] = std::to_chars(buffer, buffer + sizeof buffer, table.galaxy_ids[r]);
    out.append(buffer, id_end);
    for (Eigen::Index c = 0; c < table.fractions.cols(); ++c) {
      buffer[0] = ',';
      char* end = std::to_chars(buffer + 1, buffer + sizeof buffer,
                                table.fractions(static_cast<Eigen::Index>(r), c),
                                std::chars_format::fixed, 6)
                      .ptr;
      // Drop trailing zeros but keep one decimal, as the Kaggle file does ("1.0", "0.25").
      while (end - buffer > 4 && end[-1] == '0' && end[-2] != '.') --end;
      out.append(buffer, end);
    }
    out += '\n';
  }
  write_file_atomically(csv, out);
}

}  // namespace galaxyzoo
