#include "galaxyzoo/eval/evaluator.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/number_format.hpp"
#include "galaxyzoo/core/text_file.hpp"
#include "galaxyzoo/core/text_table.hpp"
#include "galaxyzoo/images/heatmap.hpp"
#include "galaxyzoo/model/catalog_classifier.hpp"
#include "galaxyzoo/model/classifier.hpp"
#include "galaxyzoo/model/image_loader.hpp"

namespace galaxyzoo {
namespace fs = std::filesystem;
namespace {

std::string format(double v) { return format_fixed(v, 3); }

// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string matrix_text(const ClassificationMetrics& m) {
  std::ostringstream out;
  out << '[';
  for (int r = 0; r < m.num_classes; ++r) {
    out << (r ? ", [" : "[");
    for (int c = 0; c < m.num_classes; ++c) out << (c ? ", " : "") << m.confusion(r, c);
    out << ']';
  }
  out << ']';
  return out.str();
}

// The GalaxyID of @p file: from the manifest, else its name if that is a number.
std::optional<std::int64_t> galaxy_id_of(const fs::path& file,
                                         const std::map<std::string, std::int64_t>& ids) {
  std::string stem = file.stem().string();
  if (const auto it = ids.find(stem); it != ids.end()) return it->second;
  const std::string suffix = "_proc";
  if (stem.size() > suffix.size() &&
      stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
    stem.resize(stem.size() - suffix.size());
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), id);
  if (stem.empty() || ec != std::errc() || end != stem.data() + stem.size()) return std::nullopt;
  return id;
}

nlohmann::json to_json(const PrecisionRecallF1& m) {
  return {{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}};
}

std::string metrics_json(const EvaluationReport& report) {
  const ClassificationMetrics& m = report.metrics;
  nlohmann::json classes = nlohmann::json::array();
  for (int k = 0; k < m.num_classes; ++k) {
    const ClassMetrics& c = m.per_class[static_cast<std::size_t>(k)];
    nlohmann::json entry = to_json(c);
    entry["label"] = k;
    entry["name"] = report.class_names[static_cast<std::size_t>(k)];
    entry["support"] = c.support;
    entry["predicted"] = c.predicted;
    entry["absent"] = c.support == 0;
    classes.push_back(std::move(entry));
  }
  nlohmann::json confusion = nlohmann::json::array(), normalized = nlohmann::json::array();
  for (int r = 0; r < m.num_classes; ++r) {
    nlohmann::json row = nlohmann::json::array(), norm = nlohmann::json::array();
    for (int c = 0; c < m.num_classes; ++c) {
      row.push_back(m.confusion(r, c));
      norm.push_back(m.confusion_normalized(r, c));
    }
    confusion.push_back(std::move(row));
    normalized.push_back(std::move(norm));
  }
  const auto interval = [](const Interval& i) { return nlohmann::json::array({i.low, i.high}); };
  const BootstrapIntervals& ci = report.intervals;
  nlohmann::json recall_intervals = nlohmann::json::array();
  for (const Interval& i : ci.recall) recall_intervals.push_back(interval(i));
  nlohmann::json doc = {
      {"split", report.split},
      {"tta", report.tta},
      {"samples", m.samples},
      {"num_classes", m.num_classes},
      {"class_names", report.class_names},
      {"accuracy", m.accuracy},
      {"macro", to_json(m.macro)},
      {"weighted", to_json(m.weighted)},
      {"log_loss", m.log_loss ? nlohmann::json(*m.log_loss) : nlohmann::json()},
      {"top2_accuracy", m.top2_accuracy ? nlohmann::json(*m.top2_accuracy) : nlohmann::json()},
      {"per_class", std::move(classes)},
      {"absent_classes", m.absent_classes()},
      {"confusion_matrix", std::move(confusion)},
      {"confusion_matrix_normalized", std::move(normalized)},
      {"bootstrap",
       {{"resamples", ci.options.resamples},
        {"confidence", ci.options.confidence},
        {"seed", ci.options.seed},
        {"accuracy", interval(ci.accuracy)},
        {"macro_f1", interval(ci.macro_f1)},
        {"recall", recall_intervals}}},
  };
  return doc.dump(2) + '\n';
}

std::string predictions_csv(const EvaluationReport& report) {
  std::ostringstream csv;
  const auto& names = report.class_names;
  csv << "file,GalaxyID,true,predicted,true_class,predicted_class";
  for (const auto& name : names) csv << ',' << csv_field(probability_column(name));
  csv << '\n';
  csv.precision(6);
  for (const Prediction& p : report.predictions) {
    csv << csv_field(p.file.string()) << ',' << (p.galaxy_id ? std::to_string(*p.galaxy_id) : "")
        << ',' << p.truth << ',' << p.predicted << ','
        << csv_field(names.at(static_cast<std::size_t>(p.truth))) << ','
        << csv_field(names.at(static_cast<std::size_t>(p.predicted)));
    for (const double v : p.probabilities) csv << ',' << v;
    csv << '\n';
  }
  return csv.str();
}

// The shortest text that reads back as the same double.
std::string exact(double v) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, v);
  return std::string(text, result.ptr);
}

std::string exp_results_csv(const ClassificationMetrics& m) {
  return "accuracy,precision,recall,f1,confusion_matrix\n" + exact(m.accuracy) + ',' +
         exact(m.macro.precision) + ',' + exact(m.macro.recall) + ',' + exact(m.macro.f1) + ",\"" +
         matrix_text(m) + "\"\n";
}

}  // namespace

std::string EvaluationReport::summary() const {
  const ClassificationMetrics& m = metrics;
  TextTable table({"Class", "Name", "Precision", "Recall", "F1", "Support", "Predicted"});
  for (int k = 0; k < m.num_classes; ++k) {
    const ClassMetrics& c = m.per_class[static_cast<std::size_t>(k)];
    table.add_row({std::to_string(k), class_names[static_cast<std::size_t>(k)], format(c.precision),
                   format(c.recall), format(c.f1), std::to_string(c.support),
                   std::to_string(c.predicted)});
  }
  const std::string n = std::to_string(m.samples);
  table.add_row({"macro avg", "", format(m.macro.precision), format(m.macro.recall),
                 format(m.macro.f1), n, n});
  table.add_row({"weighted avg", "", format(m.weighted.precision), format(m.weighted.recall),
                 format(m.weighted.f1), n, n});
  const BootstrapIntervals& ci = intervals;
  const std::string level = format_fixed(ci.options.confidence * 100, 0) + " %";
  TextTable overall({"Metric", "Value", level + " interval"});
  overall.add_row({"accuracy", format(m.accuracy),
                   "[" + format(ci.accuracy.low) + ", " + format(ci.accuracy.high) + "]"});
  overall.add_row({"macro F1", format(m.macro.f1),
                   "[" + format(ci.macro_f1.low) + ", " + format(ci.macro_f1.high) + "]"});
  if (m.log_loss) overall.add_row({"log loss", format(*m.log_loss), ""});
  if (m.top2_accuracy) overall.add_row({"top-2 accuracy", format(*m.top2_accuracy), ""});
  std::ostringstream out;
  out << table.render() << '\n' << overall.render();
  out << "(" << ci.options.resamples << " bootstrap resamples, seed " << ci.options.seed << ")\n";
  for (const int k : m.absent_classes()) {
    out << "Class " << k << " (" << class_names[static_cast<std::size_t>(k)] << ") has no "
        << (split.empty() ? "" : split + " ") << "images: its recall and F1 are reported as 0.\n";
  }
  return out.str();
}

EvaluationReport make_report(std::vector<Prediction> predictions,
                             std::vector<std::string> class_names,
                             const BootstrapOptions& bootstrap) {
  if (predictions.empty()) throw Error("make_report: no predictions (the data set is empty)");
  if (class_names.empty()) throw Error("make_report: no class names");
  const auto k = static_cast<Eigen::Index>(class_names.size());
  Eigen::MatrixXd probabilities(static_cast<Eigen::Index>(predictions.size()), k);
  std::vector<int> truth, predicted;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const Prediction& p = predictions[i];
    if (p.probabilities.size() != class_names.size()) {
      throw Error("make_report: " + p.file.string() + " has " +
                  std::to_string(p.probabilities.size()) + " probabilities for " +
                  std::to_string(class_names.size()) + " classes");
    }
    for (Eigen::Index j = 0; j < k; ++j) {
      probabilities(static_cast<Eigen::Index>(i), j) = p.probabilities[static_cast<std::size_t>(j)];
    }
    truth.push_back(p.truth);
    predicted.push_back(p.predicted);
  }
  EvaluationReport report;
  report.metrics = compute_metrics(truth, predicted, probabilities);
  report.intervals = bootstrap_intervals(truth, predicted, static_cast<int>(k), bootstrap);
  report.class_names = std::move(class_names);
  report.predictions = std::move(predictions);
  return report;
}

void write_report(const EvaluationReport& report, const fs::path& folder) {
  const ClassificationMetrics& m = report.metrics;
  if (report.class_names.size() != static_cast<std::size_t>(m.num_classes)) {
    throw Error("write_report: " + std::to_string(report.class_names.size()) + " class names for " +
                std::to_string(m.num_classes) + " classes");
  }
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw IoError(folder, "cannot create folder: " + ec.message());
  write_file_atomically(folder / "exp_results.csv", exp_results_csv(m));
  write_file_atomically(folder / "metrics.json", metrics_json(report));
  write_file_atomically(folder / "predictions.csv", predictions_csv(report));

  // Heatmaps: rows of absent classes say so, and are "n/a" in the normalised one.
  std::vector<std::string> rows = report.class_names;
  Eigen::MatrixXd normalized = m.confusion_normalized;
  for (const int k : m.absent_classes()) {
    rows[static_cast<std::size_t>(k)] += "\n(no images)";
    normalized.row(k).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  const std::string what = (report.split.empty() ? "" : report.split + " split: ") +
                           std::to_string(m.samples) + " images" +
                           (report.tta ? ", test-time augmentation" : "") + ", accuracy " +
                           format(m.accuracy) + ", macro F1 " + format(m.macro.f1);
  HeatmapOptions fraction;
  fraction.min = 0;
  fraction.max = 1;
  fraction.colour_label = "fraction of the true class";
  write_png(Heatmap({"Confusion matrix, normalised by true class\n" + what, "Predicted class",
                     "True class"},
                    normalized, rows, report.class_names, fraction)
                .render(),
            folder / "final_confusion_matrix_norm.png");
  HeatmapOptions counts;
  counts.decimals = 0;
  counts.colour_label = "images";
  write_png(Heatmap({"Confusion matrix\n" + what, "Predicted class", "True class"},
                    m.confusion.cast<double>(), rows, report.class_names, counts)
                .render(),
            folder / "final_confusion_matrix.png");
}

std::map<std::string, std::int64_t> read_manifest_ids(const fs::path& manifest) {
  std::ifstream in(manifest);
  if (!in) throw IoError(manifest, "cannot open the manifest");
  std::string line;
  if (!std::getline(in, line))
    throw InputError(manifest, 1, "", "empty file; expected a header with GalaxyID and file");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = split_csv_fields(line);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw InputError(manifest, 1, name, "column missing from the header");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id_column = column("GalaxyID"), file_column = column("file");
  std::map<std::string, std::int64_t> ids;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = split_csv_fields(line);
    if (fields.size() != header.size()) {
      throw InputError(manifest, number, "",
                       std::to_string(fields.size()) + " fields; the header has " +
                           std::to_string(header.size()));
    }
    const std::string& text = fields[id_column];
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw InputError(manifest, number, "GalaxyID", "'" + text + "' is not a whole number");
    }
    const std::string stem = fs::path(fields[file_column]).stem().string();
    ids[stem] = id;
    ids[stem + "_proc"] = id;
  }
  return ids;
}

Evaluator::Evaluator(GalaxyClassifier& classifier, EvaluatorOptions options)
    : classifier_(classifier), options_(std::move(options)) {}

EvaluationReport Evaluator::evaluate(const fs::path& folder) const {
  const auto images = list_labeled_images(folder, {options_.split});
  if (images.empty()) {
    throw Error("no " + options_.split + " images (" + options_.split +
                "_class_K_N_proc.jpg) in '" + folder.string() + "'");
  }
  std::vector<fs::path> files;
  std::vector<int> labels;
  for (const auto& i : images) {
    files.push_back(i.file);
    labels.push_back(i.label);
  }
  EvaluationReport report = run(files, labels, folder / "manifest.csv");
  report.split = options_.split;
  return report;
}

EvaluationReport Evaluator::evaluate_files(const std::vector<fs::path>& files,
                                           const std::vector<int>& labels) const {
  return run(files, labels, {});
}

EvaluationReport Evaluator::run(const std::vector<fs::path>& files, const std::vector<int>& labels,
                                const fs::path& default_manifest) const {
  if (files.size() != labels.size()) {
    throw Error("Evaluator: " + std::to_string(files.size()) + " files but " +
                std::to_string(labels.size()) + " labels");
  }
  if (files.empty()) throw Error("Evaluator: no images to evaluate");
  const std::size_t classes = classifier_.class_names().size();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes) {
      throw Error("Evaluator: '" + files[i].string() + "' is of class " +
                  std::to_string(labels[i]) + " but the model has " + std::to_string(classes) +
                  " classes (0 to " + std::to_string(classes - 1) +
                  "): the model was trained on other data");
    }
  }
  std::map<std::string, std::int64_t> ids;
  std::error_code ec;
  if (!options_.manifest.empty()) {
    ids = read_manifest_ids(options_.manifest);
  } else if (!default_manifest.empty() && fs::is_regular_file(default_manifest, ec)) {
    ids = read_manifest_ids(default_manifest);
  }

  ClassifyOptions classify;
  classify.batch_size = options_.batch_size;
  classify.tta = options_.tta;
  classify.center_crop = options_.center_crop;
  classify.num_workers = options_.num_workers;
  const auto probabilities = classifier_.classify_files(files, classify);
  std::vector<Prediction> predictions;
  for (std::size_t i = 0; i < files.size(); ++i) {
    Prediction p;
    p.file = files[i];
    p.galaxy_id = galaxy_id_of(files[i], ids);
    p.truth = labels[i];
    p.probabilities.assign(probabilities[i].begin(), probabilities[i].end());
    p.predicted = static_cast<int>(
        std::max_element(p.probabilities.begin(), p.probabilities.end()) - p.probabilities.begin());
    predictions.push_back(std::move(p));
  }
  EvaluationReport report =
      make_report(std::move(predictions), classifier_.class_names(), options_.bootstrap);
  report.tta = options_.tta;
  return report;
}

}  // namespace galaxyzoo
