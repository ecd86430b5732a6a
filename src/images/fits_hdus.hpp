#pragma once
/// @file
/// Counting a FITS file's HDUs with cfitsio, each extension's header checked before cfitsio
/// parses it. Debian's cfitsio 4.2 copies a TTYPEn value (a column's name) into a 70-byte
/// buffer without a bound, so a header whose TTYPEn value is an unquoted run of 70
/// characters overflows it and aborts the process (fuzz_catalog found such a file). FITS
/// writes string values quoted, which leaves room for 68 characters at most, so a header
/// with an unquoted TTYPEn value is refused here instead. fits_table.cpp and
/// fits_image.cpp count the HDUs this way before they move to any of them.

#include <fitsio.h>

#include <filesystem>
#include <istream>

namespace galaxyzoo {

/// Throws InputError naming @p path, HDU @p hdu (0-based) and the card if the header
/// that starts at byte @p offset of @p in (the bytes of @p path) has a TTYPEn card whose
/// value is not a quoted string. Reads cards up to END or the end of the file; reads
/// nothing if @p offset is past the end.
void check_header_cards(std::istream& in, const std::filesystem::path& path, long long offset,
                        int hdu);

/// The number of HDUs of @p file (the FITS file @p path) that cfitsio reads, from the
/// first and stopping at the first it cannot read, as fits_get_num_hdus() counts them;
/// every extension's header passes check_header_cards() before cfitsio reads it. Leaves
/// @p file on the last HDU read.
int count_checked_hdus(fitsfile* file, const std::filesystem::path& path);

}  // namespace galaxyzoo
