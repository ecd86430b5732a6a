#pragma once
/// @file
/// A study as Optuna's tools read it: Optuna's journal file (what
/// `optuna.storages.JournalStorage` replays: `JournalFileStorage` in Optuna 3.1,
/// `journal.JournalFileBackend` from Optuna 4 on, which read the same format), and the
/// trials table with the columns of Optuna's `Study.trials_dataframe()`.
///
/// @code
/// auto storage = galaxyzoo::open_storage("sqlite:///hpo/hpo_galaxy_vgg16.db");
/// galaxyzoo::export_optuna_journal(storage->study(), storage->records(),
///                                  "hpo/vgg16_hpo.optuna.log");
/// @endcode
///
/// Then, in Python:
///
///     import optuna
///     from optuna.storages import JournalStorage
///     from optuna.storages.journal import JournalFileBackend  # 3.1: JournalFileStorage
///     study = optuna.load_study(study_name="vgg16_hpo", storage=JournalStorage(
///         JournalFileBackend("hpo/vgg16_hpo.optuna.log")))
///
/// The journal is a copy: the study's database stays the one the workers share (its
/// claims, heartbeats and take-overs are galaxyzoo's). Every trial keeps its galaxyzoo
/// number, state, parameters with their distributions, intermediate values (non-finite
/// ones left out), value and times (local time, as Optuna writes them). HpoSearch brings
/// the journal up to date after every trial. An update only appends lines, so an
/// optuna-dashboard that follows the file sees each change; the file is replaced
/// atomically (written beside, renamed over) under a lock on its folder, so a reader never
/// sees half a line. A journal that no longer matches the study (another study, a trial
/// whose parameters differ, a line that is not JSON) is written afresh, and so is one whose
/// running trial has been re-run since (a take-over or a resumed stop: the journal cannot
/// change a running trial's start time); a dashboard that follows the file must then
/// reopen it.

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/study_storage.hpp"

namespace galaxyzoo {

/// Optuna's name of a trial state, as `trials_dataframe()` shows it: "RUNNING",
/// "COMPLETE", "PRUNED" or "FAIL".
const char* optuna_state_name(TrialState state) noexcept;

/// @p unix_seconds as local time to the microsecond, "2024-05-01 13:45:07.250000"
/// (@p separator ' ', pandas' form) or "2024-05-01T13:45:07.250000" ('T', ISO 8601 as
/// Optuna's journal holds it); empty for 0 or less (no time).
std::string optuna_datetime(double unix_seconds, char separator = ' ');

/// The time from @p start to @p end (Unix seconds, each rounded to the microsecond as
/// optuna_datetime() rounds it) in pandas' Timedelta form, "0 days 00:01:02.500000";
/// empty if either is 0 or less; 0 if @p end is before @p start (a clock stepped back).
std::string optuna_duration(double start, double end);

/// The trials as CSV with the columns of Optuna's `trials_dataframe().to_csv(index=False)`:
/// `number,value,datetime_start,datetime_complete,duration,params_NAME...,state` (the
/// parameters in alphabetical order, as Optuna sorts them), then galaxyzoo's own
/// `attempts,worker,message`. Cells as pandas writes them: reals as Python's repr() ("2.0",
/// "0.0001", "1e-05"), times as optuna_datetime() and optuna_duration(), states as
/// optuna_state_name().
std::string trials_dataframe_csv(const std::vector<TrialRecord>& records, const SearchSpace& space);

/// The whole journal of @p study with @p records (one JSON object per line): the study,
/// then one line per trial, by number.
std::string optuna_journal(const StudyConfig& study, const std::vector<TrialRecord>& records);

/// Brings the journal @p file up to date with @p study and its @p records: appends what
/// changed since it was last written (new trials, intermediate values, outcomes), or
/// writes it afresh when it is missing or does not match; see the file comment.
/// @throws IoError naming the file if it cannot be read or written.
void export_optuna_journal(const StudyConfig& study, const std::vector<TrialRecord>& records,
                           const std::filesystem::path& file);

}  // namespace galaxyzoo
