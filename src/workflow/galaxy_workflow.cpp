#include "galaxyzoo/workflow/galaxy_workflow.hpp"

#include <cstdio>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/number_format.hpp"
#include "galaxyzoo/core/wall_time_limit.hpp"
#include "galaxyzoo/model/device.hpp"
#include "galaxyzoo/workflow/galaxy_steps.hpp"
#include "galaxyzoo/workflow/workflow_summary.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

using MessageFn = std::function<void(const std::string& line)>;

// Passes @p text to @p on_message, if there is one.
void say(const MessageFn& on_message, const std::string& text) {
  if (on_message) on_message(text);
}

void check_options(const GalaxyWorkflowOptions& o) {
  if (o.image_size <= 0 || o.image_size % 32 != 0) {
    throw Error("workflow: image_size " + std::to_string(o.image_size) +
                " is not a positive multiple of 32");
  }
  if (o.epochs < 1) throw Error("workflow: epochs must be at least 1");
  if (o.hpo_epochs < 0) throw Error("workflow: hpo_epochs must not be negative");
  if (o.trials < 1) throw Error("workflow: trials must be at least 1");
  if (o.split_rng == SplitRng::numpy && o.stratified)
    throw Error("workflow: the numpy shuffle (the original's split) needs stratified = false");
  if (o.batch_size < 1) throw Error("workflow: batch_size must be at least 1");
  if (o.patience < 0) throw Error("workflow: patience must not be negative");
  if (!o.max_img.empty() && o.max_img.size() != 5) {
    throw Error("workflow: max_img needs five numbers (one per class), got " +
                std::to_string(o.max_img.size()));
  }
  for (const auto cap : o.max_img) {
    if (cap < 0) throw Error("workflow: max_img must not be negative");
  }
  if (o.maxwalltime_minutes < 0) throw Error("workflow: maxwalltime must not be negative");
  // The image steps' own checks (quality 1-100, the window inside 0..255).
  Preprocessor{preprocess_options(o)};
  Augmenter{augmenter_options(o)};
}

// The workflow runner's options: the record folder, and a line when a step starts and ends.
WorkflowOptions flow_options(const GalaxyWorkflowPaths& paths, const MessageFn& on_message) {
  WorkflowOptions flow;
  flow.record_dir = paths.record_dir;
  if (!on_message) return flow;
  flow.on_start = [on_message](const WorkflowStep& step, bool resuming) {
    on_message("[" + step.name + "] " + (resuming ? "resuming" : "running") + " ...\n");
  };
  flow.on_step = [on_message](const StepReport& report) {
    char line[96];
    std::snprintf(
        line, sizeof line, "[%s] %-11s %9s  ", report.name.c_str(), to_string(report.status),
        report.status == StepStatus::skipped ? "" : format_seconds(report.seconds).c_str());
    on_message(line + report.summary + '\n');
  };
  return flow;
}

// Writes workflow_summary.json and fills @p result's summary fields.
void summarise(const GalaxyStepContext& c, const std::string& device,
               GalaxyWorkflowResult& result) {
  const WorkflowSummaryContext context{c.paths.work, c.options.data_path, device,
                                       !c.options.weights.empty(), c.paths.summary_file};
  const WorkflowSummary summary = summarise_galaxy_workflow(result.steps, context);
  result.test_accuracy = summary.test_accuracy;
  result.majority_rate = summary.majority_rate;
  result.summary_file = c.paths.summary_file;
  write_file_atomically(result.summary_file, summary.json);
  result.summary = summary.text;
}

}  // namespace

GalaxyWorkflowPaths::GalaxyWorkflowPaths(const fs::path& work_dir)
    : work(work_dir),
      dataset(work_dir / "full_galaxy_dataset"),
      manifest(dataset / "manifest.csv"),
      preprocessed(work_dir / "preprocessed"),
      hpo(work_dir / "hpo"),
      hpo_database(hpo / "hpo_galaxy_vgg16.db"),
      best_params(hpo / "best_vgg16_hpo_params.txt"),
      best_trial(hpo / "best_vgg16_hpo_trial.json"),
      trials_table(hpo / "vgg16_hpo_trials.csv"),
      model(work_dir / "model"),
      model_file(model / "final_vgg16_model.pt"),
      evaluation(work_dir / "evaluation"),
      summary_file(work_dir / "workflow_summary.json"),
      record_dir(work_dir / ".galaxyzoo-workflow") {}

GalaxyWorkflowResult run_galaxy_workflow(const GalaxyWorkflowOptions& options) {
  check_options(options);
  set_cpu_threads(options.num_workers);
  const torch::Device device = select_device(options.device);
  const GalaxyStepContext context = galaxy_step_context(options, device);
  if (options.weights.empty()) {
    say(options.on_message,
        "No ImageNet weights: VGG16 trains from its Kaiming initialisation, all layers, with the "
        "search space for training from scratch (see README)\n");
  }

  Workflow flow(flow_options(context.paths, options.on_message));
  for (auto& step : galaxy_workflow_steps(context)) flow.add(std::move(step));
  GalaxyWorkflowResult result;
  {
    const WallTimeLimit limit(options.maxwalltime_minutes);
    result.steps = flow.run();
  }
  result.finished = flow.finished();
  if (!result.finished) {
    say(options.on_message, "Stopped before the end; run the same command again to continue.\n");
    return result;
  }
  summarise(context, describe(device), result);
  say(options.on_message, result.summary);
  return result;
}

}  // namespace galaxyzoo
