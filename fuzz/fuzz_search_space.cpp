// libFuzzer target: the search-space JSON reader, SearchSpace::from_json(). What it
// accepts must write back to JSON that reads to an equal space.
#include "fuzz_support.hpp"
#include "galaxyzoo/hpo/search_space.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto space = galaxyzoo::SearchSpace::from_json(text, "fuzz.json");
    if (galaxyzoo::SearchSpace::from_json(space.to_json(), "round trip") != space) std::abort();
  });
  return 0;
}
