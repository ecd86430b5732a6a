#pragma once
/// @file
/// Catalogues of galaxies with any columns: a CSV file or a FITS binary table (fits_table.hpp),
/// read, extended with new columns and written back.
///
/// Unlike the Kaggle vote table (vote_table.hpp), a catalogue's columns are whatever the
/// file holds (`objid,ra,dec,mag`, ...): nothing is parsed until a caller asks for it, so
/// an identifier such as an SDSS objid of 19 digits stays exactly the text it was (never a
/// double), and every column can be written out unchanged. Values are kept as text, one
/// per row; a FITS column also keeps its type, so that it is written back as it was read.
///
/// @code
/// galaxyzoo::Catalog catalog = galaxyzoo::read_catalog("galaxies.csv");   // or .fits
/// const std::size_t ra = catalog.column_index("ra");
/// double first_ra = catalog.number(0, ra);          // "FILE:2: column 'ra': ..." if not one
/// catalog.add_column({"flag", galaxyzoo::ColumnType::integer, std::vector<std::string>(
///                                                            catalog.rows(), "0")});
/// galaxyzoo::write_catalog("out.csv", catalog);     // atomic; ".fits": a FITS table
/// @endcode

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace galaxyzoo {

/// The kind of values of a catalogue column. A CSV file's columns are all `text` (CSV has
/// no types); a FITS table's are its columns' types.
enum class ColumnType {
  text,     ///< any text (a CSV field, a FITS string column)
  integer,  ///< whole numbers (FITS integer columns of 8 to 64 bits), in decimal
  real,     ///< floating-point numbers (FITS E and D columns), shortest text that reads back
  logical,  ///< FITS logicals, as `T` and `F`
};

/// One column of a Catalog.
struct CatalogColumn {
  std::string name;                    ///< its name (the CSV header field, the FITS TTYPE)
  ColumnType type = ColumnType::text;  ///< kind of values
  std::vector<std::string> values;     ///< one per row, as text; empty: no value (null)
  /// FITS only: the column's TFORM when written to a FITS table (`1K`, `1E`, `16A`);
  /// empty: chosen from the values when writing (fits_table.hpp).
  std::string fits_format;
  std::string unit;  ///< FITS TUNIT (empty: none); not written to CSV
};

/// A table of galaxies: named columns of the same length, in file order.
class Catalog {
 public:
  /// The format a catalogue was read from.
  enum class Format {
    csv,   ///< comma-separated text with a header line
    fits,  ///< a FITS binary (or ASCII) table
  };

  std::vector<CatalogColumn> columns;  ///< in file order
  std::filesystem::path source;        ///< the file it was read from (for messages); may be empty
  Format format = Format::csv;         ///< what source is
  /// CSV: the line of each row in source (1 is the header), for messages; empty for FITS.
  std::vector<std::size_t> lines;

  /// Number of rows (0 without columns).
  std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().values.size(); }
  /// Index of the column called @p name, or columns.size() if there is none.
  std::size_t find(std::string_view name) const noexcept;
  /// Index of the column called @p name.
  /// @throws InputError naming the file and the column, and listing the columns there are.
  std::size_t column_index(std::string_view name) const;
  /// The value of row @p row in column @p column, as text (no bounds check).
  const std::string& text(std::size_t row, std::size_t column) const noexcept {
    return columns[column].values[row];
  }
  /// The value of row @p row in column @p column as a finite number (decimal, with an
  /// optional exponent, spaces around it ignored).
  /// @throws InputError naming the file, the row (CSV: its line) and the column if it is
  ///         empty or not a finite number.
  double number(std::size_t row, std::size_t column) const;
  /// Where row @p row is, for messages: "FILE:LINE" for CSV, "FILE row N" (1-based) for FITS.
  std::string where(std::size_t row) const;
  /// Appends @p column.
  /// @throws Error if a column of that name exists or its length differs from rows().
  void add_column(CatalogColumn column);
};

/// Reads a CSV catalogue: a header line of unique, non-empty column names, then one row
/// per line with as many fields (RFC 4180: a field in double quotes may hold commas, line
/// breaks and doubled quotes; `\r\n` line ends, a UTF-8 byte-order mark and a missing
/// final newline are accepted; blank lines are skipped). Every column is ColumnType::text,
/// its values the fields as written (quotes removed).
/// @throws IoError if the file cannot be read; InputError naming the file, line and column
///         for an empty file, an empty or repeated column name, a row with another number of
///         fields than the header (both counts given) or an unterminated quoted field.
Catalog read_csv_catalog(const std::filesystem::path& csv);

/// The catalogue as CSV text: the header, then one line per row, each field as it is or
/// quoted where needed (csv_field()).
std::string catalog_csv(const Catalog& catalog);

/// Whether a catalogue written to @p path is a FITS table: its name ends in `.fits`, `.fit`
/// or `.fts` (any case).
bool is_fits_name(const std::filesystem::path& path);

/// Reads a catalogue, a FITS table if the file starts as FITS files do (`SIMPLE  =`),
/// otherwise CSV. @p fits_hdu chooses the FITS table's HDU (read_fits_table()).
/// @throws as read_csv_catalog() and read_fits_table().
Catalog read_catalog(const std::filesystem::path& path, int fits_hdu = -1);

/// Writes @p catalog to @p path atomically: as a FITS binary table (write_fits_table())
/// if @p fits, else as CSV (catalog_csv()).
/// @throws IoError if it cannot be written; Error as write_fits_table().
void write_catalog(const std::filesystem::path& path, const Catalog& catalog, bool fits);

}  // namespace galaxyzoo
