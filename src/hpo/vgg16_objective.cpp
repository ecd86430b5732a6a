#include "galaxyzoo/hpo/vgg16_objective.hpp"

#include "galaxyzoo/core/sealed_file.hpp"

#include <algorithm>
#include <cmath>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/classifier_file.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {

HyperParameters vgg16_hyperparameters(const Assignment& params) {
  HyperParameters hp;
  for (const auto& [name, value] : params) {
    try {
      set_hyperparameter(hp, name, to_double(value));
    } catch (const Error& e) {
      throw Error("the VGG16 objective's parameter '" + name + "': " + e.what());
    }
  }
  return hp;
}

fs::path vgg16_trial_checkpoint(const fs::path& output_dir, std::int64_t trial) {
  // run_training()'s checkpoint_NAME.pt for the trial's NAME, vgg16_trialN.
  return output_dir / ("checkpoint_vgg16_trial" + std::to_string(trial) + ".pt");
}

Vgg16Objective::Vgg16Objective(Vgg16ObjectiveOptions options, const SearchSpace& space)
    : options_(std::move(options)) {
  for (const auto& p : space.parameters()) {
    if (!is_hyperparameter(p.name)) {
      throw Error("the VGG16 objective has no parameter '" + p.name +
                  "' (it tunes layer, lr_body and lr_head)");
    }
  }
  // The best trial's parameter file must hold all three for train_model --params.
  for (const auto name : hyperparameter_names()) {
    const auto& all = space.parameters();
    if (std::none_of(all.begin(), all.end(), [&](const auto& p) { return p.name == name; })) {
      throw Error("the search space has no parameter '" + std::string(name) +
                  "': the VGG16 objective tunes layer, lr_body and lr_head (fix one with a "
                  "categorical of one choice)");
    }
  }
}

double Vgg16Objective::operator()(TrialContext& trial) const {
  const std::string n = std::to_string(trial.number());
  TrainingRunOptions run = options_.run;
  run.params = vgg16_hyperparameters(trial.params());
  run.name = "vgg16_trial" + n;
  run.write_model = false;
  run.resume = true;
  const fs::path checkpoint = vgg16_trial_checkpoint(run.output_dir, trial.number());
  std::error_code ec;
  if (trial.attempt() == 1) {
    // A leftover of another study: never resume it, nor fall back to its previous copy.
    fs::remove(checkpoint, ec);
    fs::remove(previous_copy(checkpoint), ec);
  }

  run.trainer.should_stop = [&trial](const EpochStats& e) {
    trial.report(e.epoch, e.val_loss);
    return trial.should_prune();
  };
  const TrainingRunResult result = run_training(run);
  if (result.training.interrupted) throw TrialInterrupted();
  // Epochs trained by an earlier attempt (resumed from the checkpoint) were not reported.
  for (const auto& e : result.training.history) {
    if (trial.intermediate().count(e.epoch) == 0) trial.report(e.epoch, e.val_loss);
  }
  save_classifier(result.model, result.class_names,
                  run.output_dir / ("early_stopping_vgg16_model_trial" + n + ".pt"));
  if (!options_.keep_checkpoints) {
    fs::remove(checkpoint, ec);
    fs::remove(previous_copy(checkpoint), ec);
  }

  if (!options_.mean_val_loss) return result.training.best_val_loss;
  double sum = 0;
  for (const auto& e : result.training.history) sum += e.val_loss;
  return sum / static_cast<double>(result.training.history.size());
}

}  // namespace galaxyzoo
