#pragma once
// The study protocol of study_storage.hpp, written once over a SqlSession: the schema
// (version kStudySchemaVersion), creating or checking the study, claiming (take-over
// or new trial), heartbeats, reports, finishing, releasing and reading trials.
// SqliteStorage and PostgresStorage hold one each. Private to src/.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/study_storage.hpp"
#include "hpo/sql_session.hpp"

namespace galaxyzoo::detail {

// The CREATE statements of the schema, with @p types' column types.
std::string study_schema(const SqlTypes& types);

// StudyStorage's operations on one session; see study_storage.hpp for what each does.
// Calls are serialised (safe from several threads of one process). Finished trials
// never change, so they are read from the database once and then kept in memory.
class StudyProtocol {
 public:
  explicit StudyProtocol(SqlSession& session) : session_(session) {}

  void open_study(const StudyConfig& config);
  StudyConfig study();
  std::optional<ClaimedTrial> claim_trial(const ClaimOptions& options, const Sampler& sampler);
  bool heartbeat(std::int64_t number, const std::string& worker);
  bool report(std::int64_t number, const std::string& worker, std::int64_t step, double value);
  bool finish_trial(std::int64_t number, const std::string& worker, TrialState state,
                    std::optional<double> value, const std::string& message);
  bool release_trial(std::int64_t number, const std::string& worker);
  std::vector<Trial> trials();
  std::vector<TrialRecord> records();

 private:
  void require_study() const;
  void create_study(const StudyConfig& config);
  StudyConfig read_study();
  std::optional<ClaimedTrial> take_over(const ClaimOptions& options, double now);
  ClaimedTrial insert_new_trial(const ClaimOptions& options, const Sampler& sampler, double now);
  Assignment read_params(std::int64_t number);
  std::vector<Trial> read_trials(std::vector<TrialRecord>* records);

  SqlSession& session_;
  std::mutex mutex_;
  bool have_study_ = false;
  StudyConfig config_;
  std::vector<Trial> known_;  // every trial by number, as last read (finished ones are kept)
};

}  // namespace galaxyzoo::detail
