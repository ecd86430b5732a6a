#pragma once
/// @file
/// Umbrella header: includes the whole public API of galaxyzoo.
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

#include "galaxyzoo/atomic_output.hpp"
#include "galaxyzoo/augment.hpp"
#include "galaxyzoo/dataset.hpp"
#include "galaxyzoo/error.hpp"
#include "galaxyzoo/evaluator.hpp"
#include "galaxyzoo/galaxy_renderer.hpp"
#include "galaxyzoo/hpo_search.hpp"
#include "galaxyzoo/image.hpp"
#include "galaxyzoo/image_index.hpp"
#include "galaxyzoo/labeling.hpp"
#include "galaxyzoo/metrics.hpp"
#include "galaxyzoo/parallel.hpp"
#include "galaxyzoo/preprocess.hpp"
#include "galaxyzoo/postgres_storage.hpp"
#include "galaxyzoo/pruner.hpp"
#include "galaxyzoo/random.hpp"
#include "galaxyzoo/sampler.hpp"
#include "galaxyzoo/search_space.hpp"
#include "galaxyzoo/splitter.hpp"
#include "galaxyzoo/sqlite_storage.hpp"
#include "galaxyzoo/stop_request.hpp"
#include "galaxyzoo/study_storage.hpp"
#include "galaxyzoo/synthetic_dataset.hpp"
#include "galaxyzoo/synthetic_galaxy.hpp"
#include "galaxyzoo/text_table.hpp"
#include "galaxyzoo/trial.hpp"
#include "galaxyzoo/version.hpp"
#include "galaxyzoo/vote_simulator.hpp"
#include "galaxyzoo/vote_table.hpp"
#include "galaxyzoo/workflow.hpp"
