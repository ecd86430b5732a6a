// libFuzzer target: the model-file loader, load_classifier(), on any bytes as found on
// disk. The zip archive's checks (zip_archive.hpp: every record's CRC-32) and, for
// galaxyzoo 0.1.0's files, the seal (sealed_file.hpp) must turn every damaged file into a
// CorruptFileError before anything parses it; fuzz_torch_save and fuzz_torch_archive go
// past them.
#include "fuzz_support.hpp"
#include "galaxyzoo/model/classifier_file.hpp"

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
