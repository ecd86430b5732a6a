// libFuzzer target: the parameter-file reader, read_hyperparameters() (the search's
// `key: value` and JSON files, the original's Python dict).
#include <cmath>

#include "fuzz_support.hpp"
#include "galaxyzoo/model/hyperparameters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const galaxyzoo::fuzz::InputFile file(data, size, ".txt");
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto hp = galaxyzoo::read_hyperparameters(file.path());
    // What was accepted keeps its promises: a layer VGG16 has, finite positive rates.
    if (hp.layer < 0 || hp.layer > galaxyzoo::kVgg16FeatureChildren) std::abort();
    if (!(hp.lr_body > 0) || !std::isfinite(hp.lr_body)) std::abort();
    if (!(hp.lr_head > 0) || !std::isfinite(hp.lr_head)) std::abort();
  });
  return 0;
}
