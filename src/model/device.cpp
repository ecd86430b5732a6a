#include "galaxyzoo/model/device.hpp"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <charconv>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/parallel.hpp"

namespace galaxyzoo {

DeviceRequest parse_device_request(std::string_view spec) {
  using Kind = DeviceRequest::Kind;
  if (spec == "auto") return {Kind::automatic, 0};
  if (spec == "cpu") return {Kind::cpu, 0};
  if (spec.rfind("cuda", 0) == 0) {
    if (spec.size() == 4) return {Kind::cuda, 0};
    int index = 0;
    const std::string_view number = spec.substr(spec.size() > 5 ? 5 : spec.size());
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), index);
    if (spec[4] == ':' && !number.empty() && ec == std::errc() &&
        end == number.data() + number.size() && index >= 0)
      return {Kind::cuda, index};
  }
  throw Error("device '" + std::string(spec) + "': expected auto, cpu, cuda or cuda:N");
}

torch::Device select_device(std::string_view spec) {
  const DeviceRequest request = parse_device_request(spec);
  const bool have_cuda = torch::cuda::is_available();
  if (request.kind == DeviceRequest::Kind::automatic)
    return have_cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (request.kind == DeviceRequest::Kind::cpu) return torch::Device(torch::kCPU);
  if (!have_cuda) {
    throw Error("device '" + std::string(spec) +
                "': this LibTorch sees no CUDA device (CPU-only build, or no GPU); use --device "
                "cpu or auto");
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (request.index >= count) {
    throw Error("device '" + std::string(spec) + "': only " + std::to_string(count) +
                " CUDA device(s)");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(request.index));
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
