#define BOOST_TEST_MODULE device
#include <boost/test/unit_test.hpp>

#include <torch/cuda.h>
#include <torch/utils.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/device.hpp>

namespace gz = galaxyzoo;

BOOST_AUTO_TEST_CASE(cpu_and_auto) {
  BOOST_TEST(gz::select_device("cpu").is_cpu());
  BOOST_TEST(gz::select_device("auto").is_cuda() == torch::cuda::is_available());
  BOOST_TEST(gz::describe(gz::select_device("cpu")).rfind("CPU, ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_named) {
  for (const char* bad : {"gpu", "cuda:", "cuda:x", "cuda0", "cuda:-1", ""}) {
    try {
      gz::select_device(bad);
      BOOST_FAIL(std::string("no error for '") + bad + "'");
    } catch (const gz::Error& e) {
      BOOST_TEST(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(cuda_without_a_gpu_is_a_clear_error) {
  if (torch::cuda::is_available()) {
    BOOST_TEST(gz::select_device("cuda:0").is_cuda());
    BOOST_CHECK_THROW(gz::select_device("cuda:99"), gz::Error);
  } else {
    try {
      gz::select_device("cuda");
      BOOST_FAIL("no error for cuda on a machine without it");
    } catch (const gz::Error& e) {
      BOOST_TEST(std::string(e.what()).find("no CUDA device") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(cpu_threads_can_be_set) {
  BOOST_TEST(gz::set_cpu_threads(1) == 1);
  BOOST_TEST(torch::get_num_threads() == 1);
  BOOST_TEST(gz::set_cpu_threads(0) >= 1);
  BOOST_TEST(
      gz::describe(torch::kCPU).find(std::to_string(torch::get_num_threads()) + " threads") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(device_requests_are_parsed_without_asking_for_the_device) {
  using Kind = gz::DeviceRequest::Kind;
  BOOST_TEST((gz::parse_device_request("auto").kind == Kind::automatic));
  BOOST_TEST((gz::parse_device_request("cpu").kind == Kind::cpu));
  BOOST_TEST((gz::parse_device_request("cuda").kind == Kind::cuda));
  BOOST_TEST(gz::parse_device_request("cuda").index == 0);
  BOOST_TEST(gz::parse_device_request("cuda:12").index == 12);  // whether it exists: later
  for (const char* bad : {"gpu", "cuda:", "cuda:-1", "cuda:1x", "cudax", "CPU", ""})
    BOOST_CHECK_THROW(gz::parse_device_request(bad), gz::Error);
}
