#include "galaxyzoo/data/fits_table.hpp"

#include <fitsio.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "images/fits_hdus.hpp"

namespace galaxyzoo {
namespace {

// cfitsio's text for @p status, with the first message of its error stack.
std::string fits_reason(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  std::string reason = text;
  char message[FLEN_ERRMSG] = {};
  if (fits_read_errmsg(message) && message[0] != '\0') reason += " (" + std::string(message) + ")";
  fits_clear_errmsg();
  return reason;
}

struct CloseFits {
  void operator()(fitsfile* f) const noexcept {
    int status = 0;
    fits_close_file(f, &status);
  }
};
using FitsFile = std::unique_ptr<fitsfile, CloseFits>;

// An open table file: cfitsio failures become IoError naming the file.
class TableFile {
 public:
  explicit TableFile(std::filesystem::path path) : path_(std::move(path)) {}
  void check(int status, const std::string& doing) const {
    if (status != 0) throw IoError(path_, doing + ": " + fits_reason(status));
  }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

std::string shortest(double v, bool single) {
  if (std::isnan(v)) return "";
  char text[40];
  const auto r = single ? std::to_chars(text, text + sizeof text, static_cast<float>(v))
                        : std::to_chars(text, text + sizeof text, v);
  return std::string(text, r.ptr);
}

// Moves to the table HDU @p hdu (0-based; < 0: the first table) and returns its number.
int move_to_table(fitsfile* f, const TableFile& file, int hdu) {
  int status = 0, type = 0;
  const int count = count_checked_hdus(f, file.path());
  if (hdu >= count) {
    throw InputError(file.path(), 0, "HDU " + std::to_string(hdu),
                     "no such HDU: the file has " + std::to_string(count) + " (0 to " +
                         std::to_string(count - 1) + ")");
  }
  for (int h = hdu < 0 ? 1 : hdu; h < (hdu < 0 ? count : hdu + 1); ++h) {
    file.check(fits_movabs_hdu(f, h + 1, &type, &status),
               "cannot move to HDU " + std::to_string(h));
    if (type == BINARY_TBL || type == ASCII_TBL) return h;
  }
  if (hdu >= 0) {
    throw InputError(file.path(), 0, "HDU " + std::to_string(hdu),
                     "not a table (an image HDU); give the HDU of the catalogue's table");
  }
  throw InputError(
      file.path(), 0, "",
      "no table HDU among its " + std::to_string(count) + " HDUs, expected a FITS binary table");
}

// The keyword @p key's string value, or "" if absent.
std::string string_key(fitsfile* f, const std::string& key) {
  int status = 0;
  char value[FLEN_VALUE] = {};
  fits_read_key(f, TSTRING, key.c_str(), value, nullptr, &status);
  if (status != 0) fits_clear_errmsg();
  return status == 0 ? std::string(value) : std::string();
}

// The TFORM with which a column of cfitsio's equivalent type @p type is written back.
std::string format_of(int type, long long width) {
  switch (type) {
    case TBYTE:
      return "1B";
    case TSBYTE:
      return "1S";
    case TSHORT:
      return "1I";
    case TUSHORT:
      return "1U";
    case TINT:
    case TLONG:
      return "1J";
    case TUINT:
    case TULONG:
      return "1V";
    case TLONGLONG:
      return "1K";
    case TULONGLONG:
      return "1W";
    case TFLOAT:
      return "1E";
    case TDOUBLE:
      return "1D";
    case TLOGICAL:
      return "1L";
    case TSTRING:
      return std::to_string(std::max(1LL, width)) + "A";
    default:
      return "";
  }
}

// Appends column @p col read as cfitsio type @p code (C type T): text(value), or "" for nulls.
template <class T, class Text>
void read_as(fitsfile* f, const TableFile& file, int code, int col, long long rows,
             CatalogColumn& column, Text text) {
  const auto n = static_cast<std::size_t>(rows);
  std::vector<T> v(n);
  std::vector<char> null(n, 0);
  int status = 0, any = 0;
  if (n) {
    file.check(fits_read_colnull(f, code, col, 1, 1, rows, v.data(), null.data(), &any, &status),
               "cannot read column '" + column.name + "'");
  }
  for (std::size_t i = 0; i < n; ++i) column.values.push_back(null[i] ? std::string() : text(v[i]));
}

void read_values(fitsfile* f, const TableFile& file, int col, int type, long long width,
                 long long rows, CatalogColumn& column) {
  const auto decimal = [](auto v) { return std::to_string(v); };
  if (type == TSTRING) {
    const auto n = static_cast<std::size_t>(rows), w = static_cast<std::size_t>(width) + 1;
    std::vector<char> buffer(n * w, '\0');
    std::vector<char*> strings(n);
    for (std::size_t i = 0; i < n; ++i) strings[i] = buffer.data() + i * w;
    char nothing[] = "";
    int status = 0, any = 0;
    if (n) {
      file.check(fits_read_col_str(f, col, 1, 1, rows, nothing, strings.data(), &any, &status),
                 "cannot read column '" + column.name + "'");
    }
    for (std::size_t i = 0; i < n; ++i) column.values.emplace_back(strings[i]);
  } else if (type == TLOGICAL) {
    read_as<char>(f, file, TLOGICAL, col, rows, column,
                  [](char b) { return std::string(b ? "T" : "F"); });
  } else if (type == TULONGLONG) {
    read_as<unsigned long long>(f, file, TULONGLONG, col, rows, column, decimal);
  } else if (column.type == ColumnType::integer) {
    read_as<long long>(f, file, TLONGLONG, col, rows, column, decimal);
  } else {
    read_as<double>(f, file, TDOUBLE, col, rows, column,
                    [type](double v) { return shortest(v, type == TFLOAT); });
  }
}

CatalogColumn read_column(fitsfile* f, const TableFile& file, int hdu, int col, long long rows) {
  CatalogColumn column;
  const std::string n = std::to_string(col);
  column.name = string_key(f, "TTYPE" + n);
  column.unit = string_key(f, "TUNIT" + n);
  const std::string where = "HDU " + std::to_string(hdu) + " column " + n;
  if (column.name.empty())
    throw InputError(file.path(), 0, where, "a column without a name (TTYPE" + n + ")");
  int status = 0, type = 0;
  long long repeat = 0, width = 0;
  file.check(fits_get_eqcoltypell(f, col, &type, &repeat, &width, &status),
             "cannot read the type of " + where);
  const std::string tform = string_key(f, "TFORM" + n);
  if (type < 0)
    throw InputError(
        file.path(), 0, column.name,
        "a variable-length column (TFORM '" + tform + "'): only scalar columns are read");
  if (type != TSTRING && repeat != 1)
    throw InputError(file.path(), 0, column.name,
                     "a vector column of " + std::to_string(repeat) + " values a row (TFORM '" +
                         tform + "'): only scalar columns are read");
  column.fits_format = format_of(type, width);
  if (column.fits_format.empty())
    throw InputError(
        file.path(), 0, column.name,
        "a column of type '" + tform + "' (bits or complex numbers), which is not read");
  switch (type) {
    case TSTRING:
      column.type = ColumnType::text;
      break;
    case TLOGICAL:
      column.type = ColumnType::logical;
      break;
    case TFLOAT:
    case TDOUBLE:
      column.type = ColumnType::real;
      break;
    default:
      column.type = ColumnType::integer;
  }
  read_values(f, file, col, type, width, rows, column);
  return column;
}

// Whether @p s is a whole number as written plainly (no sign '+', no leading zeros).
bool plain_integer(const std::string& s) {
  long long v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::to_string(v) == s;
}

bool number_or_empty(const std::string& s) {
  if (s.empty()) return true;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && !std::isspace(static_cast<unsigned char>(s.front()));
}

// A number or empty, and no leading zero before a digit ("007" is a code, not a number).
bool plain_number_or_empty(const std::string& s) {
  const std::size_t first = s.find_first_not_of("+-");
  const bool padded = first != std::string::npos && first + 1 < s.size() && s[first] == '0' &&
                      std::isdigit(static_cast<unsigned char>(s[first + 1]));
  return !padded && number_or_empty(s);
}

bool has_empty(const CatalogColumn& c) {
  return std::any_of(c.values.begin(), c.values.end(), [](const auto& v) { return v.empty(); });
}

// The TNULL of an integer column of TFORM letter @p letter with empty values: the type's
// smallest value (I, J, K); 0 for the types written as K instead (B, S, U, V, W).
long long null_of(char letter) {
  if (letter == 'I') return std::numeric_limits<short>::min();
  if (letter == 'J') return std::numeric_limits<std::int32_t>::min();
  if (letter == 'K') return std::numeric_limits<long long>::min();
  return 0;
}

// The TFORM @p c is written with (write_fits_table()'s rules).
std::string format_to_write(const CatalogColumn& c) {
  const auto& v = c.values;
  std::string format = c.fits_format;
  if (format.empty()) {
    if (c.type == ColumnType::integer) format = "1K";
    if (c.type == ColumnType::real) format = "1D";
    if (c.type == ColumnType::logical) format = "1L";
  }
  if (format.empty()) {  // text: chosen from the values
    const bool any =
        !v.empty() && !std::all_of(v.begin(), v.end(), [](const auto& s) { return s.empty(); });
    if (any && std::all_of(v.begin(), v.end(),
                           [](const auto& s) { return s.empty() || plain_integer(s); }))
      return "1K";
    if (any && std::all_of(v.begin(), v.end(), plain_number_or_empty)) return "1D";
    std::size_t width = 1;
    for (const auto& s : v) width = std::max(width, s.size());
    return std::to_string(width) + "A";
  }
  const char letter = format.back();
  if (std::string("BSIUJV").find(letter) == std::string::npos || !has_empty(c)) return format;
  // Empty values need a TNULL: the type's smallest value, unless a value is that already.
  const std::string null = std::to_string(null_of(letter));
  if (null != "0" && std::find(v.begin(), v.end(), null) == v.end()) return format;
  return "1K";
}

std::string value_error(const CatalogColumn& c, std::size_t row, const std::string& format) {
  return "catalogue column '" + c.name + "' row " + std::to_string(row + 1) + ": '" +
         c.values[row] + "' does not fit its FITS type " + format;
}

// The values of @p c parsed as T (empty ones as @p empty; refused if @p empty is unset).
template <class T>
std::vector<T> parsed(const CatalogColumn& c, const std::string& format, std::optional<T> empty) {
  std::vector<T> v(c.values.size());
  for (std::size_t r = 0; r < c.values.size(); ++r) {
    const std::string& s = c.values[r];
    if (s.empty() && empty) {
      v[r] = *empty;
      continue;
    }
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v[r]);
    if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
      throw Error(value_error(c, r, format));
  }
  return v;
}

// Bytes of a binary-table field of TFORM @p format ("1K", "16A").
std::size_t field_bytes(const std::string& format) {
  const std::size_t repeat =
      format.size() > 1 ? std::stoul(format.substr(0, format.size() - 1)) : 1;
  switch (format.back()) {
    case 'I':
    case 'U':
      return 2 * repeat;
    case 'J':
    case 'V':
    case 'E':
      return 4 * repeat;
    case 'K':
    case 'W':
    case 'D':
      return 8 * repeat;
    default:
      return repeat;  // A, L, B, S
  }
}

// Writes column @p col (1-based), whose fields start at byte @p offset of a row.
void write_column(fitsfile* f, const TableFile& file, int col, long long offset,
                  const CatalogColumn& c, const std::string& format) {
  int status = 0;
  const auto n = static_cast<long long>(c.values.size());
  if (n == 0) return;
  const std::string doing = "cannot write column '" + c.name + "'";
  const char letter = format.back();
  if (letter == 'A') {  // as bytes, padded with NULs as astropy writes (cfitsio pads with spaces)
    const std::size_t width = field_bytes(format);
    std::vector<unsigned char> cell(width);
    for (std::size_t r = 0; r < c.values.size(); ++r) {
      const std::string& s = c.values[r];
      if (s.size() > width) throw Error(value_error(c, r, format));
      std::fill(std::copy(s.begin(), s.end(), cell.begin()), cell.end(), 0);
      file.check(fits_write_tblbytes(f, static_cast<long long>(r) + 1, offset + 1,
                                     static_cast<long long>(width), cell.data(), &status),
                 doing);
    }
  } else if (letter == 'L') {
    std::vector<char> v;
    for (std::size_t r = 0; r < c.values.size(); ++r) {
      const std::string& s = c.values[r];
      if (s != "T" && s != "F" && !s.empty()) throw Error(value_error(c, r, format));
      v.push_back(s.empty() ? 2 : s == "T" ? 1 : 0);
    }
    char null = 2;
    file.check(fits_write_colnull(f, TLOGICAL, col, 1, 1, n, v.data(), &null, &status), doing);
  } else if (letter == 'E' || letter == 'D') {
    std::vector<double> v;
    for (std::size_t r = 0; r < c.values.size(); ++r) {
      if (!number_or_empty(c.values[r])) throw Error(value_error(c, r, format));
      v.push_back(c.values[r].empty() ? std::nan("") : std::strtod(c.values[r].c_str(), nullptr));
    }
    file.check(fits_write_col(f, TDOUBLE, col, 1, 1, n, v.data(), &status), doing);
  } else if (letter == 'W') {
    auto v = parsed<unsigned long long>(c, format, std::nullopt);
    file.check(fits_write_col(f, TULONGLONG, col, 1, 1, n, v.data(), &status), doing);
  } else {
    long long null = null_of(letter);
    auto v = parsed<long long>(c, format, null);
    if (has_empty(c)) {
      const std::string key = "TNULL" + std::to_string(col);
      file.check(fits_write_key(f, TLONGLONG, key.c_str(), &null, "undefined value", &status),
                 doing);
    }
    file.check(fits_write_col(f, TLONGLONG, col, 1, 1, n, v.data(), &status), doing);
  }
}

// The bytes of a FITS file holding @p catalog as a binary table.
std::string fits_table_bytes(const TableFile& file, const Catalog& catalog) {
  struct Memory {  // cfitsio grows it with realloc; freed after the file is closed
    void* buffer = nullptr;
    std::size_t size = 0;
    ~Memory() { std::free(buffer); }
  } memory;
  fitsfile* raw = nullptr;
  int status = 0;
  fits_create_memfile(&raw, &memory.buffer, &memory.size, 2880 * 16, std::realloc, &status);
  FitsFile f(raw);
  file.check(status, "cannot create the FITS table in memory");
  std::vector<std::string> names, formats, units;
  for (const auto& c : catalog.columns) {
    names.push_back(c.name);
    formats.push_back(format_to_write(c));
    units.push_back(c.unit);
  }
  std::vector<char*> ttype, tform, tunit;
  for (std::size_t i = 0; i < names.size(); ++i) {
    ttype.push_back(names[i].data());
    tform.push_back(formats[i].data());
    tunit.push_back(units[i].data());
  }
  char extname[] = "CATALOG";
  file.check(fits_create_tbl(raw, BINARY_TBL, static_cast<long long>(catalog.rows()),
                             static_cast<int>(names.size()), ttype.data(), tform.data(),
                             tunit.data(), extname, &status),
             "cannot create the FITS table");
  long long offset = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    write_column(raw, file, static_cast<int>(i) + 1, offset, catalog.columns[i], formats[i]);
    offset += static_cast<long long>(field_bytes(formats[i]));
  }
  long long head = 0, data = 0, end = 0;
  file.check(fits_flush_file(raw, &status), "cannot write the FITS table");
  file.check(fits_get_hduaddrll(raw, &head, &data, &end, &status), "cannot write the FITS table");
  f.reset();  // closes the file: memory now holds all of it
  const auto bytes = static_cast<std::size_t>((end + 2879) / 2880 * 2880);
  return std::string(static_cast<const char*>(memory.buffer), std::min(bytes, memory.size));
}

}  // namespace

void write_fits_table(const std::filesystem::path& path, const Catalog& catalog) {
  const TableFile file(path);
  write_file_atomically(path, fits_table_bytes(file, catalog));
}

Catalog read_fits_table(const std::filesystem::path& path, int hdu) {
  const TableFile file(path);
  fitsfile* raw = nullptr;
  int status = 0;
  fits_open_diskfile(&raw, path.c_str(), READONLY, &status);
  FitsFile f(raw);
  file.check(status, "cannot open the FITS catalogue");
  const int h = move_to_table(raw, file, hdu);
  long long rows = 0;
  int cols = 0;
  file.check(fits_get_num_rowsll(raw, &rows, &status), "cannot read the table's size");
  file.check(fits_get_num_cols(raw, &cols, &status), "cannot read the table's size");
  Catalog catalog;
  catalog.source = path;
  catalog.format = Catalog::Format::fits;
  for (int c = 1; c <= cols; ++c) {
    CatalogColumn column = read_column(raw, file, h, c, rows);
    if (catalog.find(column.name) < catalog.columns.size())
      throw InputError(path, 0, column.name,
                       "appears twice among the columns of HDU " + std::to_string(h));
    catalog.columns.push_back(std::move(column));
  }
  return catalog;
}

}  // namespace galaxyzoo
