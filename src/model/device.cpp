#include "galaxyzoo/model/device.hpp"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <charconv>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/parallel.hpp"

namespace galaxyzoo {

torch::Device select_device(std::string_view spec) {
  const bool have_cuda = torch::cuda::is_available();
  if (spec == "auto")
    return have_cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (spec == "cpu") return torch::Device(torch::kCPU);
  if (spec.rfind("cuda", 0) == 0) {
    int index = 0;
    if (spec.size() > 4) {
      const std::string_view number = spec.substr(5);
      const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), index);
      if (spec[4] != ':' || ec != std::errc() || end != number.data() + number.size() ||
          index < 0) {
        throw Error("device '" + std::string(spec) + "': expected auto, cpu, cuda or cuda:N");
      }
    }
    if (!have_cuda) {
      throw Error("device '" + std::string(spec) +
                  "': this LibTorch sees no CUDA device (CPU-only build, or no GPU); use --device "
                  "cpu or auto");
    }
    const auto count = static_cast<int>(torch::cuda::device_count());
    if (index >= count) {
      throw Error("device '" + std::string(spec) + "': only " + std::to_string(count) +
                  " CUDA device(s)");
    }
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw Error("device '" + std::string(spec) + "': expected auto, cpu, cuda or cuda:N");
}

int set_cpu_threads(int threads) {
  const int n = thread_count(threads);
  torch::set_num_threads(n);
  return n;
}

std::string describe(const torch::Device& device) {
  if (device.is_cuda()) {
    return "CUDA device " + std::to_string(device.index() < 0 ? 0 : device.index()) + " of " +
           std::to_string(torch::cuda::device_count());
  }
  return "CPU, " + std::to_string(torch::get_num_threads()) + " threads";
}

}  // namespace galaxyzoo
