#pragma once
/// @file
/// The final summary of a finished Galaxy Zoo workflow (galaxy_workflow.hpp): the JSON
/// document written as workflow_summary.json and the text printed at the end. Both are
/// built from the steps' reports: each step's details (JSON text) appear under the step's
/// name, and the text shows the classes and the split (create_dataset), the best
/// hyper-parameters (vgg16_hpo), the test metrics (eval_model), the time per step and the
/// time the final training saved by continuing the best trial's checkpoint
/// (`time_saved_seconds` in the JSON).
///
/// @code
/// galaxyzoo::WorkflowSummaryContext context{work, data, "cpu", false,
///                                           work / "workflow_summary.json"};
/// const galaxyzoo::WorkflowSummary summary =
///     galaxyzoo::summarise_galaxy_workflow(reports, context);
/// galaxyzoo::write_file_atomically(context.summary_file, summary.json);
/// std::cout << summary.text;
/// @endcode

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/workflow/workflow.hpp"

namespace galaxyzoo {

/// What the summary says besides the steps' reports.
struct WorkflowSummaryContext {
  std::filesystem::path work_dir;      ///< the work folder
  std::filesystem::path data_path;     ///< the Kaggle folder
  std::string device;                  ///< the training device, as describe() says it
  bool pretrained_weights = false;     ///< whether VGG16 started from ImageNet weights
  std::filesystem::path summary_file;  ///< where the JSON goes (named in the text)
};

/// The summary of a finished workflow.
struct WorkflowSummary {
  std::string json;          ///< workflow_summary.json's content: indented, ending in '\n'
  std::string text;          ///< the summary as printed, ending in '\n'
  double test_accuracy = 0;  ///< eval_model's accuracy (0 without one)
  double majority_rate = 0;  ///< eval_model's majority-class rate (0 without one)
};

/// The summary of the finished workflow whose steps reported @p steps. Details that are
/// not JSON count as empty.
WorkflowSummary summarise_galaxy_workflow(const std::vector<StepReport>& steps,
                                          const WorkflowSummaryContext& context);

}  // namespace galaxyzoo
