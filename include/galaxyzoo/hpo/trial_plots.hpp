#pragma once
/// @file
/// Plots that compare the trials of a study, as Optuna's visualisation module draws them:
/// the optimisation history, the intermediate values of every trial, and each searched
/// parameter against the objective. HpoSearch redraws them after every trial.
///
/// @code
/// auto storage = galaxyzoo::open_storage("sqlite:///hpo/hpo_galaxy_vgg16.db");
/// galaxyzoo::write_trial_plots(storage->records(), storage->study().space, "hpo", "vgg16_hpo");
/// // hpo/vgg16_hpo_history.png, hpo/vgg16_hpo_intermediate.png, hpo/vgg16_hpo_params.png
/// // and the same as .svg
/// @endcode

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/hpo/study_storage.hpp"
#include "galaxyzoo/images/plot.hpp"

namespace galaxyzoo {

/// The optimisation history: each finished trial's value against its number (complete
/// trials as discs, pruned ones as crosses) and the best value so far as a step line.
LinePlot history_plot(const std::vector<TrialRecord>& records);

/// The intermediate values (validation loss per epoch, epochs counted from 1) of every
/// trial, one line each: complete trials in blue, pruned ones in orange ending in a cross
/// where they were pruned, running ones grey, the best trial in black.
LinePlot intermediate_plot(const std::vector<TrialRecord>& records);

/// Parameter @p parameter against the objective of each finished trial: a log x axis for
/// a log-scale parameter, the choices as named positions for a categorical one.
LinePlot parameter_plot(const std::vector<TrialRecord>& records, const Parameter& parameter);

/// Writes `NAME_history`, `NAME_intermediate` and `NAME_params` (one panel per parameter
/// of @p space) as PNG and SVG into @p folder, each atomically.
/// @throws IoError if a file cannot be written; Error if libvips cannot render one.
void write_trial_plots(const std::vector<TrialRecord>& records, const SearchSpace& space,
                       const std::filesystem::path& folder, const std::string& name);

}  // namespace galaxyzoo
