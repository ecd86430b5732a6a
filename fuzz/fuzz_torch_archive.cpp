// libFuzzer target: what lies behind the seal of a model file. The input is sealed here
// with a correct checksum, so the fuzzer reaches LibTorch's archive reader and then our
// checks of every key (load_classifier()): what a file written by a faulty program, or
// made on purpose, would do.
//
// Not in scripts/fuzz.sh's default list: against Debian's LibTorch 1.13 it finds a crash
// in LibTorch's TorchScript importer within a minute (fuzz/known-crashes/torch_archive/,
// docs/reliability.md), which LibTorch 2.x rejects with an exception.
#include "fuzz_support.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/model/classifier_file.hpp"

#include <torch/utils.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const galaxyzoo::fuzz::InputFile file(data, 0, ".pt");
  galaxyzoo::write_sealed_file(file.path(),
                               std::string_view(reinterpret_cast<const char*>(data), size));
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto loaded = galaxyzoo::load_classifier(file.path());
    if (static_cast<std::int64_t>(loaded.class_names.size()) !=
        loaded.model->options().num_classes())
      std::abort();
  });
  return 0;
}
