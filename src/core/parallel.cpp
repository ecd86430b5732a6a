#include "galaxyzoo/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace galaxyzoo {

int thread_count(int requested) noexcept {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void parallel_for(std::size_t n, int num_threads, const std::function<void(std::size_t)>& work,
                  const std::function<void(std::size_t, std::size_t)>& on_progress) {
  std::atomic<std::size_t> next{0};
  std::size_t finished = 0;
  std::mutex mutex;  // guards finished, failure and calls of on_progress
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        next = n;  // hand out nothing more
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      ++finished;
      if (on_progress) on_progress(finished, n);
    }
  };
  const auto threads = static_cast<std::size_t>(thread_count(num_threads));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < std::min(threads, n); ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace galaxyzoo
