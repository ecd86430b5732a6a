#pragma once
/// @file
/// The whole Galaxy Zoo workflow as one library call: create the data set, preprocess,
/// augment classes 2 and 3, search hyper-parameters, train, evaluate. Use it to run
/// everything in one work folder; the single-step functions remain for other pipelines.
///
/// @code
/// galaxyzoo::GalaxyWorkflowOptions options;
/// options.data_path = "galaxy-zoo-the-galaxy-challenge";
/// options.work_dir = "work";
/// options.on_message = [](const std::string& line) { std::cout << line << std::flush; };
/// galaxyzoo::GalaxyWorkflowResult result = galaxyzoo::run_galaxy_workflow(options);
/// if (!result.finished) return galaxyzoo::kExitResumable;  // run again to continue
/// @endcode
///
/// Files written under work_dir (GalaxyWorkflowPaths names them):
///
///     full_galaxy_dataset/    create_dataset: the split images, manifest.csv, soft_targets.csv
///     preprocessed/           preprocess (centre crop, 256) and augment_class_2/3 (with
///                             soft_targets_train_class_K.csv, the copies' soft targets)
///     hpo/                    vgg16_hpo: hpo_galaxy_vgg16.db, best_vgg16_hpo_params.txt,
///                             vgg16_hpo_trials.csv, vgg16_hpo.optuna.log (Optuna's
///                             journal), the trial plots, per-trial files
///     model/                  train_model: final_vgg16_model.pt, checkpoint, loss_vgg16.png
///                             (with refit also the refit's checkpoint, plot and history;
///                             continued_from.json when it continued the best trial)
///     evaluation/             eval_model: exp_results.csv, metrics.json, predictions.csv,
///                             the heatmaps
///     workflow_summary.json   classes, split, best parameters, test metrics, time per step
///     .galaxyzoo-workflow/    the step records (workflow.hpp)
///
/// Behaviour:
///  - a second run skips every step whose inputs did not change; a changed option re-runs
///    exactly the steps it affects (workflow.hpp);
///  - a run stopped by SIGTERM or by maxwalltime_minutes (wall_time_limit.hpp) returns
///    finished = false, and the next run resumes each step from its checkpoint;
///  - without a weights file the search uses SearchSpace::vgg16_from_scratch(), milder colour
///    jitter (brightness and contrast 0.8..1.2), rotations by any angle and
///    from_scratch_recipe() (unless recipe says otherwise);
///  - the final training continues the search's best trial's checkpoint when their
///    settings are the same (reuse_best_trial), so the trial's epochs are not trained
///    twice; the summary shows the time saved. The search keeps only that trial's
///    checkpoint;
///  - with refit the final model is trained anew on train + val for the epochs early
///    stopping chose on val (run_training()'s refit);
///  - progress lines and the final summary go to on_message, one call per line.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/core/memory.hpp"
#include "galaxyzoo/data/splitter.hpp"
#include "galaxyzoo/images/augment.hpp"
#include "galaxyzoo/images/preprocess.hpp"
#include "galaxyzoo/model/hyperparameters.hpp"
#include "galaxyzoo/workflow/workflow.hpp"

namespace galaxyzoo {

/// Options of run_galaxy_workflow().
struct GalaxyWorkflowOptions {
  std::filesystem::path data_path = "galaxy-zoo-the-galaxy-challenge";  ///< Kaggle layout folder
  std::filesystem::path work_dir = "galaxyzoo_work";                    ///< where every output goes
  std::size_t batch_size = 32;  ///< training and evaluation batch size
  std::uint64_t seed = 10;      ///< seed of the split, the augmentation, the sampler and training
  std::int64_t epochs = 10;     ///< most epochs of the final training
  std::int64_t hpo_epochs = 0;  ///< most epochs of each search trial (0: epochs)
  std::int64_t trials = 1;      ///< finished search trials
  int num_workers = 0;  ///< threads of preprocessing, augmentation and loading (0: all cores)
  std::size_t num_class_2 = 7000;  ///< new class-2 training images
  std::size_t num_class_3 = 4000;  ///< new class-3 training images (the original's default)
  double maxwalltime_minutes = 0;  ///< stop cleanly before this many minutes (0: no limit)
  int image_size = 256;            ///< network input side, a multiple of 32
  std::string device = "auto";     ///< "auto", "cpu", "cuda" or "cuda:N"
  std::filesystem::path
      weights;  ///< torchvision VGG16 ImageNet state_dict (empty: train from scratch)
  std::vector<std::int64_t> max_img;  ///< cap per class (five numbers; empty: all)
  bool stratified = true;             ///< split each class 80/10/10 (false: all galaxies together)
  /// The split's shuffle; SplitRng::numpy (with stratified = false) gives the original's
  /// split file for file.
  SplitRng split_rng = SplitRng::galaxyzoo;
  std::string sampler = "tpe";  ///< search sampler: random, grid or tpe
  std::string pruner = "none";  ///< search pruner: none or median
  std::filesystem::path space;  ///< search space JSON (empty: the default for the weights)
  std::int64_t patience = 4;    ///< early-stopping patience of trials and training
  bool tta = false;             ///< evaluate with test-time augmentation
  /// Side of the preprocessing's centred crop in pixels (the original's 256); a smaller crop
  /// zooms on the galaxy, which the network then sees at image_size.
  int crop_size = PreprocessOptions{}.crop_size;
  /// JPEG quality of the preprocessed images (the original's 75, Pillow's default).
  int preprocess_quality = PreprocessOptions{}.jpeg_quality;
  /// JPEG quality of the augmented images (the original's 95, OpenCV's default).
  int augment_quality = AugmenterOptions{}.jpeg_quality;
  /// First row and column of the augmentation's window, of 256 (the original's 50).
  int augment_window_first = AugmenterOptions{}.window_first;
  /// Last row and column of the window, inclusive (the original's 205: 156 pixels).
  int augment_window_last = AugmenterOptions{}.window_last;
  /// How the window is resized back (the original's area averaging, OpenCV's INTER_AREA).
  Resampling augment_resampling = AugmenterOptions{}.resampling;
  /// After the final training (early-stopped on val), train a new model on train + val
  /// for as many epochs as early stopping chose, and evaluate that one (run_training()'s
  /// refit). The test split still decides nothing.
  bool refit = false;
  /// Keep the search's best trial's checkpoint and let the final training continue from
  /// it instead of repeating its epochs, when their settings are the same (training_run.hpp
  /// says what that means; in the workflow it holds when hpo_epochs <= epochs).
  bool reuse_best_trial = true;
  /// The training recipe of the search's trials and the final training (soft targets,
  /// label smoothing, weight decay, learning-rate schedule). Unset: from_scratch_recipe()
  /// without a weights file, the original's (TrainingRecipe{}) with one. With soft targets
  /// create_dataset's soft_targets.csv and the augment steps' tables of their copies
  /// (preprocessed/soft_targets_train_class_K.csv) feed training; a cosine schedule
  /// without decay_epochs ends at `epochs`, so that trials and the final training share it.
  std::optional<TrainingRecipe> recipe;
  /// Decoded-image cache of each loader, MiB (default: an eighth of physical memory; 0: off).
  std::size_t cache_mb = default_image_cache_mb();
  /// Called with each progress line (ending in '\n') and with the final summary; empty: silent.
  std::function<void(const std::string& line)> on_message;
};

/// The folders and files of a work folder (see the file comment).
struct GalaxyWorkflowPaths {
  /// The paths under @p work_dir.
  explicit GalaxyWorkflowPaths(const std::filesystem::path& work_dir);

  std::filesystem::path work;          ///< the work folder
  std::filesystem::path dataset;       ///< create_dataset: full_galaxy_dataset/
  std::filesystem::path manifest;      ///< full_galaxy_dataset/manifest.csv
  std::filesystem::path preprocessed;  ///< preprocess and augment_class_2/3: preprocessed/
  std::filesystem::path hpo;           ///< vgg16_hpo: hpo/
  std::filesystem::path hpo_database;  ///< hpo/hpo_galaxy_vgg16.db
  std::filesystem::path best_params;   ///< hpo/best_vgg16_hpo_params.txt
  std::filesystem::path best_trial;    ///< hpo/best_vgg16_hpo_trial.json
  std::filesystem::path trials_table;  ///< hpo/vgg16_hpo_trials.csv
  std::filesystem::path model;         ///< train_model: model/
  std::filesystem::path model_file;    ///< model/final_vgg16_model.pt
  std::filesystem::path evaluation;    ///< eval_model: evaluation/
  std::filesystem::path summary_file;  ///< workflow_summary.json
  std::filesystem::path record_dir;    ///< the step records: .galaxyzoo-workflow/
};

/// What run_galaxy_workflow() did.
struct GalaxyWorkflowResult {
  bool finished = false;               ///< every step is done; false: stopped, run again to resume
  std::vector<StepReport> steps;       ///< each step's fate in this run
  double test_accuracy = 0;            ///< on the test split (when finished)
  double majority_rate = 0;            ///< accuracy of always answering the most common test class
  std::filesystem::path summary_file;  ///< workflow_summary.json (when finished)
  std::string summary;                 ///< the final summary as printed
};

/// Runs the workflow; see the file comment.
/// @throws Error for bad options, and the errors of the steps (a failed step resumes on
///         the next run).
GalaxyWorkflowResult run_galaxy_workflow(const GalaxyWorkflowOptions& options);

}  // namespace galaxyzoo
