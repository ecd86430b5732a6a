#include "galaxyzoo/core/wall_time_limit.hpp"

#include <algorithm>
#include <chrono>

#include "galaxyzoo/core/stop_request.hpp"

namespace galaxyzoo {

double WallTimeLimit::stop_after_seconds(double minutes) noexcept {
  const double seconds = minutes * 60;
  const double margin = std::min(60.0, 0.1 * seconds);
  return seconds - margin;
}

WallTimeLimit::WallTimeLimit(double minutes) {
  if (minutes <= 0) return;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(stop_after_seconds(minutes)));
  timer_ = std::thread([this, deadline] {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!wake_.wait_until(lock, deadline, [this] { return done_; })) {
      fired_ = true;
      request_stop();
    }
  });
}

WallTimeLimit::~WallTimeLimit() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  // The stop was ours, not a signal's: leave no request behind for the caller.
  if (fired_) clear_stop_request();
}

bool WallTimeLimit::fired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fired_;
}

}  // namespace galaxyzoo
