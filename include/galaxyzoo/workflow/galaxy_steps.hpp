#pragma once
/// @file
/// The steps of the Galaxy Zoo workflow (galaxy_workflow.hpp) as Workflow steps: each
/// with its name, the steps it needs, its inputs (what its fingerprint hashes), its run()
/// and its clean(), in the order run_galaxy_workflow() adds them:
///
///     create_dataset -> preprocess -> augment_class_2, augment_class_3 -> vgg16_hpo
///     -> train_model -> eval_model
///
/// The steps' run() and clean() refer to the GalaxyStepContext they were built from, which
/// must outlive the workflow that runs them.
///
/// @code
/// const torch::Device device = galaxyzoo::select_device(options.device);
/// const auto context = galaxyzoo::galaxy_step_context(options, device);
/// galaxyzoo::Workflow flow({galaxyzoo::GalaxyWorkflowPaths(options.work_dir).record_dir});
/// for (auto& step : galaxyzoo::galaxy_workflow_steps(context)) flow.add(std::move(step));
/// flow.run();
/// @endcode

#include <cstdint>
#include <vector>

#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/model/training_run.hpp"
#include "galaxyzoo/workflow/galaxy_workflow.hpp"
#include "galaxyzoo/workflow/workflow.hpp"

namespace galaxyzoo {

/// What the steps share.
struct GalaxyStepContext {
  GalaxyWorkflowOptions options;  ///< the workflow's options (on_message gets progress lines)
  GalaxyWorkflowPaths paths;      ///< the folders of options.work_dir
  SearchSpace space;              ///< options.space's, else the default with or without weights
  /// What every training (search trials and final) shares: data, weights, sizes, loader
  /// threads, patience, seed, device; without weights also milder colour jitter and rotations.
  TrainingRunOptions base;
  std::int64_t hpo_epochs = 0;  ///< epochs of each search trial (options.hpo_epochs, else epochs)
};

/// The context of the steps for @p options on @p device.
/// @throws Error (or InputError, IoError) if options.space cannot be read.
GalaxyStepContext galaxy_step_context(const GalaxyWorkflowOptions& options,
                                      const torch::Device& device);

/// The preprocess step's options from @p options: crop size, JPEG quality, threads.
PreprocessOptions preprocess_options(const GalaxyWorkflowOptions& options);

/// The augment steps' options from @p options: seed, JPEG quality, window, resampling,
/// threads.
AugmenterOptions augmenter_options(const GalaxyWorkflowOptions& options);

/// The workflow's seven steps, in order; see the file comment.
std::vector<WorkflowStep> galaxy_workflow_steps(const GalaxyStepContext& context);

}  // namespace galaxyzoo
