#include "galaxyzoo/model/distributed.hpp"

// Debian's and PyPI's LibTorch declare the Gloo process group only under this macro
// (their own builds define it); the library itself has Gloo compiled in.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <limits>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

constexpr const char* kVariables[] = {
    "RANK",         "WORLD_SIZE",           "LOCAL_RANK",           "MASTER_ADDR",
    "MASTER_PORT",  "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
    "SLURM_PROCID", "SLURM_NTASKS",         "SLURM_LOCALID",        "GLOO_SOCKET_IFNAME"};

// The integer in variable @p name, or @p fallback when it is not set.
int integer(const std::map<std::string, std::string>& env, const std::string& name, int fallback) {
  const auto it = env.find(name);
  if (it == env.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || value < 0 ||
      value > std::numeric_limits<int>::max()) {
    throw Error("environment variable " + name + "='" + text +
                "': expected a non-negative integer");
  }
  return static_cast<int>(value);
}

bool loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

[[noreturn]] void fail(const char* what, const std::exception& e) {
  throw Error(std::string("distributed ") + what +
              " failed (a rank died, or the timeout passed): " + e.what());
}

}  // namespace

DistributedEnv parse_distributed_env(const std::map<std::string, std::string>& env) {
  DistributedEnv out;
  std::string rank_var, size_var, local_var;
  if (env.count("RANK") || env.count("WORLD_SIZE")) {
    out.launcher = "torchrun";
    rank_var = "RANK";
    size_var = "WORLD_SIZE";
    local_var = "LOCAL_RANK";
  } else if (env.count("OMPI_COMM_WORLD_RANK") || env.count("OMPI_COMM_WORLD_SIZE")) {
    out.launcher = "mpirun";
    rank_var = "OMPI_COMM_WORLD_RANK";
    size_var = "OMPI_COMM_WORLD_SIZE";
    local_var = "OMPI_COMM_WORLD_LOCAL_RANK";
  } else if (env.count("SLURM_PROCID") && env.count("SLURM_NTASKS") && env.count("MASTER_ADDR")) {
    out.launcher = "srun";
    rank_var = "SLURM_PROCID";
    size_var = "SLURM_NTASKS";
    local_var = "SLURM_LOCALID";
  } else {
    out.launcher = "none";
    return out;
  }
  if (!env.count(rank_var) || !env.count(size_var)) {
    throw Error("environment: " + rank_var + " and " + size_var + " must be set together");
  }
  out.rank = integer(env, rank_var, 0);
  out.world_size = integer(env, size_var, 1);
  out.local_rank = integer(env, local_var, 0);
  if (out.world_size < 1) throw Error("environment variable " + size_var + " must be at least 1");
  if (out.rank >= out.world_size) {
    throw Error("environment variable " + rank_var + "=" + std::to_string(out.rank) +
                " is not below " + size_var + "=" + std::to_string(out.world_size));
  }
  if (env.count("MASTER_ADDR")) out.master_addr = env.at("MASTER_ADDR");
  out.master_port = integer(env, "MASTER_PORT", 0);
  if (out.world_size > 1) {
    if (out.master_addr.empty())
      throw Error("environment variable MASTER_ADDR (rank 0's host) is not set");
    if (!env.count("MASTER_PORT"))
      throw Error("environment variable MASTER_PORT (rank 0's port) is not set");
    if (out.master_port < 1 || out.master_port > 65535) {
      throw Error("environment variable MASTER_PORT=" + env.at("MASTER_PORT") +
                  ": expected a port in 1..65535");
    }
  }
  return out;
}

DistributedEnv distributed_env_from_environment() {
  std::map<std::string, std::string> env;
  for (const char* name : kVariables) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return parse_distributed_env(env);
}

struct DistributedContext::State {
  DistributedEnv env;
  DistributedOptions options;
  std::string backend = "none";
  c10::intrusive_ptr<c10d::Store> store;
  // The process group's collectives, bound at construction to Gloo or NCCL.
  std::function<void(std::vector<at::Tensor>&, bool sum)> allreduce;
  std::function<void(std::vector<at::Tensor>&, int root)> broadcast;
  std::function<void()> barrier;

  template <class Group>
  void bind(c10::intrusive_ptr<Group> group) {
    allreduce = [group](std::vector<at::Tensor>& t, bool) {
      c10d::AllreduceOptions o;
      o.reduceOp = c10d::ReduceOp::SUM;
      group->allreduce(t, o)->wait();
    };
    broadcast = [group](std::vector<at::Tensor>& t, int root) {
      c10d::BroadcastOptions o;
      o.rootRank = root;
      group->broadcast(t, o)->wait();
    };
    barrier = [group] { group->barrier(c10d::BarrierOptions())->wait(); };
  }

  // Runs @p op on each bucket of @p tensors, turning c10d's exceptions into Error.
  void run(const char* what, const std::vector<torch::Tensor>& tensors,
           const std::function<void(std::vector<at::Tensor>&)>& op) {
    try {
      bucketed(tensors, [&](at::Tensor& bucket) {
        std::vector<at::Tensor> one{bucket};
        op(one);
      });
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      fail(what, e);
    }
  }

  // Applies @p op to buckets of @p tensors: flat copies of at most bucket_bytes of
  // tensors with one dtype and device, written back afterwards.
  void bucketed(const std::vector<torch::Tensor>& tensors,
                const std::function<void(at::Tensor&)>& op) {
    std::vector<torch::Tensor> group;
    std::size_t bytes = 0;
    auto flush = [&] {
      if (group.empty()) return;
      std::vector<torch::Tensor> flat;
      for (const auto& t : group) flat.push_back(t.detach().reshape({-1}));
      at::Tensor bucket = torch::cat(flat);
      op(bucket);
      std::int64_t offset = 0;
      torch::NoGradGuard no_grad;
      for (auto& t : group) {
        t.copy_(bucket.narrow(0, offset, t.numel()).view_as(t));
        offset += t.numel();
      }
      group.clear();
      bytes = 0;
    };
    for (const auto& t : tensors) {
      if (!t.defined() || t.numel() == 0) continue;
      const std::size_t size = static_cast<std::size_t>(t.numel()) * t.element_size();
      if (!group.empty() &&
          (group.front().scalar_type() != t.scalar_type() || group.front().device() != t.device() ||
           bytes + size > options.bucket_bytes)) {
        flush();
      }
      group.push_back(t);
      bytes += size;
    }
    flush();
  }
};

DistributedContext::DistributedContext(DistributedEnv env, DistributedOptions options)
    : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.env = std::move(env);
  s.options = options;
  if (s.env.world_size < 1 || s.env.rank < 0 || s.env.rank >= s.env.world_size) {
    throw Error("DistributedContext: rank " + std::to_string(s.env.rank) + " outside a world of " +
                std::to_string(s.env.world_size));
  }
  if (s.env.world_size == 1) return;
  try {
    c10d::TCPStoreOptions store;
    store.port = static_cast<std::uint16_t>(s.env.master_port);
    store.isServer = s.env.rank == 0;
    store.numWorkers = static_cast<std::size_t>(s.env.world_size);
    store.waitWorkers = true;
    store.timeout = options.timeout;
    s.store = c10::make_intrusive<c10d::TCPStore>(s.env.master_addr, store);
  } catch (const std::exception& e) {
    throw Error("distributed rendezvous at " + s.env.master_addr + ":" +
                std::to_string(s.env.master_port) + " failed (rank " + std::to_string(s.env.rank) +
                " of " + std::to_string(s.env.world_size) +
                "; are MASTER_ADDR/MASTER_PORT right and all ranks started?): " + e.what());
  }
  try {
    if (options.device.is_cuda()) {
#ifdef USE_C10D_NCCL
      auto nccl = c10d::ProcessGroupNCCL::Options::create();
      nccl->timeout = options.timeout;
      s.bind(
          c10::make_intrusive<c10d::ProcessGroupNCCL>(s.store, s.env.rank, s.env.world_size, nccl));
      s.backend = "nccl";
      return;
#endif
    }
    auto gloo = c10d::ProcessGroupGloo::Options::create(options.timeout);
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    if (interface != nullptr && *interface != '\0') {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (loopback(s.env.master_addr)) {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    gloo->threads = 2;
    s.bind(
        c10::make_intrusive<c10d::ProcessGroupGloo>(s.store, s.env.rank, s.env.world_size, gloo));
    s.backend = "gloo";
  } catch (const std::exception& e) {
    throw Error("distributed process group of " + std::to_string(s.env.world_size) +
                " ranks could not be formed (rank " + std::to_string(s.env.rank) +
                "): " + e.what());
  }
}

std::unique_ptr<DistributedContext> DistributedContext::from_environment(
    DistributedOptions options) {
  return std::make_unique<DistributedContext>(distributed_env_from_environment(), options);
}

DistributedContext::~DistributedContext() = default;

int DistributedContext::rank() const noexcept { return state_->env.rank; }
int DistributedContext::world_size() const noexcept { return state_->env.world_size; }
int DistributedContext::local_rank() const noexcept { return state_->env.local_rank; }
const DistributedEnv& DistributedContext::env() const noexcept { return state_->env; }
std::string DistributedContext::backend() const { return state_->backend; }

void DistributedContext::allreduce_sum(const std::vector<torch::Tensor>& tensors) {
  if (world_size() == 1) return;
  state_->run("all-reduce", tensors,
              [&](std::vector<at::Tensor>& one) { state_->allreduce(one, true); });
}

void DistributedContext::allreduce_mean(const std::vector<torch::Tensor>& tensors) {
  if (world_size() == 1) return;
  const double scale = 1.0 / world_size();
  state_->run("all-reduce", tensors, [&](std::vector<at::Tensor>& one) {
    state_->allreduce(one, true);
    one.front().mul_(scale);
  });
}

std::vector<double> DistributedContext::sum(std::vector<double> values) {
  if (world_size() == 1 || values.empty()) return values;
  auto t = torch::tensor(values, torch::kFloat64);
  if (state_->backend == "nccl") t = t.to(state_->options.device);
  allreduce_sum({t});
  t = t.cpu();
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = t[static_cast<std::int64_t>(i)].item<double>();
  return values;
}

void DistributedContext::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  if (root < 0 || root >= world_size()) {
    throw Error("DistributedContext::broadcast: root " + std::to_string(root) +
                " outside a world of " + std::to_string(world_size()));
  }
  if (world_size() == 1) return;
  state_->run("broadcast", tensors,
              [&](std::vector<at::Tensor>& one) { state_->broadcast(one, root); });
}

void DistributedContext::barrier() {
  if (world_size() == 1) return;
  try {
    state_->barrier();
  } catch (const std::exception& e) {
    fail("barrier", e);
  }
}

}  // namespace galaxyzoo
