#pragma once
/// @file
/// Catalogues as FITS binary tables (cfitsio): read into a Catalog and written back, with
/// each column's type and unit kept.
///
/// @code
/// galaxyzoo::Catalog table = galaxyzoo::read_fits_table("galaxies.fits");   // first table HDU
/// galaxyzoo::write_fits_table("classified.fits", table);                    // atomic
/// @endcode
///
/// Columns read (scalar columns only: one value per row):
/// | FITS column (TFORM) | ColumnType | text of a value |
/// |---|---|---|
/// | `L` | logical | `T`, `F`; empty if undefined |
/// | `B`, `S`, `I`, `U`, `J`, `V`, `K`, `W` (TSCALE 1) | integer | decimal; empty for TNULL |
/// | `E`, `D`, integers with a TSCALE | real | shortest decimal that reads back as the same float
/// or double; empty for NaN | | `nA` | text | the string, trailing spaces removed |
///
/// A vector column (repeat above 1, other than a string), a bit (`X`), complex or
/// variable-length column is refused with an error naming it. HDUs are numbered from 0, as astropy
/// numbers them (0 is the primary HDU, which never holds a table).

#include <filesystem>

#include "galaxyzoo/data/catalog.hpp"

namespace galaxyzoo {

/// Reads the table in HDU @p hdu of the FITS file @p path (@p hdu < 0: the first HDU that
/// holds a binary or ASCII table). Each column keeps its TTYPE as name, TUNIT as unit and
/// its type (as CatalogColumn::fits_format, so that write_fits_table() writes it back alike).
/// @throws IoError naming the file if it cannot be opened or read (cfitsio's reason);
///         InputError naming the file, the HDU and the column for: no such HDU, an HDU that
///         is not a table, no table HDU at all, a column without a name or a repeated name,
///         a vector, complex or variable-length column.
Catalog read_fits_table(const std::filesystem::path& path, int hdu = -1);

/// Writes @p catalog as a FITS file (an empty primary HDU, then one binary table named
/// `CATALOG`) atomically: the file is assembled in memory and written with
/// write_file_atomically(). A column's type is its fits_format if set: empty values of an
/// integer column are written as its TNULL, the type's smallest value (`I`, `J`, `K`;
/// `B`, `S`, `U`, `V` and `W` columns with empty values, and columns holding that value,
/// become `K`). Otherwise the type is chosen from the values: `K` if every value is a
/// whole number written plainly (no leading zeros or `+`) in 64 bits or empty, else `D`
/// if every value is a number (without leading zeros) or empty (NaN), else a string column as wide
/// as the longest value; a column of no values at all is a string column. A ColumnType::integer,
/// real or logical column without a fits_format is written as `K`, `D` or `L`.
/// @throws Error naming the column and row of a value that does not fit its column's type;
///         IoError if the file cannot be written.
void write_fits_table(const std::filesystem::path& path, const Catalog& catalog);

}  // namespace galaxyzoo
