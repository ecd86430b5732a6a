#pragma once
// What the fuzz targets share: the input written to a private file (most readers take a
// path, as users call them), and the rule that a galaxyzoo::Error is the expected way
// to reject bad bytes while anything else (another exception, a crash, a sanitizer
// report, a hang) is a bug.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo::fuzz {

/// The fuzzer's bytes as a file in a folder of this process's own, under $TMPDIR (or
/// /dev/shm, which keeps the disk out of it). A new name for every input, so that no
/// cache keyed by file name can answer for the previous input.
class InputFile {
 public:
  InputFile(const std::uint8_t* data, std::size_t size, std::string_view suffix) {
    static const std::filesystem::path folder = make_folder();
    static unsigned long long counter = 0;
    path_ = folder / ("input-" + std::to_string(counter++) + std::string(suffix));
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static std::filesystem::path make_folder() {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path base =
        tmp && *tmp ? tmp : (std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp");
    std::filesystem::path folder = base / ("galaxyzoo-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    return folder;
  }
  std::filesystem::path path_;
};

/// Runs @p read; a galaxyzoo::Error is a clean rejection and is swallowed. Any other
/// exception escapes, and libFuzzer reports it as a crash.
template <typename Read>
void expect_clean_rejection(Read&& read) {
  try {
    read();
  } catch (const galaxyzoo::Error&) {
  }
}

}  // namespace galaxyzoo::fuzz
