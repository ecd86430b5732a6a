#include "galaxyzoo/core/text_file.hpp"

#include <fstream>
#include <sstream>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

std::string read_text_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file, "cannot open the " + std::string(what));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(file, "cannot read the " + std::string(what));
  return text.str();
}

}  // namespace galaxyzoo
