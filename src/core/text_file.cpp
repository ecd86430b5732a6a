#include "galaxyzoo/core/text_file.hpp"

#include <cctype>
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

std::vector<std::string> read_name_list(const std::filesystem::path& file, std::string_view what) {
  std::istringstream text(read_text_file(file, what));
  std::vector<std::string> names;
  std::string line;
  std::size_t line_number = 0;
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (std::getline(text, line)) {
    ++line_number;
    if (line.find('\0') != std::string::npos)
      throw InputError(file, line_number, "", "expected a file name, found a NUL character");
    std::size_t begin = 0, end = line.size();
    while (begin < end && space(line[begin])) ++begin;
    while (end > begin && space(line[end - 1])) --end;
    if (begin == end || line[begin] == '#') continue;
    names.push_back(line.substr(begin, end - begin));
  }
  if (names.empty()) throw InputError(file, 0, "", "the " + std::string(what) + " names no file");
  return names;
}

std::vector<std::string> split_csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

}  // namespace galaxyzoo
