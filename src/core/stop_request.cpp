#include "galaxyzoo/core/stop_request.hpp"

#include <atomic>
#include <csignal>

namespace galaxyzoo {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() must be async-signal-safe");

extern "C" void stop_on_signal(int) { g_stop.store(true); }

}  // namespace

void request_stop() noexcept { g_stop.store(true); }
bool stop_requested() noexcept { return g_stop.load(); }
void clear_stop_request() noexcept { g_stop.store(false); }

void install_stop_handler() {
  std::signal(SIGTERM, stop_on_signal);
  std::signal(SIGINT, stop_on_signal);
}

}  // namespace galaxyzoo
