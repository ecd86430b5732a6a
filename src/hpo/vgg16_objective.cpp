#include "galaxyzoo/hpo/vgg16_objective.hpp"

#include "galaxyzoo/core/sealed_file.hpp"

#include <cmath>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {

HyperParameters vgg16_hyperparameters(const Assignment& params) {
  HyperParameters hp;
  for (const auto& [name, value] : params) {
    if (name == "layer") {
      const double layer = to_double(value);
      if (layer != std::floor(layer))
        throw Error("parameter 'layer' must be an integer, got " + to_string(value));
      hp.layer = static_cast<std::int64_t>(layer);
    } else if (name == "lr_body") {
      hp.lr_body = to_double(value);
    } else if (name == "lr_head") {
      hp.lr_head = to_double(value);
    } else {
      throw Error("the VGG16 objective has no parameter '" + name +
                  "' (it tunes layer, lr_body and lr_head)");
    }
  }
  return hp;
}

Vgg16Objective::Vgg16Objective(Vgg16ObjectiveOptions options, const SearchSpace& space)
    : options_(std::move(options)) {
  for (const auto& p : space.parameters()) {
    if (p.name != "layer" && p.name != "lr_body" && p.name != "lr_head") {
      throw Error("the VGG16 objective has no parameter '" + p.name +
                  "' (it tunes layer, lr_body and lr_head)");
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
  const fs::path checkpoint = run.output_dir / ("checkpoint_" + run.name + ".pt");
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
