#pragma once
/// @file
/// Evaluating a trained classifier on a held-out split: predictions, metrics, report files.
/// Use an Evaluator after training (the workflow's "eval_model" step); write_report() saves
/// the results.
///
/// @code
/// #include <galaxyzoo/model/classifier.hpp>
/// #include <galaxyzoo/eval/evaluator.hpp>
///
/// galaxyzoo::GalaxyClassifier classifier("model/final_vgg16_model.pt");
/// galaxyzoo::EvaluatorOptions options;
/// options.tta = true;
/// options.manifest = "full_galaxy_dataset/manifest.csv";  // GalaxyIDs in predictions.csv
/// galaxyzoo::Evaluator evaluator(classifier, options);
/// const galaxyzoo::EvaluationReport report = evaluator.evaluate("preprocessed");  // test split
/// std::cout << report.summary();
/// galaxyzoo::write_report(report, "results");
/// @endcode
///
/// What a user must know:
///  - evaluate() reads the `{split}_class_{label}_{counter}_proc.jpg` images of a
///    preprocessed folder; each prediction is the most probable class; metrics come from
///    compute_metrics() and bootstrap_intervals() (metrics.hpp);
///  - a class with no test images is kept: its recall and F1 are 0 (scikit-learn's
///    `zero_division=0`), and the report and normalised heatmap mark it as absent;
///  - this header does not include Torch: include classifier.hpp to build a classifier.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/eval/metrics.hpp"

namespace galaxyzoo {

class GalaxyClassifier;

/// One evaluated image.
struct Prediction {
  std::filesystem::path file;             ///< the image
  std::optional<std::int64_t> galaxy_id;  ///< its GalaxyID, where the manifest or its name gives it
  int truth = 0;                          ///< true class
  int predicted = 0;                      ///< most probable class (the lowest label on a tie)
  std::vector<double> probabilities;      ///< per class
};

/// Options of Evaluator.
struct EvaluatorOptions {
  std::string split = "test";   ///< which images of the folder: "test", "val" or "train"
  std::size_t batch_size = 32;  ///< images per forward pass
  bool tta = false;             ///< average over the 8 flips and 90-degree rotations
  int center_crop = 0;          ///< > 0: cut the centred square of this side first
  int num_workers = 2;          ///< decoding threads
  /// write_split()'s `manifest.csv`, for the GalaxyID of each image; empty (the default):
  /// `<folder>/manifest.csv` if it exists. Without one, only names that are a GalaxyID
  /// (`100008_proc.jpg`) give one.
  std::filesystem::path manifest;
  BootstrapOptions bootstrap;  ///< confidence intervals of accuracy and macro F1
};

/// What an evaluation found.
struct EvaluationReport {
  std::vector<std::string> class_names;  ///< by label
  std::vector<Prediction> predictions;   ///< one per image, in file-name order
  ClassificationMetrics metrics;         ///< with log loss and top-2 accuracy
  BootstrapIntervals intervals;          ///< of accuracy and macro F1
  std::string split;                     ///< the split evaluated (empty if not from a folder)
  bool tta = false;                      ///< whether test-time augmentation was used

  /// Per-class and overall tables for a terminal, with the intervals, log loss, top-2
  /// accuracy and a line for each class absent from the data.
  std::string summary() const;
};

/// Metrics and intervals of @p predictions (as an Evaluator makes them, or from elsewhere).
/// @throws Error if there are no predictions, a probability vector does not have one
///         entry per class name, or a label is not a class (as compute_metrics()).
EvaluationReport make_report(std::vector<Prediction> predictions,
                             std::vector<std::string> class_names,
                             const BootstrapOptions& bootstrap = {});

/// Writes @p report into @p folder (created if needed), each file atomically:
/// `exp_results.csv` (one row: accuracy, macro precision, recall and F1, the confusion
/// matrix), `metrics.json`, `predictions.csv` (`file,GalaxyID,true,predicted,true_class,
/// predicted_class,p_NAME...`: the labels, the class names, then one probability column
/// per class named `p_` + its name, e.g. `p_completely round smooth`),
/// `final_confusion_matrix_norm.png` and `final_confusion_matrix.png`.
/// @throws IoError if a file cannot be written; Error if a plot cannot be rendered.
void write_report(const EvaluationReport& report, const std::filesystem::path& folder);

/// GalaxyID by image-file stem, from write_split()'s manifest (`GalaxyID` and `file`
/// columns, found by name). A stem is keyed both as written and with `_proc` appended,
/// so the preprocessed images find their galaxy.
/// @throws IoError if the file cannot be read; InputError naming the line and column if a
///         column is missing or a GalaxyID is not a whole number.
std::map<std::string, std::int64_t> read_manifest_ids(const std::filesystem::path& manifest);

/// Runs a trained classifier over labelled images and measures it.
class Evaluator {
 public:
  /// Evaluates with @p classifier, which must outlive the Evaluator.
  explicit Evaluator(GalaxyClassifier& classifier, EvaluatorOptions options = {});

  /// Evaluates the images of options.split in @p folder (list_labeled_images()).
  /// @throws Error if the folder has no image of the split, or an image's class is not one
  ///         of the model's (the message names the file and both class counts); IoError
  ///         naming an image that cannot be decoded.
  EvaluationReport evaluate(const std::filesystem::path& folder) const;

  /// Evaluates image @p files whose true classes are @p labels.
  /// @throws Error if the lengths differ, there are no files, or a label is not a class of
  ///         the model; IoError naming an image that cannot be decoded.
  EvaluationReport evaluate_files(const std::vector<std::filesystem::path>& files,
                                  const std::vector<int>& labels) const;

 private:
  EvaluationReport run(const std::vector<std::filesystem::path>& files,
                       const std::vector<int>& labels,
                       const std::filesystem::path& default_manifest) const;

  GalaxyClassifier& classifier_;
  EvaluatorOptions options_;
};

}  // namespace galaxyzoo
