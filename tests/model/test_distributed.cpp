#define BOOST_TEST_MODULE distributed
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/random.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/distributed.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <torch/serialize.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "kaggle_fixture.hpp"

extern char** environ;

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

constexpr int kSize = 32;
constexpr std::uint64_t kSeed = 77;
constexpr std::size_t kRankBatch = 3;

// Three easy classes of noisy 32 x 32 images, 8 training images each.
void write_data(const std::filesystem::path& dir) {
  gz::Rng rng(5);
  const int base[3][3] = {{30, 30, 30}, {200, 60, 40}, {40, 80, 210}};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 8; ++i) {
      gz::Image img(kSize, kSize, 3);
      for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) {
          for (int c = 0; c < 3; ++c) {
            img.at(x, y, c) = static_cast<std::uint8_t>(
                std::clamp(base[k][c] + static_cast<int>(rng.below(60)) - 30, 0, 255));
          }
        }
      }
      gz::write_png(
          img, dir / ("train_class_" + std::to_string(k) + "_" + std::to_string(i) + "_proc.jpg"));
    }
  }
}

gz::ImageLoaderOptions loader_options(std::size_t batch, int rank, int world) {
  gz::ImageLoaderOptions o;
  o.image_size = kSize;
  o.batch_size = batch;
  o.shuffle = o.train_transforms = o.drop_last = true;
  o.num_workers = 1;
  o.seed = kSeed;
  o.rank = rank;
  o.world_size = world;
  return o;
}

// A small VGG16 whose head trains; without dropout when @p dropout is false.
gz::VGG16Classifier model(std::uint64_t init_seed, bool dropout) {
  torch::manual_seed(init_seed);
  auto o = gz::VGG16ClassifierOptions(3).image_size(kSize).freeze_before(26);
  if (!dropout) o.dropout1(0).dropout2(0);
  return gz::VGG16Classifier(o);
}

gz::TrainerOptions trainer_options(bool freeze_batchnorm, gz::DistributedContext* dist) {
  gz::TrainerOptions o;
  o.epochs = 2;
  // Small steps: Adam divides by the gradients' running RMS, so a near-zero gradient whose
  // rounding differs (sums in another order) can move a weight by up to the learning rate.
  o.lr_body = 1e-5;
  o.lr_head = 1e-4;
  o.seed = kSeed;
  o.freeze_batchnorm = freeze_batchnorm;
  o.distributed = dist;
  return o;
}

std::vector<torch::Tensor> state(const gz::VGG16Classifier& m, bool buffers) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m->parameters()) out.push_back(p.detach().clone());
  if (buffers) {
    for (const auto& b : m->buffers()) out.push_back(b.detach().clone().to(torch::kFloat64));
  }
  return out;
}

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d =
        (a[i].to(torch::kFloat64) - b[i].to(torch::kFloat64)).abs().max().item<double>();
    worst = std::max(worst, d);
  }
  return worst;
}

// A TCP port free on loopback just now.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Starts this test program as rank @p rank of two, running the ddp_worker test case.
pid_t spawn_rank(int rank, int port, const std::filesystem::path& data,
                 const std::filesystem::path& out, const std::string& mode) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back("RANK=" + std::to_string(rank));
  env.push_back("WORLD_SIZE=2");
  env.push_back("LOCAL_RANK=" + std::to_string(rank));
  env.push_back("MASTER_ADDR=127.0.0.1");
  env.push_back("MASTER_PORT=" + std::to_string(port));
  env.push_back("GZ_DDP_DATA=" + data.string());
  env.push_back("GZ_DDP_OUT=" + out.string());
  env.push_back("GZ_DDP_MODE=" + mode);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string run = "--run_test=ddp_worker";
  std::string log = "--log_level=error";
  char* argv[] = {exe.data(), run.data(), log.data(), nullptr};
  pid_t pid = 0;
  BOOST_REQUIRE_EQUAL(::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv, envp.data()), 0);
  return pid;
}

// Waits up to @p limit for @p pid; kills it and returns -1 if it does not end.
int wait_exit(pid_t pid, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Writes the data into @p dir and starts ranks 0 and 1 in @p mode; returns their pids.
std::pair<pid_t, pid_t> spawn_two_ranks(const TempDir& dir, const std::string& mode) {
  const auto data = dir / "data";
  std::filesystem::create_directories(data);
  write_data(data);
  const int port = free_port();
  const pid_t r0 = spawn_rank(0, port, data, dir / "out_", mode);
  return {r0, spawn_rank(1, port, data, dir / "out_", mode)};
}

std::map<std::string, std::string> env_of(
    std::initializer_list<std::pair<const std::string, std::string>> list) {
  return std::map<std::string, std::string>(list);
}

}  // namespace

BOOST_AUTO_TEST_CASE(environment_of_torchrun_mpirun_and_none) {
  const auto t = gz::parse_distributed_env(env_of({{"RANK", "3"},
                                                   {"WORLD_SIZE", "4"},
                                                   {"LOCAL_RANK", "1"},
                                                   {"MASTER_ADDR", "node7"},
                                                   {"MASTER_PORT", "29500"}}));
  BOOST_TEST(t.rank == 3);
  BOOST_TEST(t.world_size == 4);
  BOOST_TEST(t.local_rank == 1);
  BOOST_TEST(t.master_addr == "node7");
  BOOST_TEST(t.master_port == 29500);
  BOOST_TEST(t.launcher == "torchrun");
  const auto m = gz::parse_distributed_env(env_of({{"OMPI_COMM_WORLD_RANK", "1"},
                                                   {"OMPI_COMM_WORLD_SIZE", "2"},
                                                   {"OMPI_COMM_WORLD_LOCAL_RANK", "0"},
                                                   {"MASTER_ADDR", "10.0.0.1"},
                                                   {"MASTER_PORT", "1234"}}));
  BOOST_TEST(m.rank == 1);
  BOOST_TEST(m.world_size == 2);
  BOOST_TEST(m.launcher == "mpirun");
  const auto s = gz::parse_distributed_env(env_of({{"SLURM_PROCID", "5"},
                                                   {"SLURM_NTASKS", "8"},
                                                   {"SLURM_LOCALID", "1"},
                                                   {"MASTER_ADDR", "n1"},
                                                   {"MASTER_PORT", "9"}}));
  BOOST_TEST(s.rank == 5);
  BOOST_TEST(s.launcher == "srun");
  // Slurm's variables alone (a plain sbatch job) do not make a world without MASTER_ADDR.
  const auto alone =
      gz::parse_distributed_env(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}));
  BOOST_TEST(alone.world_size == 1);
  const auto none = gz::parse_distributed_env({});
  BOOST_TEST(none.world_size == 1);
  BOOST_TEST(none.rank == 0);
  BOOST_TEST(none.launcher == "none");
}

BOOST_AUTO_TEST_CASE(malformed_environment_names_the_variable) {
  auto message = [](std::initializer_list<std::pair<const std::string, std::string>> list) {
    try {
      gz::parse_distributed_env(env_of(list));
    } catch (const gz::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  BOOST_TEST(
      message({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "1"}})
          .find("RANK='x'") != std::string::npos);
  BOOST_TEST(
      message({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "1"}})
          .find("WORLD_SIZE") != std::string::npos);
  BOOST_TEST(
      message({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}}).find("MASTER_ADDR") !=
      std::string::npos);
  BOOST_TEST(
      message({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}).find("MASTER_PORT") !=
      std::string::npos);
  BOOST_TEST(
      message({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "70000"}})
          .find("MASTER_PORT=70000") != std::string::npos);
  BOOST_TEST(message({{"RANK", "0"}}).find("WORLD_SIZE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(world_of_one_leaves_tensors_alone) {
  gz::DistributedContext one(gz::DistributedEnv{});
  BOOST_TEST(one.world_size() == 1);
  BOOST_TEST(one.is_main());
  BOOST_TEST(one.backend() == "none");
  auto t = torch::arange(5, torch::kFloat32);
  one.allreduce_mean({t});
  one.broadcast({t}, 0);
  one.barrier();
  BOOST_TEST(t[4].item<float>() == 4.0f);
  BOOST_TEST(one.sum({1.5, 2})[0] == 1.5);
  BOOST_CHECK_THROW(one.broadcast({t}, 1), gz::Error);
}

// One rank of the two-process tests (run only when the tests below start it).
BOOST_AUTO_TEST_CASE(ddp_worker, *boost::unit_test::disabled()) {
  gz::set_cpu_threads(1);
  const std::filesystem::path data = std::getenv("GZ_DDP_DATA");
  const std::filesystem::path out = std::getenv("GZ_DDP_OUT");
  const std::string mode = std::getenv("GZ_DDP_MODE");
  gz::DistributedOptions options;
  options.timeout = std::chrono::seconds(15);
  auto dist = gz::DistributedContext::from_environment(options);
  const int rank = dist->rank();
  BOOST_REQUIRE_EQUAL(dist->world_size(), 2);
  const auto images = gz::list_labeled_images(data, {"train"});
  gz::ImageLoader loader(images, loader_options(kRankBatch, rank, 2));
  if (mode == "die") {
    auto o = trainer_options(false, dist.get());
    o.epochs = 50;
    // Rank 1 dies after a few steps; rank 0 must fail with a clear error, not hang.
    o.on_batch = [rank](std::size_t batch, std::size_t, double) {
      if (rank == 1 && batch == 2) std::raise(SIGKILL);
    };
    try {
      gz::Trainer(model(kSeed + static_cast<std::uint64_t>(rank), true), o).fit(loader);
    } catch (const gz::Error& e) {
      gz::testing::write_text(out.string() + std::to_string(rank), e.what());
      std::exit(3);
    }
    std::exit(0);
  }
  // Different initial weights on each rank: rank 0's must be broadcast.
  gz::Trainer exact(model(kSeed + 100 * static_cast<std::uint64_t>(rank), false),
                    trainer_options(true, dist.get()));
  exact.fit(loader);
  gz::Trainer usual(model(kSeed + 100 * static_cast<std::uint64_t>(rank), true),
                    trainer_options(false, dist.get()));
  usual.fit(loader);
  torch::save(state(exact.model(), false), out.string() + "exact" + std::to_string(rank) + ".pt");
  torch::save(state(usual.model(), true), out.string() + "usual" + std::to_string(rank) + ".pt");
}

BOOST_AUTO_TEST_CASE(two_ranks_train_like_one_process_with_the_global_batch) {
  gz::set_cpu_threads(1);
  TempDir dir;
  const auto [r0, r1] = spawn_two_ranks(dir, "train");
  const auto data = dir / "data";
  const auto out = dir / "out_";

  // Meanwhile the reference: one process, twice the batch, rank 0's initial weights.
  const auto images = gz::list_labeled_images(data, {"train"});
  gz::ImageLoader loader(images, loader_options(2 * kRankBatch, 0, 1));
  gz::Trainer single(model(kSeed, false), trainer_options(true, nullptr));
  single.fit(loader);
  const auto reference = state(single.model(), false);

  BOOST_REQUIRE_EQUAL(wait_exit(r0, std::chrono::seconds(110)), 0);
  BOOST_REQUIRE_EQUAL(wait_exit(r1, std::chrono::seconds(10)), 0);
  std::vector<torch::Tensor> exact0, exact1, usual0, usual1;
  torch::load(exact0, out.string() + "exact0.pt");
  torch::load(exact1, out.string() + "exact1.pt");
  torch::load(usual0, out.string() + "usual0.pt");
  torch::load(usual1, out.string() + "usual1.pt");
  // The ranks agree exactly, with and without BatchNorm statistics and dropout...
  BOOST_TEST(max_difference(exact0, exact1) == 0.0);
  BOOST_TEST(max_difference(usual0, usual1) == 0.0);
  // ... and without them equal one process with the global batch.
  BOOST_TEST(max_difference(exact0, reference) < 1e-5);
  // Training moved the weights (the comparison is not of two untouched models).
  BOOST_TEST(max_difference(reference, state(model(kSeed, false), false)) > 1e-4);
}

BOOST_AUTO_TEST_CASE(a_rank_that_dies_makes_the_other_fail_not_hang) {
  TempDir dir;
  const auto [r0, r1] = spawn_two_ranks(dir, "die");
  const auto out = dir / "out_";
  BOOST_TEST(wait_exit(r1, std::chrono::seconds(100)) == 128 + SIGKILL);
  // Rank 0 ends with galaxyzoo::Error (exit 3) instead of hanging (its timeout is 15 s).
  BOOST_REQUIRE_EQUAL(wait_exit(r0, std::chrono::seconds(60)), 3);
  const std::string message = gz::testing::read_text(out.string() + "0");
  BOOST_TEST_MESSAGE("rank 0 said: " << message);
  BOOST_TEST(message.find("distributed") != std::string::npos);
}
