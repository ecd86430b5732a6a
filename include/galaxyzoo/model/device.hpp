#pragma once
/// @file
/// Choosing the device to compute on, at run time.
///
/// @code
/// torch::Device device = galaxyzoo::select_device("auto");   // CUDA if present, else CPU
/// model->to(device);
/// @endcode

#include <torch/types.h>

#include <string>
#include <string_view>

namespace galaxyzoo {

/// What a device request names, before asking whether it exists.
struct DeviceRequest {
  /// The device family a request names.
  enum class Kind {
    automatic,  ///< "auto": CUDA if LibTorch sees a device, else the CPU
    cpu,        ///< "cpu"
    cuda        ///< "cuda" or "cuda:N"
  };
  Kind kind = Kind::automatic;  ///< "auto", "cpu", or "cuda" / "cuda:N"
  int index = 0;                ///< N of "cuda:N" (0 for "cuda")
};

/// The form of a device request: "auto", "cpu", "cuda" or "cuda:N" (N a decimal number).
/// @throws galaxyzoo::Error "device 'SPEC': expected auto, cpu, cuda or cuda:N" otherwise.
DeviceRequest parse_device_request(std::string_view spec);

/// Parses a device request (parse_device_request()) and chooses the device: "auto" (the first CUDA
/// device if LibTorch sees one, else the CPU), "cpu", "cuda" (device 0) or "cuda:N".
/// @throws galaxyzoo::Error naming the request if it is malformed, or if CUDA is asked for
///         and this LibTorch has no CUDA device (a CPU-only build, or no GPU).
torch::Device select_device(std::string_view spec = "auto");

/// Sets the number of threads LibTorch uses for one operation on the CPU; @p threads 0
/// means one per hardware thread. (Debian's LibTorch starts with 1.) Returns the number set.
int set_cpu_threads(int threads = 0);

/// A one-line description of @p device for progress output ("CPU, 2 threads",
/// "CUDA device 0 of 1").
std::string describe(const torch::Device& device);

}  // namespace galaxyzoo
