#include "galaxyzoo/core/error.hpp"

#include <utility>

namespace galaxyzoo {
namespace {

std::string input_message(const std::filesystem::path& file, std::size_t line,
                          const std::string& key, const std::string& problem) {
  std::string message = file.string();
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!key.empty()) message += "column '" + key + "': ";
  return message + problem;
}

}  // namespace

InputError::InputError(std::filesystem::path file, std::size_t line, std::string key,
                       const std::string& problem)
    : Error(input_message(file, line, key, problem)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

IoError::IoError(std::filesystem::path path, const std::string& problem)
    : Error("'" + path.string() + "': " + problem), path_(std::move(path)) {}

}  // namespace galaxyzoo
