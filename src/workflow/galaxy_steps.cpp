#include "galaxyzoo/workflow/galaxy_steps.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/number_format.hpp"
#include "galaxyzoo/core/progress.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/core/text_file.hpp"
#include "galaxyzoo/data/dataset.hpp"
#include "galaxyzoo/data/soft_targets.hpp"
#include "galaxyzoo/data/splitter.hpp"
#include "galaxyzoo/eval/evaluator.hpp"
#include "galaxyzoo/hpo/hpo_search.hpp"
#include "galaxyzoo/hpo/vgg16_objective.hpp"
#include "galaxyzoo/images/augment.hpp"
#include "galaxyzoo/images/preprocess.hpp"
#include "galaxyzoo/model/classifier.hpp"
#include "galaxyzoo/model/training_history.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace galaxyzoo {
namespace {

// A running trial whose worker was killed is re-run after this long without a heartbeat.
// One driver per work folder is the normal case, so it can be short.
constexpr double kHeartbeatSeconds = 5;
constexpr double kGraceSeconds = 15;

using MessageFn = std::function<void(const std::string& line)>;

void remove_folder(const fs::path& folder) {
  std::error_code ec;
  fs::remove_all(folder, ec);
  if (ec) throw IoError(folder, "cannot remove: " + ec.message());
}

// The per-epoch progress line of the search's trials and of the final training.
std::function<void(const EpochStats&)> epoch_printer(const MessageFn& on_message,
                                                     std::int64_t epochs) {
  if (!on_message) return {};
  return [on_message, epochs](const EpochStats& e) {
    on_message("    " + format_epoch_line(e, epochs) + '\n');
  };
}

// Notices of the trainer (a damaged checkpoint replaced by its previous copy).
std::function<void(const std::string&)> notice_printer(const MessageFn& on_message) {
  if (!on_message) return {};
  return [on_message](const std::string& line) { on_message("    warning: " + line + '\n'); };
}

// The search space: the file's, else the default for training with or without weights.
SearchSpace search_space(const GalaxyWorkflowOptions& options) {
  if (!options.space.empty()) return SearchSpace::read_json(options.space);
  return options.weights.empty() ? SearchSpace::vgg16_from_scratch() : SearchSpace::vgg16_default();
}

// The soft targets of augment step @p k's copies.
fs::path augmented_targets_file(const GalaxyWorkflowPaths& paths, int k) {
  return paths.preprocessed / ("soft_targets_train_class_" + std::to_string(k) + ".csv");
}

// The recipe: the options', else the default with or without weights. A cosine without an
// end ends at the final training's last epoch, which the search's shorter trials share.
TrainingRecipe training_recipe(const GalaxyWorkflowOptions& options) {
  TrainingRecipe recipe = options.recipe            ? *options.recipe
                          : options.weights.empty() ? from_scratch_recipe()
                                                    : TrainingRecipe{};
  if (recipe.schedule.cosine && recipe.schedule.decay_epochs == 0)
    recipe.schedule.decay_epochs = options.epochs;
  return recipe;
}

// What every training (search trials and final) shares.
TrainingRunOptions training_base(const GalaxyWorkflowOptions& options,
                                 const GalaxyWorkflowPaths& paths, const torch::Device& device) {
  TrainingRunOptions base;
  base.data = paths.preprocessed;
  base.weights = options.weights;
  base.loader.image_size = options.image_size;
  base.loader.batch_size = options.batch_size;
  base.loader.num_workers = std::max(1, options.num_workers > 0 ? options.num_workers : 2);
  base.loader.cache_bytes = options.cache_mb << 20;
  base.trainer.patience = options.patience;
  base.trainer.seed = options.seed;
  base.trainer.device = device;
  if (options.weights.empty()) {
    // From scratch the network also has to learn what a galaxy looks like, and the
    // original's jitter (brightness factor down to 0, contrast 0.2..1.8) makes training
    // images unlike the evaluation images it is judged on. Milder jitter, and rotations
    // by any angle instead, which a galaxy's class does not depend on.
    base.loader.brightness_min = 0.8;
    base.loader.brightness_max = 1.2;
    base.loader.contrast_min = 0.8;
    base.loader.contrast_max = 1.2;
    base.loader.rotations = true;
  }
  const TrainingRecipe recipe = training_recipe(options);
  apply_recipe(recipe, base.trainer);
  if (recipe.soft_targets) {
    base.soft_targets.push_back(paths.dataset / kSoftTargetsFile);
    if (options.num_class_2 > 0) base.soft_targets.push_back(augmented_targets_file(paths, 2));
    if (options.num_class_3 > 0) base.soft_targets.push_back(augmented_targets_file(paths, 3));
  }
  return base;
}

// The inputs of every training step (search and final).
void add_training_inputs(StepInputs& inputs, const GalaxyWorkflowOptions& options,
                         const TrainingRunOptions& base) {
  inputs.set("image_size", options.image_size)
      .set("brightness_min", base.loader.brightness_min)
      .set("brightness_max", base.loader.brightness_max)
      .set("contrast_min", base.loader.contrast_min)
      .set("contrast_max", base.loader.contrast_max)
      .set("rotations", base.loader.rotations ? "yes" : "no")
      .set("batch_size", static_cast<std::int64_t>(options.batch_size))
      .set("patience", options.patience)
      .set("seed", static_cast<std::int64_t>(options.seed))
      .file(options.weights.empty() ? fs::path() : options.weights);
  // Only a recipe other than the original's, so that work folders made before it keep
  // their steps.
  const TrainerOptions& t = base.trainer;
  if (!base.soft_targets.empty() || t.label_smoothing > 0 || t.weight_decay > 0 ||
      is_scheduled(t.schedule) || t.recalibrate_batchnorm) {
    inputs.set("soft_targets", base.soft_targets.empty() ? "no" : "yes")
        .set("recalibrate_batchnorm", t.recalibrate_batchnorm ? "yes" : "no")
        .set("label_smoothing", t.label_smoothing)
        .set("weight_decay", t.weight_decay)
        .set("schedule", describe(t.schedule));
  }
}

// create_dataset's summary line and details.
StepOutcome dataset_outcome(const Dataset& dataset, const SplitPlan& plan) {
  json details;
  details["rows"] = dataset.stats().rows;
  details["unlabeled"] = dataset.stats().unlabeled;
  details["missing_image"] = dataset.stats().missing_image;
  details["class_names"] = plan.class_names;
  json counts = json::object();
  std::array<std::size_t, 3> totals{};
  const auto c = plan.counts();
  for (std::size_t k = 0; k < c.size(); ++k) {
    counts[plan.class_names[k]] = {{"train", c[k][0]}, {"val", c[k][1]}, {"test", c[k][2]}};
    for (int s = 0; s < 3; ++s) totals[s] += c[k][s];
  }
  details["split"] = counts;
  details["class_table"] = dataset.class_table();
  details["split_table"] = plan.table();
  const std::string summary = std::to_string(plan.entries.size()) + " galaxies labelled of " +
                              std::to_string(dataset.stats().rows) + "; train " +
                              std::to_string(totals[0]) + ", val " + std::to_string(totals[1]) +
                              ", test " + std::to_string(totals[2]);
  return StepOutcome{true, summary, details.dump()};
}

// 1. Label, select and split the Kaggle catalog.
WorkflowStep create_dataset_step(const GalaxyStepContext& c) {
  const GalaxyWorkflowOptions& options = c.options;
  WorkflowStep create("create_dataset");
  create.inputs.file(options.data_path / "training_solutions_rev1.csv")
      .file(options.data_path / "images_training_rev1")
      .set("seed", static_cast<std::int64_t>(options.seed))
      .set("stratified", options.stratified ? "yes" : "no")
      .set("max_img", options.max_img);
  // Only a non-default shuffle is an input, so work folders made before it keep their steps.
  if (options.split_rng != SplitRng::galaxyzoo)
    create.inputs.set("split_rng", std::string(to_string(options.split_rng)));
  create.run = [&c] {
    DatasetOptions dataset_options;
    dataset_options.seed = c.options.seed;
    for (const auto cap : c.options.max_img)
      dataset_options.max_per_class.push_back(static_cast<std::size_t>(cap));
    const Dataset dataset = Dataset::load(c.options.data_path, dataset_options);
    SplitOptions split_options;
    split_options.seed = c.options.seed;
    split_options.stratified = c.options.stratified;
    split_options.rng = c.options.split_rng;
    const SplitPlan plan = Splitter(split_options).split(dataset);
    WriteSplitOptions write_options;
    write_options.replace_existing = true;
    write_split(plan, c.paths.dataset, write_options);
    return dataset_outcome(dataset, plan);
  };
  create.clean = [&c] { remove_folder(c.paths.dataset); };
  return create;
}

}  // namespace

PreprocessOptions preprocess_options(const GalaxyWorkflowOptions& options) {
  PreprocessOptions preprocess;
  preprocess.num_workers = options.num_workers;
  preprocess.jpeg_quality = options.preprocess_quality;
  preprocess.crop_size = options.crop_size;
  return preprocess;
}

AugmenterOptions augmenter_options(const GalaxyWorkflowOptions& options) {
  AugmenterOptions augment;
  augment.seed = options.seed;
  augment.num_workers = options.num_workers;
  augment.jpeg_quality = options.augment_quality;
  augment.window_first = options.augment_window_first;
  augment.window_last = options.augment_window_last;
  augment.resampling = options.augment_resampling;
  return augment;
}

namespace {

// 2. Centre-crop every image to crop_size (the original's "resize" to 256 x 256).
WorkflowStep preprocess_step(const GalaxyStepContext& c) {
  PreprocessOptions options = preprocess_options(c.options);
  options.on_progress = ProgressMeter::callback("processed", "images");
  WorkflowStep preprocess("preprocess", {"create_dataset"});
  preprocess.inputs.set("crop_size", options.crop_size).set("quality", options.jpeg_quality);
  preprocess.run = [&c, options] {
    const PreprocessReport report =
        Preprocessor(options).run(list_images(c.paths.dataset), c.paths.preprocessed);
    if (!report.ok()) throw Error("preprocess: " + report.summary());
    json details{
        {"inputs", report.inputs}, {"written", report.written}, {"up_to_date", report.up_to_date}};
    return StepOutcome{true,
                       std::to_string(report.written) + " images cropped to " +
                           std::to_string(options.crop_size) + " (" +
                           std::to_string(report.up_to_date) + " already done)",
                       details.dump()};
  };
  preprocess.clean = [&c] { remove_folder(c.paths.preprocessed); };
  return preprocess;
}

// 3. More training images of the rare class @p k (2 or 3).
WorkflowStep augment_step(const GalaxyStepContext& c, int k) {
  const std::size_t num = k == 2 ? c.options.num_class_2 : c.options.num_class_3;
  const std::string class_str = "class_" + std::to_string(k);
  const AugmenterOptions options = augmenter_options(c.options);
  WorkflowStep augment("augment_" + class_str, {"preprocess"});
  augment.inputs.set("num", static_cast<std::int64_t>(num))
      .set("seed", static_cast<std::int64_t>(options.seed))
      .set("quality", options.jpeg_quality)
      .set("window", std::vector<std::int64_t>{options.window_first, options.window_last})
      .set("resampling", to_string(options.resampling));
  augment.run = [&c, options, num, class_str, k] {
    AugmenterOptions augment_options = options;
    augment_options.on_progress = ProgressMeter::callback("augmented", "images");
    if (num == 0) return StepOutcome{true, "none asked for", "{\"written\": 0}"};
    const auto inputs =
        augmentation_inputs(c.paths.preprocessed, class_str, augment_options.first_number);
    const AugmentReport report =
        Augmenter(augment_options).run(inputs, num, c.paths.preprocessed, "train_" + class_str);
    // The copies inherit their sources' soft targets, when create_dataset wrote them.
    if (const fs::path table = c.paths.dataset / kSoftTargetsFile; fs::exists(table)) {
      write_soft_targets(
          inherited_soft_targets(read_soft_targets(table), report.sources, report.files),
          augmented_targets_file(c.paths, k));
    }
    json details{
        {"inputs", inputs.size()}, {"written", report.written}, {"up_to_date", report.up_to_date}};
    return StepOutcome{
        true,
        std::to_string(num) + " new " + class_str + " images from " + std::to_string(inputs.size()),
        details.dump()};
  };
  augment.clean = [&c, class_str, k] {
    remove_augmented(c.paths.preprocessed, "train_" + class_str);
    std::error_code ec;
    fs::remove(augmented_targets_file(c.paths, k), ec);
  };
  return augment;
}

// vgg16_hpo's summary line and details, from a search with a best trial.
StepOutcome search_outcome(const HpoResult& result) {
  json params = json::object();
  for (const auto& [name, value] : result.best->trial.params) params[name] = to_string(value);
  json details{{"best_trial", result.best->trial.number},
               {"best_value", *result.best->trial.value},
               {"params", params},
               {"finished_trials", result.finished_total}};
  return StepOutcome{true,
                     std::to_string(result.finished_total) + " trials; best trial " +
                         std::to_string(result.best->trial.number) + ", val loss " +
                         format_fixed(*result.best->trial.value, 4),
                     details.dump()};
}

// Removes the trials' checkpoints but the best one's (which the final training may
// continue): each is as large as a model and its optimiser's state.
void keep_only_best_checkpoint(const fs::path& hpo, const HpoResult& result) {
  const fs::path best = vgg16_trial_checkpoint(hpo, result.best->trial.number);
  std::error_code ec;
  for (fs::directory_iterator it(hpo, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("checkpoint_vgg16_trial", 0) == 0 && it->path() != best &&
        it->path() != previous_copy(best))
      fs::remove(it->path(), ec);
  }
}

// @p vgg16, removing each finished trial's checkpoint unless its value is the best so far
// (then the previous best's goes), so that the search keeps about one.
Objective keeping_best_checkpoint(const Vgg16Objective& vgg16, const fs::path& hpo) {
  auto best = std::make_shared<std::pair<double, std::int64_t>>(
      std::numeric_limits<double>::infinity(), -1);
  return [&vgg16, hpo, best](TrialContext& trial) {
    const double value = vgg16(trial);
    std::error_code ec;
    if (value < best->first) {
      if (best->second >= 0) fs::remove(vgg16_trial_checkpoint(hpo, best->second), ec);
      *best = {value, trial.number()};
    } else {
      fs::remove(vgg16_trial_checkpoint(hpo, trial.number()), ec);
    }
    return value;
  };
}

// Runs (or resumes) the search until it has options.trials finished trials.
StepOutcome run_search(const GalaxyStepContext& c) {
  const GalaxyWorkflowOptions& options = c.options;
  HpoSearchOptions search;
  search.storage = c.paths.hpo_database.string();
  search.space = c.space;
  search.trials = options.trials;
  search.sampler = options.sampler;
  search.seed = options.seed;
  search.pruner = options.pruner;
  search.heartbeat_seconds = kHeartbeatSeconds;
  search.grace_seconds = kGraceSeconds;
  search.output_dir = c.paths.hpo;
  search.on_message = options.on_message;
  Vgg16ObjectiveOptions objective;
  objective.run = c.base;
  objective.run.output_dir = c.paths.hpo;
  objective.run.trainer.epochs = c.hpo_epochs;
  objective.run.trainer.on_epoch = epoch_printer(options.on_message, c.hpo_epochs);
  objective.run.trainer.on_notice = notice_printer(options.on_message);
  objective.keep_checkpoints = options.reuse_best_trial;
  std::error_code ec;
  fs::create_directories(c.paths.hpo, ec);
  if (ec) throw IoError(c.paths.hpo, ec.message());
  HpoSearch searcher(search);
  const Vgg16Objective vgg16(objective, c.space);
  const Objective train_trial =
      options.reuse_best_trial ? keeping_best_checkpoint(vgg16, c.paths.hpo) : Objective(vgg16);
  HpoResult result = searcher.run(train_trial);
  // A trial held by a live worker of another run on this work folder (one killed on this
  // host is taken over at once) is re-run once its heartbeat is older than the grace period.
  while (!result.interrupted && result.finished_total < options.trials) {
    std::ostringstream waiting;
    waiting << "  waiting for a trial another worker holds (re-run after " << kGraceSeconds
            << " s of silence)\n";
    if (options.on_message) options.on_message(waiting.str());
    std::this_thread::sleep_for(std::chrono::duration<double>(kHeartbeatSeconds));
    if (stop_requested()) return StepOutcome{false, "stopped while waiting", ""};
    result = searcher.run(train_trial);
  }
  if (result.interrupted)
    return StepOutcome{false, "stopped in a trial; it resumes on the next run", ""};
  if (!result.best)
    throw Error("vgg16_hpo: no trial completed (see " + c.paths.trials_table.string() + ")");
  if (options.reuse_best_trial) keep_only_best_checkpoint(c.paths.hpo, result);
  return search_outcome(result);
}

// 4. Hyper-parameter search.
WorkflowStep hpo_step(const GalaxyStepContext& c) {
  WorkflowStep hpo("vgg16_hpo", {"augment_class_2", "augment_class_3"});
  add_training_inputs(hpo.inputs, c.options, c.base);
  hpo.inputs.set("epochs", c.hpo_epochs)
      .set("trials", c.options.trials)
      .set("sampler", c.options.sampler)
      .set("pruner", c.options.pruner)
      .set("space", c.space.to_json());
  hpo.run = [&c] { return run_search(c); };
  hpo.clean = [&c] { remove_folder(c.paths.hpo); };
  return hpo;
}

// The best trial's checkpoint (kept by the search when reuse_best_trial), or nothing.
fs::path best_trial_checkpoint(const GalaxyStepContext& c) {
  std::error_code ec;
  if (!c.options.reuse_best_trial || !fs::exists(c.paths.best_trial, ec)) return {};
  const json best = json::parse(read_text_file(c.paths.best_trial, "best trial"), nullptr, false);
  if (!best.is_object() || !best.contains("number") || !best["number"].is_number_integer())
    return {};
  return vgg16_trial_checkpoint(c.paths.hpo, best["number"].get<std::int64_t>());
}

// What the final training took over from the best trial, as a JSON object: from this run's
// result, else from the record a first, interrupted run left in the model folder.
json reuse_details(const GalaxyStepContext& c, const TrainingRunOptions& run,
                   const TrainingRunResult& result) {
  const fs::path record = c.paths.model / "continued_from.json";
  if (result.reused_epochs > 0) {
    const json taken{{"reused_from", run.continue_from.filename().string()},
                     {"reused_epochs", result.reused_epochs},
                     {"reused_seconds", result.reused_seconds}};
    write_file_atomically(record, taken.dump());
    return taken;
  }
  std::error_code ec;
  if (fs::exists(record, ec)) {
    const json taken = json::parse(read_text_file(record, "record"), nullptr, false);
    if (taken.is_object()) return taken;
  }
  json none{{"reused_epochs", 0}, {"reused_seconds", 0.0}};
  if (!result.reuse_skipped.empty()) none["reuse_skipped"] = result.reuse_skipped;
  return none;
}

// train_model's summary line and details.
StepOutcome training_outcome(const TrainingRunOptions& run, const TrainingRunResult& result,
                             json details) {
  const TrainingResult& t = result.training;
  details.update(json{{"epochs_run", t.history.size()},
                      {"best_epoch", t.best_epoch},
                      {"best_val_loss", t.best_val_loss},
                      {"stopped_early", t.stopped_early},
                      {"train_images", result.train_images},
                      {"val_images", result.val_images},
                      {"layer", run.params.layer},
                      {"lr_body", run.params.lr_body},
                      {"lr_head", run.params.lr_head}});
  std::string summary = std::to_string(t.history.size()) + " epochs on " +
                        std::to_string(result.train_images) + " images; best epoch " +
                        std::to_string(t.best_epoch + 1) + ", val loss " +
                        format_fixed(t.best_val_loss, 4);
  if (const auto reused = details.value("reused_epochs", std::int64_t{0}); reused > 0) {
    summary += "; epochs 1-" + std::to_string(reused) + " continued from " +
               details.value("reused_from", std::string("the best trial")) + " (" +
               format_seconds(details.value("reused_seconds", 0.0)) + " saved)";
  }
  if (run.refit) {
    details["refit_epochs"] = result.refit.history.size();
    details["refit_images"] = result.refit_images;
    summary += "; refit on " + std::to_string(result.refit_images) + " train + val images for " +
               std::to_string(result.refit.history.size()) + " epochs";
  }
  return StepOutcome{true, summary, details.dump()};
}

// Trains (or resumes) the final model with the search's best parameters, continuing the
// best trial's checkpoint when the settings allow.
StepOutcome run_final_training(const GalaxyStepContext& c) {
  TrainingRunOptions run = c.base;
  run.output_dir = c.paths.model;
  run.params = read_hyperparameters(c.paths.best_params);
  run.resume = true;  // a checkpoint here is this step's own, from an interrupted run
  run.refit = c.options.refit;
  run.continue_from = best_trial_checkpoint(c);
  run.trainer.epochs = c.options.epochs;
  run.trainer.on_epoch = epoch_printer(c.options.on_message, c.options.epochs);
  run.trainer.on_notice = notice_printer(c.options.on_message);
  const TrainingRunResult result = run_training(run);
  json details = reuse_details(c, run, result);  // recorded even when interrupted
  if (result.training.interrupted)
    return StepOutcome{false, "stopped; resumes from the checkpoint", ""};
  return training_outcome(run, result, std::move(details));
}

// 5. Final training with the best parameters: fit on train, early-stop on val.
WorkflowStep train_step(const GalaxyStepContext& c) {
  WorkflowStep train("train_model", {"vgg16_hpo"});
  add_training_inputs(train.inputs, c.options, c.base);
  train.inputs.set("epochs", c.options.epochs);
  // Only when on, so that work folders made before the option keep their model.
  if (c.options.refit) train.inputs.set("refit", "yes");
  train.run = [&c] { return run_final_training(c); };
  train.clean = [&c] { remove_folder(c.paths.model); };
  return train;
}

// eval_model's summary line and details.
StepOutcome evaluation_outcome(const EvaluationReport& report) {
  const auto& m = report.metrics;
  std::size_t majority = 0;
  for (const auto& c : m.per_class) majority = std::max(majority, c.support);
  const double majority_rate =
      m.samples ? static_cast<double>(majority) / static_cast<double>(m.samples) : 0.0;
  json details{
      {"accuracy", m.accuracy},
      {"accuracy_interval", {report.intervals.accuracy.low, report.intervals.accuracy.high}},
      {"macro_f1", m.macro.f1},
      {"macro_f1_interval", {report.intervals.macro_f1.low, report.intervals.macro_f1.high}},
      {"majority_rate", majority_rate},
      {"samples", m.samples},
      {"report", report.summary()}};
  if (m.log_loss) details["log_loss"] = *m.log_loss;
  return StepOutcome{true,
                     "test accuracy " + format_fixed(m.accuracy, 3) + " (majority class " +
                         format_fixed(majority_rate, 3) + "), macro F1 " +
                         format_fixed(m.macro.f1, 3) + " on " + std::to_string(m.samples) +
                         " images",
                     details.dump()};
}

// 6. Evaluation on the held-out test split.
WorkflowStep eval_step(const GalaxyStepContext& c) {
  WorkflowStep evaluate("eval_model", {"train_model"});
  evaluate.inputs.set("tta", c.options.tta ? "yes" : "no")
      .set("batch_size", static_cast<std::int64_t>(c.options.batch_size));
  evaluate.run = [&c] {
    GalaxyClassifier classifier(c.paths.model_file, c.options.device);
    EvaluatorOptions eval_options;
    eval_options.batch_size = c.options.batch_size;
    eval_options.tta = c.options.tta;
    eval_options.num_workers = c.base.loader.num_workers;
    eval_options.manifest = c.paths.manifest;
    eval_options.bootstrap.seed = c.options.seed;
    const EvaluationReport report =
        Evaluator(classifier, eval_options).evaluate(c.paths.preprocessed);
    write_report(report, c.paths.evaluation);
    return evaluation_outcome(report);
  };
  evaluate.clean = [&c] { remove_folder(c.paths.evaluation); };
  return evaluate;
}

}  // namespace

GalaxyStepContext galaxy_step_context(const GalaxyWorkflowOptions& options,
                                      const torch::Device& device) {
  GalaxyWorkflowPaths paths(options.work_dir);
  SearchSpace space = search_space(options);
  TrainingRunOptions base = training_base(options, paths, device);
  const std::int64_t hpo_epochs = options.hpo_epochs > 0 ? options.hpo_epochs : options.epochs;
  return {options, std::move(paths), std::move(space), std::move(base), hpo_epochs};
}

std::vector<WorkflowStep> galaxy_workflow_steps(const GalaxyStepContext& context) {
  std::vector<WorkflowStep> steps;
  steps.push_back(create_dataset_step(context));
  steps.push_back(preprocess_step(context));
  for (const int k : {2, 3}) steps.push_back(augment_step(context, k));
  steps.push_back(hpo_step(context));
  steps.push_back(train_step(context));
  steps.push_back(eval_step(context));
  return steps;
}

}  // namespace galaxyzoo
