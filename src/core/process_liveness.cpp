#include "core/process_liveness.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace galaxyzoo::detail {

std::string this_host() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "host";
  return host;
}

bool local_process_has_exited(std::string_view host, std::string_view pid) {
  if (pid.empty() || pid.size() > 9 ||
      pid.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  if (host != this_host()) return false;
  const auto number = static_cast<pid_t>(std::stol(std::string(pid)));
  if (number <= 0 || number == ::getpid()) return false;
  return ::kill(number, 0) != 0 && errno == ESRCH;
}

}  // namespace galaxyzoo::detail
