// Fuzzes the example programs' command lines. An input is an argument vector, its
// arguments separated by NUL bytes (as no argument can hold one), the first naming the
// program (support/programs.hpp; another name: the input is skipped), e.g.
// "train_model\0--epochs\0-1". The program runs in Program's parse-only mode: CLI11
// parses, every flag's range and the programs' checks of several flags run, and the
// program's work does not. Exit status 0 (a valid command line, --help, --version) or 2
// (a usage error) is the expected result; anything else (status 1, an exception escaping,
// a crash, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "program.hpp"
#include "programs.hpp"

namespace gz = galaxyzoo::examples;

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gz::Program::set_parse_only(true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  for (const auto& program : gz::kPrograms) {
    if (args.front() != program.name) continue;
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int status = program.main(static_cast<int>(args.size()), argv.data());
    if (status != gz::kExitOk && status != gz::kExitUsage) {
      std::fprintf(stderr, "%s: exit status %d in parse-only mode\n", program.name, status);
      std::abort();
    }
  }
  return 0;
}
