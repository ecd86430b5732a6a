// libFuzzer target: the model-file loader, load_classifier(), on any bytes as found on
// disk. The seal (sealed_file.hpp) must turn every damaged file into a CorruptFileError
// before LibTorch parses anything; fuzz_torch_archive goes past the seal.
#include "fuzz_support.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

#include <torch/utils.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const galaxyzoo::fuzz::InputFile file(data, size, ".pt");
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto loaded = galaxyzoo::load_classifier(file.path());
    if (static_cast<std::int64_t>(loaded.class_names.size()) !=
        loaded.model->options().num_classes())
      std::abort();
  });
  return 0;
}
