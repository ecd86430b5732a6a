#include "galaxyzoo/workflow/galaxy_workflow.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/core/text_table.hpp"
#include "galaxyzoo/data/dataset.hpp"
#include "galaxyzoo/data/splitter.hpp"
#include "galaxyzoo/eval/evaluator.hpp"
#include "galaxyzoo/hpo/hpo_search.hpp"
#include "galaxyzoo/hpo/vgg16_objective.hpp"
#include "galaxyzoo/images/augment.hpp"
#include "galaxyzoo/images/preprocess.hpp"
#include "galaxyzoo/model/classifier.hpp"
#include "galaxyzoo/model/device.hpp"
#include "galaxyzoo/model/training_run.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace galaxyzoo {
namespace {

// A running trial whose worker was killed is re-run after this long without a heartbeat.
// One driver per work folder is the normal case, so it can be short.
constexpr double kHeartbeatSeconds = 5;
constexpr double kGraceSeconds = 15;

// Requests a stop shortly before a wall-time limit: 10% of it earlier, at most a minute,
// so the running step has time to write its checkpoint.
class WallTimeLimit {
 public:
  explicit WallTimeLimit(double minutes) {
    if (minutes <= 0) return;
    const double seconds = minutes * 60;
    const double margin = std::min(60.0, 0.1 * seconds);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds - margin));
    timer_ = std::thread([this, deadline] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!wake_.wait_until(lock, deadline, [this] { return done_; })) {
        fired_ = true;
        request_stop();
      }
    });
  }
  ~WallTimeLimit() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (timer_.joinable()) timer_.join();
    // The stop was ours, not a signal's: leave no request behind for the caller.
    if (fired_) clear_stop_request();
  }
  WallTimeLimit(const WallTimeLimit&) = delete;
  WallTimeLimit& operator=(const WallTimeLimit&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool fired_ = false;
  std::thread timer_;
};

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else {
    std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  }
  return text;
}

std::string format_number(double value, const char* format = "%.4f") {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

json parse_details(const std::string& text) {
  if (text.empty()) return json::object();
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return json::object();
  }
}

void check_options(const GalaxyWorkflowOptions& o) {
  if (o.image_size <= 0 || o.image_size % 32 != 0) {
    throw Error("workflow: image_size " + std::to_string(o.image_size) +
                " is not a positive multiple of 32");
  }
  if (o.epochs < 1) throw Error("workflow: epochs must be at least 1");
  if (o.hpo_epochs < 0) throw Error("workflow: hpo_epochs must not be negative");
  if (o.trials < 1) throw Error("workflow: trials must be at least 1");
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
}

void remove_folder(const fs::path& folder) {
  std::error_code ec;
  fs::remove_all(folder, ec);
  if (ec) throw IoError(folder, "cannot remove: " + ec.message());
}

// The per-epoch progress line of the search's trials and of the final training.
std::function<void(const EpochStats&)> epoch_printer(std::ostream* out, std::int64_t epochs) {
  if (!out) return {};
  return [out, epochs](const EpochStats& e) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "    epoch %lld/%lld  train loss %.4f acc %.3f  val loss %.4f acc %.3f  %.1f "
                  "images/s  %.0f s\n",
                  static_cast<long long>(e.epoch + 1), static_cast<long long>(epochs), e.train_loss,
                  e.train_accuracy, e.val_loss, e.val_accuracy, e.images_per_second, e.seconds);
    *out << line << std::flush;
  };
}

// Notices of the trainer (a damaged checkpoint replaced by its previous copy).
std::function<void(const std::string&)> notice_printer(std::ostream* out) {
  if (!out) return {};
  return [out](const std::string& line) { *out << "    warning: " << line << '\n' << std::flush; };
}

}  // namespace

GalaxyWorkflowResult run_galaxy_workflow(const GalaxyWorkflowOptions& options) {
  check_options(options);
  const fs::path work = options.work_dir;
  const fs::path dataset_dir = work / "full_galaxy_dataset";
  const fs::path preprocessed = work / "preprocessed";
  const fs::path hpo_dir = work / "hpo";
  const fs::path model_dir = work / "model";
  const fs::path eval_dir = work / "evaluation";
  std::ostream* out = options.progress;
  const std::int64_t hpo_epochs = options.hpo_epochs > 0 ? options.hpo_epochs : options.epochs;

  set_cpu_threads(options.num_workers);
  const torch::Device device = select_device(options.device);
  const bool pretrained = !options.weights.empty();
  const SearchSpace space = !options.space.empty() ? SearchSpace::read_json(options.space)
                            : pretrained           ? SearchSpace::vgg16_default()
                                                   : SearchSpace::vgg16_from_scratch();
  if (out && !pretrained) {
    *out << "No ImageNet weights: VGG16 trains from its Kaiming initialisation, all layers, with "
            "the search space "
            "for training from scratch (see README)\n";
  }

  WorkflowOptions flow_options;
  flow_options.record_dir = work / ".galaxyzoo-workflow";
  if (out) {
    flow_options.on_start = [out](const WorkflowStep& step, bool resuming) {
      *out << "[" << step.name << "] " << (resuming ? "resuming" : "running") << " ...\n"
           << std::flush;
    };
    flow_options.on_step = [out](const StepReport& report) {
      char line[96];
      std::snprintf(
          line, sizeof line, "[%s] %-11s %9s  ", report.name.c_str(), to_string(report.status),
          report.status == StepStatus::skipped ? "" : format_seconds(report.seconds).c_str());
      *out << line << report.summary << '\n' << std::flush;
    };
  }
  Workflow flow(flow_options);

  // 1. Label, select and split the Kaggle catalog.
  WorkflowStep create("create_dataset");
  create.inputs.file(options.data_path / "training_solutions_rev1.csv")
      .file(options.data_path / "images_training_rev1")
      .set("seed", static_cast<std::int64_t>(options.seed))
      .set("stratified", options.stratified ? "yes" : "no")
      .set("max_img", options.max_img);
  create.run = [&] {
    DatasetOptions dataset_options;
    dataset_options.seed = options.seed;
    for (const auto cap : options.max_img)
      dataset_options.max_per_class.push_back(static_cast<std::size_t>(cap));
    const Dataset dataset = Dataset::load(options.data_path, dataset_options);
    SplitOptions split_options;
    split_options.seed = options.seed;
    split_options.stratified = options.stratified;
    const SplitPlan plan = Splitter(split_options).split(dataset);
    WriteSplitOptions write_options;
    write_options.replace_existing = true;
    write_split(plan, dataset_dir, write_options);
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
  };
  create.clean = [&] { remove_folder(dataset_dir); };
  flow.add(std::move(create));

  // 2. Centre-crop every image to 256 x 256 (the original's "resize").
  PreprocessOptions preprocess_options;
  preprocess_options.num_workers = options.num_workers;
  WorkflowStep preprocess("preprocess", {"create_dataset"});
  preprocess.inputs.set("crop_size", preprocess_options.crop_size)
      .set("quality", preprocess_options.jpeg_quality);
  preprocess.run = [&] {
    const PreprocessReport report =
        Preprocessor(preprocess_options).run(list_images(dataset_dir), preprocessed);
    if (!report.ok()) throw Error("preprocess: " + report.summary());
    json details{
        {"inputs", report.inputs}, {"written", report.written}, {"up_to_date", report.up_to_date}};
    return StepOutcome{true,
                       std::to_string(report.written) + " images cropped to " +
                           std::to_string(preprocess_options.crop_size) + " (" +
                           std::to_string(report.up_to_date) + " already done)",
                       details.dump()};
  };
  preprocess.clean = [&] { remove_folder(preprocessed); };
  flow.add(std::move(preprocess));

  // 3. More training images of the rare classes 2 and 3.
  for (const int k : {2, 3}) {
    const std::size_t num = k == 2 ? options.num_class_2 : options.num_class_3;
    const std::string class_str = "class_" + std::to_string(k);
    WorkflowStep augment("augment_" + class_str, {"preprocess"});
    augment.inputs.set("num", static_cast<std::int64_t>(num))
        .set("seed", static_cast<std::int64_t>(options.seed));
    augment.run = [&options, &preprocessed, num, class_str] {
      AugmenterOptions augment_options;
      augment_options.seed = options.seed;
      augment_options.num_workers = options.num_workers;
      if (num == 0) return StepOutcome{true, "none asked for", "{\"written\": 0}"};
      const auto inputs =
          augmentation_inputs(preprocessed, class_str, augment_options.first_number);
      const AugmentReport report =
          Augmenter(augment_options).run(inputs, num, preprocessed, "train_" + class_str);
      json details{{"inputs", inputs.size()},
                   {"written", report.written},
                   {"up_to_date", report.up_to_date}};
      return StepOutcome{true,
                         std::to_string(num) + " new " + class_str + " images from " +
                             std::to_string(inputs.size()),
                         details.dump()};
    };
    augment.clean = [&preprocessed, class_str] {
      remove_augmented(preprocessed, "train_" + class_str);
    };
    flow.add(std::move(augment));
  }

  // What every training (search trials and final) shares.
  TrainingRunOptions base;
  base.data = preprocessed;
  base.weights = options.weights;
  base.image_size = options.image_size;
  base.batch_size = options.batch_size;
  base.num_workers = std::max(1, options.num_workers > 0 ? options.num_workers : 2);
  base.cache_mb = options.cache_mb;
  base.trainer.patience = options.patience;
  base.trainer.seed = options.seed;
  base.trainer.device = device;
  if (!pretrained) {
    // From scratch the network also has to learn what a galaxy looks like, and the
    // original's jitter (brightness factor down to 0, contrast 0.2..1.8) makes training
    // images unlike the evaluation images it is judged on. Milder jitter, and rotations
    // by any angle instead, which a galaxy's class does not depend on.
    base.brightness_min = 0.8;
    base.brightness_max = 1.2;
    base.contrast_min = 0.8;
    base.contrast_max = 1.2;
    base.rotations = true;
  }

  const auto add_training_inputs = [&](StepInputs& inputs) {
    inputs.set("image_size", options.image_size)
        .set("brightness_min", base.brightness_min)
        .set("brightness_max", base.brightness_max)
        .set("contrast_min", base.contrast_min)
        .set("contrast_max", base.contrast_max)
        .set("rotations", base.rotations ? "yes" : "no")
        .set("batch_size", static_cast<std::int64_t>(options.batch_size))
        .set("patience", options.patience)
        .set("seed", static_cast<std::int64_t>(options.seed))
        .file(options.weights.empty() ? fs::path() : options.weights);
  };

  // 4. Hyper-parameter search.
  WorkflowStep hpo("vgg16_hpo", {"augment_class_2", "augment_class_3"});
  add_training_inputs(hpo.inputs);
  hpo.inputs.set("epochs", hpo_epochs)
      .set("trials", options.trials)
      .set("sampler", options.sampler)
      .set("pruner", options.pruner)
      .set("space", space.to_json());
  hpo.run = [&] {
    HpoSearchOptions search;
    search.storage = (hpo_dir / "hpo_galaxy_vgg16.db").string();
    search.space = space;
    search.trials = options.trials;
    search.sampler = options.sampler;
    search.seed = options.seed;
    search.pruner = options.pruner;
    search.heartbeat_seconds = kHeartbeatSeconds;
    search.grace_seconds = kGraceSeconds;
    search.output_dir = hpo_dir;
    search.progress = out;
    Vgg16ObjectiveOptions objective;
    objective.run = base;
    objective.run.output_dir = hpo_dir;
    objective.run.trainer.epochs = hpo_epochs;
    objective.run.trainer.on_epoch = epoch_printer(out, hpo_epochs);
    objective.run.trainer.on_notice = notice_printer(out);
    std::error_code ec;
    fs::create_directories(hpo_dir, ec);
    if (ec) throw IoError(hpo_dir, ec.message());
    HpoSearch searcher(search);
    const Vgg16Objective vgg16(objective, space);
    HpoResult result = searcher.run(vgg16);
    // A trial held by a live worker of another run on this work folder (one killed on this
    // host is taken over at once) is re-run once its heartbeat is older than the grace period.
    while (!result.interrupted && result.finished_total < options.trials) {
      if (out)
        *out << "  waiting for a trial another worker holds (re-run after " << kGraceSeconds
             << " s of silence)" << std::endl;
      std::this_thread::sleep_for(std::chrono::duration<double>(kHeartbeatSeconds));
      if (stop_requested()) return StepOutcome{false, "stopped while waiting", ""};
      result = searcher.run(vgg16);
    }
    if (result.interrupted)
      return StepOutcome{false, "stopped in a trial; it resumes on the next run", ""};
    if (!result.best)
      throw Error("vgg16_hpo: no trial completed (see " +
                  (hpo_dir / "vgg16_hpo_trials.csv").string() + ")");
    json params = json::object();
    for (const auto& [name, value] : result.best->trial.params) params[name] = to_string(value);
    json details{{"best_trial", result.best->trial.number},
                 {"best_value", *result.best->trial.value},
                 {"params", params},
                 {"finished_trials", result.finished_total}};
    return StepOutcome{true,
                       std::to_string(result.finished_total) + " trials; best trial " +
                           std::to_string(result.best->trial.number) + ", val loss " +
                           format_number(*result.best->trial.value),
                       details.dump()};
  };
  hpo.clean = [&] { remove_folder(hpo_dir); };
  flow.add(std::move(hpo));

  // 5. Final training with the best parameters: fit on train, early-stop on val.
  WorkflowStep train("train_model", {"vgg16_hpo"});
  add_training_inputs(train.inputs);
  train.inputs.set("epochs", options.epochs);
  train.run = [&] {
    TrainingRunOptions run = base;
    run.output_dir = model_dir;
    run.params = read_hyperparameters(hpo_dir / "best_vgg16_hpo_params.txt");
    run.resume = true;  // a checkpoint here is this step's own, from an interrupted run
    run.trainer.epochs = options.epochs;
    run.trainer.on_epoch = epoch_printer(out, options.epochs);
    run.trainer.on_notice = notice_printer(out);
    const TrainingRunResult result = run_training(run);
    if (result.training.interrupted)
      return StepOutcome{false, "stopped; resumes from the checkpoint", ""};
    json details{{"epochs_run", result.training.history.size()},
                 {"best_epoch", result.training.best_epoch},
                 {"best_val_loss", result.training.best_val_loss},
                 {"stopped_early", result.training.stopped_early},
                 {"train_images", result.train_images},
                 {"val_images", result.val_images},
                 {"layer", run.params.layer},
                 {"lr_body", run.params.lr_body},
                 {"lr_head", run.params.lr_head}};
    return StepOutcome{true,
                       std::to_string(result.training.history.size()) + " epochs on " +
                           std::to_string(result.train_images) + " images; best epoch " +
                           std::to_string(result.training.best_epoch + 1) + ", val loss " +
                           format_number(result.training.best_val_loss),
                       details.dump()};
  };
  train.clean = [&] { remove_folder(model_dir); };
  flow.add(std::move(train));

  // 6. Evaluation on the held-out test split.
  WorkflowStep evaluate("eval_model", {"train_model"});
  evaluate.inputs.set("tta", options.tta ? "yes" : "no")
      .set("batch_size", static_cast<std::int64_t>(options.batch_size));
  evaluate.run = [&] {
    GalaxyClassifier classifier(model_dir / "final_vgg16_model.pt", options.device);
    EvaluatorOptions eval_options;
    eval_options.batch_size = options.batch_size;
    eval_options.tta = options.tta;
    eval_options.num_workers = base.num_workers;
    eval_options.manifest = dataset_dir / "manifest.csv";
    eval_options.bootstrap.seed = options.seed;
    const EvaluationReport report = Evaluator(classifier, eval_options).evaluate(preprocessed);
    write_report(report, eval_dir);
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
                       "test accuracy " + format_number(m.accuracy, "%.3f") + " (majority class " +
                           format_number(majority_rate, "%.3f") + "), macro F1 " +
                           format_number(m.macro.f1, "%.3f") + " on " + std::to_string(m.samples) +
                           " images",
                       details.dump()};
  };
  evaluate.clean = [&] { remove_folder(eval_dir); };
  flow.add(std::move(evaluate));

  GalaxyWorkflowResult result;
  {
    const WallTimeLimit limit(options.maxwalltime_minutes);
    result.steps = flow.run();
  }
  result.finished = flow.finished();
  if (!result.finished) {
    if (out) *out << "Stopped before the end; run the same command again to continue.\n";
    return result;
  }

  // The summary: on the terminal and as workflow_summary.json.
  json summary;
  summary["work_dir"] = work.string();
  summary["data_path"] = options.data_path.string();
  summary["device"] = describe(device);
  summary["pretrained_weights"] = pretrained;
  json steps = json::array();
  TextTable times({"Step", "This run", "Time", "Result"});
  double total = 0;
  for (const auto& step : result.steps) {
    steps.push_back({{"name", step.name},
                     {"status", to_string(step.status)},
                     {"seconds", step.seconds},
                     {"total_seconds", step.total_seconds},
                     {"summary", step.summary}});
    summary[step.name] = parse_details(step.details);
    times.add_row(
        {step.name, to_string(step.status), format_seconds(step.total_seconds), step.summary});
    total += step.total_seconds;
  }
  summary["steps"] = steps;
  summary["total_seconds"] = total;
  const json& evaluation = summary["eval_model"];
  result.test_accuracy = evaluation.value("accuracy", 0.0);
  result.majority_rate = evaluation.value("majority_rate", 0.0);
  result.summary_file = work / "workflow_summary.json";
  write_file_atomically(result.summary_file, summary.dump(2) + "\n");

  std::ostringstream text;
  const json& dataset = summary["create_dataset"];
  text << "\n== Classes\n"
       << dataset.value("class_table", "") << "\n== Split\n"
       << dataset.value("split_table", "");
  const json& best = summary["vgg16_hpo"];
  text << "\n== Best hyper-parameters (trial " << best.value("best_trial", -1) << ", val loss "
       << format_number(best.value("best_value", 0.0)) << ")\n";
  if (best.contains("params")) {
    for (const auto& [name, value] : best["params"].items())
      text << "  " << name << ": " << value.get<std::string>() << '\n';
  }
  text << "\n== Test metrics\n"
       << evaluation.value("report", "")
       << "\nMajority-class rate: " << format_number(result.majority_rate, "%.3f")
       << "; test accuracy: " << format_number(result.test_accuracy, "%.3f")
       << "\n\n== Time per step\n"
       << times.render() << "Total: " << format_seconds(total) << "\n\nOutputs under "
       << work.string() << "; summary in " << result.summary_file.string() << '\n';
  result.summary = text.str();
  if (out) *out << result.summary << std::flush;
  return result;
}

}  // namespace galaxyzoo
