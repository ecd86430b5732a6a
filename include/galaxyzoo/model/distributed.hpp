#pragma once
/// @file
/// Data-parallel training across processes: rendezvous from the launcher's environment and
/// the collective operations the Trainer needs, on LibTorch's c10d process groups. Create
/// one context per process and pass it as TrainerOptions::distributed.
///
/// @code
/// std::unique_ptr<galaxyzoo::DistributedContext> dist =
///     galaxyzoo::DistributedContext::from_environment();
/// galaxyzoo::TrainerOptions options;
/// options.distributed = dist.get();  // nullptr or world size 1: one process
/// if (dist->rank() == 0) std::cout << "world of " << dist->world_size() << '\n';
/// @endcode
///
/// What a user must know:
///  - one process runs per device (or per CPU socket), on one or many machines; each learns
///    its place from `torchrun`'s variables (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`,
///    `MASTER_ADDR`, `MASTER_PORT`), Open MPI's (`OMPI_COMM_WORLD_RANK`,
///    `OMPI_COMM_WORLD_SIZE`, `OMPI_COMM_WORLD_LOCAL_RANK`, with `MASTER_ADDR` and
///    `MASTER_PORT` naming rank 0's machine) or Slurm's under `srun` (`SLURM_PROCID`,
///    `SLURM_NTASKS`, `SLURM_LOCALID`); without any, the world has one process and every
///    collective does nothing;
///  - rank 0 serves a c10d TCPStore at `MASTER_ADDR:MASTER_PORT`; all ranks then build a Gloo
///    process group (CPU tensors), or an NCCL one in builds with `USE_C10D_NCCL` on CUDA;
///  - every collective waits at most DistributedOptions::timeout: when a rank dies, the
///    others throw Error instead of hanging.

#include <torch/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace galaxyzoo {

/// Where this process stands in the world, as the launcher's environment says.
struct DistributedEnv {
  int rank = 0;             ///< 0 .. world_size - 1
  int world_size = 1;       ///< number of processes
  int local_rank = 0;       ///< rank among the processes on this machine (picks the GPU)
  std::string master_addr;  ///< host of rank 0's store (needed when world_size > 1)
  int master_port = 0;      ///< its port
  std::string launcher;     ///< "torchrun", "mpirun", "srun" or "none"
};

/// Reads DistributedEnv from @p env (variable → value); see the file comment for the
/// variables. torchrun's take precedence over Open MPI's, which take precedence over Slurm's.
/// @throws Error naming the variable for a value that is not a number, a rank outside
///         [0, world size), or a world size > 1 without MASTER_ADDR / MASTER_PORT.
DistributedEnv parse_distributed_env(const std::map<std::string, std::string>& env);

/// parse_distributed_env() of this process's environment.
/// @throws Error as parse_distributed_env().
DistributedEnv distributed_env_from_environment();

/// Options of DistributedContext.
struct DistributedOptions {
  /// Longest wait of the rendezvous and of every collective (default 5 minutes); after it
  /// a collective whose peer died throws Error.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  /// Gradients are flattened into buckets of at most this many bytes, one all-reduce
  /// each (default 25 MiB, as PyTorch's DistributedDataParallel).
  std::size_t bucket_bytes = std::size_t{25} << 20;
  /// Tensors live on this device: CPU uses Gloo; CUDA uses NCCL where the build has it
  /// (USE_C10D_NCCL), else Gloo (which also reduces CUDA tensors, through host copies).
  torch::Device device = torch::kCPU;
};

/// A process group of the whole world; see the file comment.
class DistributedContext {
 public:
  /// Joins the world described by @p env (a world of one needs no network).
  /// @throws Error if the store cannot be reached or the other ranks do not join
  ///         within options.timeout, or the build lacks the needed backend.
  explicit DistributedContext(DistributedEnv env, DistributedOptions options = {});
  /// Built from distributed_env_from_environment().
  /// @throws Error as the constructor and parse_distributed_env().
  static std::unique_ptr<DistributedContext> from_environment(DistributedOptions options = {});
  ~DistributedContext();
  DistributedContext(const DistributedContext&) = delete;
  DistributedContext& operator=(const DistributedContext&) = delete;

  /// This process's rank.
  int rank() const noexcept;
  /// Number of processes.
  int world_size() const noexcept;
  /// Rank among the processes on this machine.
  int local_rank() const noexcept;
  /// True on rank 0, the one that writes files.
  bool is_main() const noexcept { return rank() == 0; }
  /// The environment the context was built from.
  const DistributedEnv& env() const noexcept;
  /// "gloo", "nccl" or "none" (world of one).
  std::string backend() const;

  /// Replaces each tensor by its mean over all ranks, in place. Tensors of one dtype and
  /// device are flattened into buckets (DistributedOptions::bucket_bytes), one
  /// all-reduce per bucket. Undefined tensors are skipped; every rank must pass the
  /// same shapes in the same order.
  /// @throws Error when a rank fails or the timeout passes.
  void allreduce_mean(const std::vector<torch::Tensor>& tensors);
  /// Replaces each tensor by its sum over all ranks, in place (bucketed likewise).
  /// @throws Error when a rank fails or the timeout passes.
  void allreduce_sum(const std::vector<torch::Tensor>& tensors);
  /// Sums @p values over all ranks (double precision), e.g. loss sums and counts.
  /// @throws Error when a rank fails or the timeout passes.
  std::vector<double> sum(std::vector<double> values);
  /// Copies rank @p root's tensors into every rank's, in place (bucketed likewise).
  /// @throws Error when a rank fails or the timeout passes, or for a bad root.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  /// Waits until every rank has arrived.
  /// @throws Error when a rank fails or the timeout passes.
  void barrier();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace galaxyzoo
