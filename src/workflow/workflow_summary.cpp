#include "galaxyzoo/workflow/workflow_summary.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

#include "galaxyzoo/core/number_format.hpp"
#include "galaxyzoo/core/text_table.hpp"

using nlohmann::json;

namespace galaxyzoo {
namespace {

json parse_details(const std::string& text) {
  if (text.empty()) return json::object();
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return json::object();
  }
}

// The document without the text: the context, each step's details under its name, the
// steps' reports and their total time.
json summary_json(const std::vector<StepReport>& steps, const WorkflowSummaryContext& context) {
  json summary;
  summary["work_dir"] = context.work_dir.string();
  summary["data_path"] = context.data_path.string();
  summary["device"] = context.device;
  summary["pretrained_weights"] = context.pretrained_weights;
  json reports = json::array();
  double total = 0;
  for (const auto& step : steps) {
    reports.push_back({{"name", step.name},
                       {"status", to_string(step.status)},
                       {"seconds", step.seconds},
                       {"total_seconds", step.total_seconds},
                       {"summary", step.summary}});
    summary[step.name] = parse_details(step.details);
    total += step.total_seconds;
  }
  summary["steps"] = reports;
  summary["total_seconds"] = total;
  // Epochs of the best search trial that the final training continued instead of repeating.
  summary["time_saved_seconds"] =
      summary.value("train_model", json::object()).value("reused_seconds", 0.0);
  return summary;
}

// The "Time per step" table and its total line.
std::string times_text(const std::vector<StepReport>& steps) {
  TextTable times({"Step", "This run", "Time", "Result"});
  double total = 0;
  for (const auto& step : steps) {
    times.add_row(
        {step.name, to_string(step.status), format_seconds(step.total_seconds), step.summary});
    total += step.total_seconds;
  }
  return times.render() + "Total: " + format_seconds(total);
}

// The line on the time the final training saved by continuing the best trial ("" if none).
std::string saved_text(const json& summary) {
  const json train = summary.value("train_model", json::object());
  const auto epochs = train.value("reused_epochs", std::int64_t{0});
  if (epochs <= 0) return "";
  return "\nSaved: " + format_seconds(summary.value("time_saved_seconds", 0.0)) +
         " (the final training continued " + train.value("reused_from", std::string("?")) +
         " after its " + std::to_string(epochs) + (epochs == 1 ? " epoch" : " epochs") +
         " instead of repeating them)";
}

// The printed text; @p summary is summary_json()'s document.
std::string summary_text(const json& summary, const std::vector<StepReport>& steps,
                         const WorkflowSummary& result, const WorkflowSummaryContext& context) {
  std::ostringstream text;
  const json dataset = summary.value("create_dataset", json::object());
  text << "\n== Classes\n"
       << dataset.value("class_table", "") << "\n== Split\n"
       << dataset.value("split_table", "");
  const json best = summary.value("vgg16_hpo", json::object());
  text << "\n== Best hyper-parameters (trial " << best.value("best_trial", -1) << ", val loss "
       << format_fixed(best.value("best_value", 0.0), 4) << ")\n";
  if (best.contains("params")) {
    for (const auto& [name, value] : best["params"].items())
      text << "  " << name << ": " << value.get<std::string>() << '\n';
  }
  const json evaluation = summary.value("eval_model", json::object());
  text << "\n== Test metrics\n"
       << evaluation.value("report", "")
       << "\nMajority-class rate: " << format_fixed(result.majority_rate, 3)
       << "; test accuracy: " << format_fixed(result.test_accuracy, 3) << "\n\n== Time per step\n"
       << times_text(steps) << saved_text(summary) << "\n\nOutputs under "
       << context.work_dir.string() << "; summary in " << context.summary_file.string() << '\n';
  return text.str();
}

}  // namespace

WorkflowSummary summarise_galaxy_workflow(const std::vector<StepReport>& steps,
                                          const WorkflowSummaryContext& context) {
  const json summary = summary_json(steps, context);
  WorkflowSummary result;
  const json evaluation = summary.value("eval_model", json::object());
  result.test_accuracy = evaluation.value("accuracy", 0.0);
  result.majority_rate = evaluation.value("majority_rate", 0.0);
  result.json = summary.dump(2) + "\n";
  result.text = summary_text(summary, steps, result, context);
  return result;
}

}  // namespace galaxyzoo
