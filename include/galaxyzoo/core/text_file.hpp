#pragma once
/// @file
/// Reading a whole (small) text file: parameter files, search spaces, step records, stamps,
/// and lists of file names (one a line).
///
/// @code
/// const std::string text = galaxyzoo::read_text_file("space.json", "search-space file");
/// const std::vector<std::string> names = galaxyzoo::read_name_list("shard_3.txt", "file list");
/// @endcode

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace galaxyzoo {

/// The whole content of @p file, byte for byte. @p what names the file in errors.
/// @throws IoError "cannot open the WHAT" or "cannot read the WHAT", naming the file.
std::string read_text_file(const std::filesystem::path& file, std::string_view what);

/// The names listed in @p file, one a line, in their order: each line trimmed of the white
/// space around it; blank lines and lines starting with '#' are skipped. @p what names the
/// file in errors.
/// @throws IoError as read_text_file(); InputError naming the file if it lists no name, or
///         the file and line of a line holding a NUL character.
std::vector<std::string> read_name_list(const std::filesystem::path& file, std::string_view what);

/// The comma-separated fields of one line of a simple CSV file (no quoting): "a,,b," gives
/// "a", "", "b" and "".
std::vector<std::string> split_csv_fields(const std::string& line);

}  // namespace galaxyzoo
