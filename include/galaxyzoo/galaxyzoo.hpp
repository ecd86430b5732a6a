#pragma once
/// @file
/// Umbrella header of the parts of galaxyzoo that do not need Torch: core utilities, the
/// catalogue and its split, images, synthetic data, the hyper-parameter search, metrics
/// and the step runner. It compiles without LibTorch's headers; the model, training,
/// evaluation and the whole workflow are in galaxyzoo_torch.hpp.
///
/// @code
/// #include <galaxyzoo/galaxyzoo.hpp>
///
/// int main() {
///   auto dataset = galaxyzoo::Dataset::load("galaxy-zoo-the-galaxy-challenge");
///   auto plan = galaxyzoo::Splitter().split(dataset);
///   galaxyzoo::write_split(plan, "full_galaxy_dataset");
/// }
/// @endcode

#include "galaxyzoo/version.hpp"

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/event_log.hpp"
#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/core/log_file.hpp"
#include "galaxyzoo/core/memory.hpp"
#include "galaxyzoo/core/number_format.hpp"
#include "galaxyzoo/core/parallel.hpp"
#include "galaxyzoo/core/progress.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/core/text_file.hpp"
#include "galaxyzoo/core/text_table.hpp"
#include "galaxyzoo/core/wall_time_limit.hpp"
#include "galaxyzoo/core/zip_archive.hpp"

#include "galaxyzoo/data/catalog.hpp"
#include "galaxyzoo/data/dataset.hpp"
#include "galaxyzoo/data/fits_table.hpp"
#include "galaxyzoo/data/image_index.hpp"
#include "galaxyzoo/data/labeling.hpp"
#include "galaxyzoo/data/soft_targets.hpp"
#include "galaxyzoo/data/splitter.hpp"
#include "galaxyzoo/data/vote_table.hpp"

#include "galaxyzoo/images/augment.hpp"
#include "galaxyzoo/images/fits_display.hpp"
#include "galaxyzoo/images/fits_image.hpp"
#include "galaxyzoo/images/fits_stretch.hpp"
#include "galaxyzoo/images/galaxy_image_source.hpp"
#include "galaxyzoo/images/heatmap.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/images/plot.hpp"
#include "galaxyzoo/images/preprocess.hpp"
#include "galaxyzoo/images/resample.hpp"
#include "galaxyzoo/images/sky_cutout.hpp"
#include "galaxyzoo/images/wcs.hpp"

#include "galaxyzoo/synthetic/galaxy_renderer.hpp"
#include "galaxyzoo/synthetic/synthetic_dataset.hpp"
#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"
#include "galaxyzoo/synthetic/vote_simulator.hpp"

#include "galaxyzoo/hpo/hpo_search.hpp"
#include "galaxyzoo/hpo/optuna_export.hpp"
#include "galaxyzoo/hpo/postgres_storage.hpp"
#include "galaxyzoo/hpo/pruner.hpp"
#include "galaxyzoo/hpo/sampler.hpp"
#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/hpo/sqlite_storage.hpp"
#include "galaxyzoo/hpo/study_storage.hpp"
#include "galaxyzoo/hpo/tpe_sampler.hpp"
#include "galaxyzoo/hpo/trial.hpp"
#include "galaxyzoo/hpo/trial_plots.hpp"

#include "galaxyzoo/eval/metrics.hpp"

#include "galaxyzoo/workflow/galaxy_workflow.hpp"
#include "galaxyzoo/workflow/workflow.hpp"
#include "galaxyzoo/workflow/workflow_summary.hpp"
