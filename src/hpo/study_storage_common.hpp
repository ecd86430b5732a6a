#pragma once
// What the study protocol (study_protocol.cpp) and the StudyStorage backends share:
// the format tag, the clock, when a running trial is taken over, the checks of a stored
// study against the one asked for, and the sampling of a new trial. Private to src/; defined in
// study_storage.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/study_storage.hpp"

namespace galaxyzoo::detail {

// The value of galaxyzoo_meta's 'format' key.
inline constexpr const char* kStudyFormat = "galaxyzoo.study";

// Unix time in seconds, from this machine's clock.
double unix_now();

// True if @p worker (a name "host:pid:..." as HpoSearch makes them) is a process on this
// host that no longer exists: its running trial can be taken over at once, without
// waiting for the grace period (a run killed with SIGKILL and restarted). False for
// other hosts, names of another form and processes that still exist (a reused pid only
// delays the takeover to the grace period).
bool worker_has_exited(const std::string& worker);

// Whether a running trial is taken over by the next claim: its heartbeat is older than
// the grace period (@p heartbeat_stale), or its @p worker has exited (worker_has_exited()).
bool may_take_over(bool heartbeat_stale, const std::string& worker);

// Throws unless @p format and @p version (galaxyzoo_meta's values) are this library's.
// @p where names the storage ("study database 'x.db'"); @p container is what to use
// instead ("file", "database or schema").
void check_study_format(const std::string& where, const std::string& container,
                        const std::string& format, const std::string& version);

// Throws unless the stored study has the name and the search space of @p given.
void check_same_study(const std::string& where, const std::string& container,
                      const StudyConfig& stored, const StudyConfig& given);

// The parameters of new trial @p number from @p sampler, given every trial so far.
// @throws Error if they are not in @p space.
Assignment sample_new_trial(const Sampler& sampler, const SearchSpace& space,
                            const std::vector<Trial>& trials, std::int64_t number);

}  // namespace galaxyzoo::detail
