#pragma once
/// @file
/// What SqliteStorage and PostgresStorage share: the study protocol of study_storage.hpp
/// (the schema, claiming with take-over, heartbeats, reports, finishing, releasing,
/// reading trials) written once over a SQL connection. A backend derives from
/// SqlStudyStorage, opens its connection and hands over its protocol object; it keeps only
/// the connection, the locking, the clock and its own recovery.
///
/// @code
/// std::unique_ptr<galaxyzoo::SqlStudyStorage> storage =
///     std::make_unique<galaxyzoo::SqliteStorage>("study.db");
/// storage->open_study(config);
/// @endcode

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/study_storage.hpp"

namespace galaxyzoo {

namespace detail {
class StudyProtocol;
}

/// A StudyStorage kept in a SQL database; see the file comment.
class SqlStudyStorage : public StudyStorage {
 public:
  void open_study(const StudyConfig& config) final;
  StudyConfig study() final;
  std::optional<ClaimedTrial> claim_trial(const ClaimOptions& options,
                                          const Sampler& sampler) final;
  bool heartbeat(std::int64_t number, const std::string& worker) final;
  bool report(std::int64_t number, const std::string& worker, std::int64_t step,
              double value) final;
  bool finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                    std::optional<double> value, const std::string& message = "") final;
  bool release_trial(std::int64_t number, const std::string& worker) final;
  std::vector<Trial> trials() final;
  std::vector<TrialRecord> records() final;

 protected:
  SqlStudyStorage() = default;
  /// Called once by the backend's constructor with the protocol over its open
  /// connection; it must live as long as this object.
  void set_protocol(detail::StudyProtocol& protocol) noexcept { protocol_ = &protocol; }

 private:
  detail::StudyProtocol& protocol() const;
  detail::StudyProtocol* protocol_ = nullptr;
};

}  // namespace galaxyzoo
