#include "galaxyzoo/hpo/sql_study_storage.hpp"

#include "galaxyzoo/core/error.hpp"
#include "hpo/study_protocol.hpp"

namespace galaxyzoo {

detail::StudyProtocol& SqlStudyStorage::protocol() const {
  if (!protocol_) throw Error("study storage: the backend set no connection");
  return *protocol_;
}

void SqlStudyStorage::open_study(const StudyConfig& config) { protocol().open_study(config); }

StudyConfig SqlStudyStorage::study() { return protocol().study(); }

std::optional<ClaimedTrial> SqlStudyStorage::claim_trial(const ClaimOptions& options,
                                                         const Sampler& sampler) {
  return protocol().claim_trial(options, sampler);
}

bool SqlStudyStorage::heartbeat(std::int64_t number, const std::string& worker) {
  return protocol().heartbeat(number, worker);
}

bool SqlStudyStorage::report(std::int64_t number, const std::string& worker, std::int64_t step,
                             double value) {
  return protocol().report(number, worker, step, value);
}

bool SqlStudyStorage::finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                                   std::optional<double> value, const std::string& message) {
  return protocol().finish_trial(number, worker, state, value, message);
}

bool SqlStudyStorage::release_trial(std::int64_t number, const std::string& worker) {
  return protocol().release_trial(number, worker);
}

std::vector<Trial> SqlStudyStorage::trials() { return protocol().trials(); }

std::vector<TrialRecord> SqlStudyStorage::records() { return protocol().records(); }

}  // namespace galaxyzoo
