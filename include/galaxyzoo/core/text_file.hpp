#pragma once
/// @file
/// Reading a whole (small) text file: parameter files, search spaces, step records, stamps.
///
/// @code
/// const std::string text = galaxyzoo::read_text_file("space.json", "search-space file");
/// @endcode

#include <filesystem>
#include <string>
#include <string_view>

namespace galaxyzoo {

/// The whole content of @p file, byte for byte. @p what names the file in errors.
/// @throws IoError "cannot open the WHAT" or "cannot read the WHAT", naming the file.
std::string read_text_file(const std::filesystem::path& file, std::string_view what);

}  // namespace galaxyzoo
