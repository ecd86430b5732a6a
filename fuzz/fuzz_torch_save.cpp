// libFuzzer target: galaxyzoo's reader of torch.save pickles (read_torch_save), past the
// zip archive's CRC-32s. The input is the pickle data.pkl of an archive written here with
// correct checksums and four storages of 16 bytes (data/0 ... data/3), so the fuzzer reaches the
// pickle machine, the storages and the tensor checks: what a file written by a faulty
// program, or made on purpose, would do. fuzz_model_file covers the archive itself.
#include "fuzz_support.hpp"
#include "galaxyzoo/core/zip_archive.hpp"
#include "galaxyzoo/model/torch_save_file.hpp"

#include <torch/utils.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  galaxyzoo::ZipWriter zip;
  zip.add("m/data.pkl", std::string_view(reinterpret_cast<const char*>(data), size));
  for (int i = 0; i < 4; ++i) zip.add("m/data/" + std::to_string(i), std::string(16, '\x01'));
  const std::string bytes = zip.finish();
  const galaxyzoo::fuzz::InputFile file(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                        bytes.size(), ".pth");
  galaxyzoo::fuzz::expect_clean_rejection(
      [&] { galaxyzoo::read_torch_save(galaxyzoo::ZipReader(file.path())); });
  return 0;
}
