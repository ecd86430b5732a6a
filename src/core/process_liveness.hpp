#pragma once
// Whether a process that left something behind (a running trial in a study, a temporary
// file) has exited: it is, when it ran on this host and its pid is gone. What the study
// storages (worker names "host:pid:...") and atomic_output.cpp (temporary names
// ".NAME.tmp-host-pid-...") share. Private to src/; defined in process_liveness.cpp.

#include <string>
#include <string_view>

namespace galaxyzoo::detail {

// This machine's host name ("host" if it cannot be read).
std::string this_host();

// True if @p host is this machine and no process @p pid (decimal digits) exists. False
// for another host, a malformed pid, this process, or a process that exists (a reused pid
// only delays what the caller would do).
bool local_process_has_exited(std::string_view host, std::string_view pid);

}  // namespace galaxyzoo::detail
