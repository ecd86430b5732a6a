#define BOOST_TEST_MODULE trial_plots
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/hpo/trial_plots.hpp>
#include <galaxyzoo/images/image.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "kaggle_fixture.hpp"
#include "text_checks.hpp"

namespace gz = galaxyzoo;
using gz::testing::count;
using gz::testing::TempDir;

namespace {

gz::SearchSpace space() {
  gz::SearchSpace s;
  s.add_float("lr_head", 1e-5, 1e-3, true);
  s.add_categorical("layer", {std::int64_t{0}, std::int64_t{21}});
  return s;
}

gz::TrialRecord trial(std::int64_t n, gz::TrialState state, std::vector<double> losses, double lr,
                      std::int64_t layer) {
  gz::TrialRecord r;
  r.trial.number = n;
  r.trial.state = state;
  r.trial.params = {{"lr_head", lr}, {"layer", layer}};
  for (std::size_t i = 0; i < losses.size(); ++i)
    r.trial.intermediate[static_cast<std::int64_t>(i)] = losses[i];
  if (state == gz::TrialState::complete)
    r.trial.value = *std::min_element(losses.begin(), losses.end());
  if (state == gz::TrialState::pruned) r.trial.value = losses.back();
  return r;
}

std::vector<gz::TrialRecord> study() {
  return {trial(0, gz::TrialState::complete, {1.5, 1.2, 1.1}, 1e-4, 0),
          trial(1, gz::TrialState::pruned, {1.6, 1.55}, 2e-5, 21),
          trial(2, gz::TrialState::complete, {1.3, 0.9, 0.8}, 5e-4, 21),
          trial(3, gz::TrialState::failed, {}, 1e-3, 0),
          trial(4, gz::TrialState::running, {1.4}, 3e-4, 0)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(history_marks_states_and_the_best_so_far) {
  const std::string svg = gz::history_plot(study()).svg(640, 440);
  BOOST_TEST(svg.find(">Optimisation history<") != std::string::npos);
  BOOST_TEST(svg.find(">best so far<") != std::string::npos);
  BOOST_TEST(svg.find(">complete<") != std::string::npos);
  BOOST_TEST(svg.find(">pruned<") != std::string::npos);
  // Two complete trials as discs (and one in the legend), one pruned as a cross.
  BOOST_TEST(count(svg, "<circle") == 3u);
  BOOST_TEST(count(svg, "stroke='#D55E00' stroke-width='2.2'/>") == 2u);  // plot and legend
}

BOOST_AUTO_TEST_CASE(intermediate_values_single_out_the_best_and_the_pruned) {
  const std::string svg = gz::intermediate_plot(study()).svg(640, 440);
  BOOST_TEST(svg.find(">best: trial 2<") != std::string::npos);
  BOOST_TEST(svg.find(">pruned (x: where)<") != std::string::npos);
  BOOST_TEST(svg.find(">running<") != std::string::npos);
  BOOST_TEST(svg.find(">validation loss<") != std::string::npos);
  BOOST_TEST(count(svg, "<polyline") == 4u);  // trials 0, 1, 4 and the best, 2
  // Epochs counted from 1: the x axis starts at 1, not 0.
  BOOST_TEST(svg.find("font-size='12'>0</text>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(parameters_on_log_and_categorical_axes) {
  const auto records = study();
  const std::string lr = gz::parameter_plot(records, space().at("lr_head")).svg(480, 400);
  BOOST_TEST(lr.find(">lr_head (log scale)<") != std::string::npos);
  BOOST_TEST(lr.find(">1e-05<") != std::string::npos);
  BOOST_TEST(lr.find(">0.0001<") != std::string::npos);
  BOOST_TEST(lr.find(">0.001<") != std::string::npos);
  const std::string layer = gz::parameter_plot(records, space().at("layer")).svg(480, 400);
  BOOST_TEST(layer.find("font-size='12'>21</text>") != std::string::npos);
  BOOST_TEST(layer.find("font-size='12'>0</text>") != std::string::npos);
  BOOST_TEST(count(layer, "<circle") == 3u);  // two complete trials and the legend
}

BOOST_AUTO_TEST_CASE(files_are_written_as_png_and_svg) {
  TempDir dir;
  gz::write_trial_plots(study(), space(), dir.path(), "toy");
  gz::ImageInfo info;
  const gz::Image params = gz::read_image(dir / "toy_params.png", {}, &info);
  BOOST_TEST(params.width == 2 * 480);
  BOOST_TEST(params.height == 400);
  BOOST_TEST(gz::read_image(dir / "toy_history.png").width == 640);
  BOOST_TEST(gz::read_image(dir / "toy_intermediate.png").height == 440);
  for (const char* name : {"toy_history.svg", "toy_intermediate.svg", "toy_params.svg"})
    BOOST_TEST(gz::testing::read_text(dir / name).rfind("<svg", 0) == 0u, name);
  // An empty study still gets its (empty) plots.
  gz::write_trial_plots({}, space(), dir.path(), "empty");
  BOOST_TEST(std::filesystem::exists(dir / "empty_history.png"));
}
