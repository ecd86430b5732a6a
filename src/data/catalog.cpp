#include "galaxyzoo/data/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"
#include "galaxyzoo/core/text_table.hpp"
#include "galaxyzoo/data/fits_table.hpp"

namespace galaxyzoo {
namespace {

// A CSV text cut into records of fields (RFC 4180), keeping the line each record starts on.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::filesystem::path file)
      : text_(text), file_(std::move(file)) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // UTF-8 byte-order mark
  }

  // The next non-blank record into @p fields; false at the end of the text.
  bool next(std::vector<std::string>& fields) {
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    record_line_ = line_;
    fields.clear();
    for (;;) {
      fields.push_back(field());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == ',') continue;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }
  // The line the last record started on (1-based).
  std::size_t line() const noexcept { return record_line_; }

 private:
  // One field, up to (not including) the comma or line end after it.
  std::string field() {
    std::string out;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const std::size_t start_line = line_;
      for (++pos_;; ++pos_) {
        if (pos_ >= text_.size())
          throw InputError(file_, start_line, "", "unterminated quoted field");
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            out += '"';
            ++pos_;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n') ++line_;
        out += c;
      }
      const std::size_t end = text_.find_first_of(",\r\n", pos_);
      const std::string_view rest = text_.substr(pos_, end - pos_);
      if (rest.find_first_not_of(" \t") != std::string_view::npos)
        throw InputError(file_, line_, "", "text after a quoted field's closing quote");
      pos_ = std::min(end, text_.size());
      return out;
    }
    const std::size_t end = std::min(text_.find_first_of(",\r\n", pos_), text_.size());
    out.assign(text_.substr(pos_, end - pos_));
    pos_ = end;
    return out;
  }

  std::string_view text_;
  std::filesystem::path file_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
};

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The columns of the header @p names, checked: none empty, none repeated.
std::vector<CatalogColumn> header_columns(const std::vector<std::string>& names,
                                          const std::filesystem::path& csv) {
  std::vector<CatalogColumn> columns;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string name(trimmed(names[i]));
    if (name.empty())
      throw InputError(csv, 1, "", "empty column name in field " + std::to_string(i + 1));
    for (const auto& c : columns) {
      if (c.name == name) throw InputError(csv, 1, name, "appears twice in the header");
    }
    columns.push_back({name, ColumnType::text, {}, {}, {}});
  }
  return columns;
}

std::string lower_case(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_as_fits(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[9] = {};
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "SIMPLE  =";
}

}  // namespace

std::size_t Catalog::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return columns.size();
}

std::size_t Catalog::column_index(std::string_view name) const {
  const std::size_t i = find(name);
  if (i < columns.size()) return i;
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  throw InputError(source, format == Format::csv ? 1 : 0, std::string(name),
                   "no such column; the columns are: " + names);
}

std::string Catalog::where(std::size_t row) const {
  if (row < lines.size()) return source.string() + ":" + std::to_string(lines[row]);
  return source.string() + " row " + std::to_string(row + 1);
}

double Catalog::number(std::size_t row, std::size_t column) const {
  const std::string value_text(trimmed(text(row, column)));
  char* end = nullptr;
  const double value = std::strtod(value_text.c_str(), &end);
  if (!value_text.empty() && end == value_text.c_str() + value_text.size() && std::isfinite(value))
    return value;
  const std::string problem = "expected a finite number, got '" + value_text + "'";
  if (row < lines.size()) throw InputError(source, lines[row], columns[column].name, problem);
  throw InputError(source, 0, columns[column].name,
                   "row " + std::to_string(row + 1) + ": " + problem);
}

void Catalog::add_column(CatalogColumn column) {
  if (find(column.name) < columns.size())
    throw Error("catalogue " + source.string() + ": a column '" + column.name + "' exists already");
  if (!columns.empty() && column.values.size() != rows()) {
    throw Error("catalogue " + source.string() + ": column '" + column.name + "' has " +
                std::to_string(column.values.size()) + " values for " + std::to_string(rows()) +
                " rows");
  }
  columns.push_back(std::move(column));
}

Catalog read_csv_catalog(const std::filesystem::path& csv) {
  const std::string text = read_text_file(csv, "catalogue");
  CsvReader reader(text, csv);
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw InputError(csv, 1, "", "empty file, expected a header line");
  Catalog catalog;
  catalog.source = csv;
  catalog.format = Catalog::Format::csv;
  catalog.columns = header_columns(fields, csv);
  while (reader.next(fields)) {
    if (fields.size() != catalog.columns.size()) {
      throw InputError(csv, reader.line(), "",
                       "a row of " + std::to_string(fields.size()) + " fields, expected " +
                           std::to_string(catalog.columns.size()) + " as in the header");
    }
    for (std::size_t i = 0; i < fields.size(); ++i)
      catalog.columns[i].values.push_back(std::move(fields[i]));
    catalog.lines.push_back(reader.line());
  }
  return catalog;
}

std::string catalog_csv(const Catalog& catalog) {
  std::string out;
  for (std::size_t c = 0; c < catalog.columns.size(); ++c)
    out += (c ? "," : "") + csv_field(catalog.columns[c].name);
  out += '\n';
  for (std::size_t r = 0; r < catalog.rows(); ++r) {
    for (std::size_t c = 0; c < catalog.columns.size(); ++c)
      out += (c ? "," : "") + csv_field(catalog.text(r, c));
    out += '\n';
  }
  return out;
}

bool is_fits_name(const std::filesystem::path& path) {
  const std::string ext = lower_case(path.extension().string());
  return ext == ".fits" || ext == ".fit" || ext == ".fts";
}

Catalog read_catalog(const std::filesystem::path& path, int fits_hdu) {
  if (starts_as_fits(path)) return read_fits_table(path, fits_hdu);
  return read_csv_catalog(path);
}

void write_catalog(const std::filesystem::path& path, const Catalog& catalog, bool fits) {
  if (fits) {
    write_fits_table(path, catalog);
  } else {
    write_file_atomically(path, catalog_csv(catalog));
  }
}

}  // namespace galaxyzoo
