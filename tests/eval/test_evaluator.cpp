#define BOOST_TEST_MODULE evaluator
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/eval/evaluator.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/classifier.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kaggle_fixture.hpp"

#include "text_checks.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// Predictions of 3 classes where class 2 never occurs in truth and class 1 is never predicted.
std::vector<gz::Prediction> made_up_predictions() {
  std::vector<gz::Prediction> out;
  const int truth[] = {0, 0, 0, 1, 1, 0};
  const int predicted[] = {0, 0, 2, 0, 0, 0};
  for (int i = 0; i < 6; ++i) {
    gz::Prediction p;
    p.file = "test_class_" + std::to_string(truth[i]) + "_" + std::to_string(i) + "_proc.jpg";
    if (i % 2 == 0) p.galaxy_id = 100000 + i;
    p.truth = truth[i];
    p.predicted = predicted[i];
    p.probabilities = {0.2, 0.2, 0.2};
    p.probabilities[static_cast<std::size_t>(predicted[i])] = 0.6;
    out.push_back(p);
  }
  return out;
}

using galaxyzoo::testing::lines_of;

gz::Image patterned(int size, int seed) {
  gz::Image img(size, size, 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c)
        img.at(x, y, c) = static_cast<std::uint8_t>((x * 5 + y * (c + 2) + seed * 37) % 256);
    }
  }
  return img;
}

gz::GalaxyClassifier small_classifier() {
  torch::manual_seed(7);
  return gz::GalaxyClassifier(gz::VGG16Classifier(gz::VGG16ClassifierOptions(3).image_size(32)),
                              {"round", "disk", "spiral"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(report_of_predictions_with_an_absent_class) {
  const auto report =
      gz::make_report(made_up_predictions(), {"round", "disk", "cigar"}, {200, 0.9, 5});
  BOOST_TEST(report.metrics.samples == 6u);
  BOOST_TEST(report.metrics.accuracy == 3.0 / 6);
  BOOST_TEST((report.metrics.absent_classes() == std::vector<int>{2}));
  BOOST_TEST(report.metrics.per_class[2].recall == 0.0);
  BOOST_TEST(std::isfinite(*report.metrics.log_loss));
  BOOST_TEST(report.intervals.options.resamples == 200u);
  const std::string summary = report.summary();
  BOOST_TEST(summary.find("| cigar") != std::string::npos, summary);
  BOOST_TEST(summary.find("macro avg") != std::string::npos);
  BOOST_TEST(summary.find("90 % interval") != std::string::npos);
  BOOST_TEST(summary.find("Class 2 (cigar) has no images") != std::string::npos, summary);
  BOOST_TEST(summary.find("nan") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(report_files_are_written_and_parse) {
  TempDir dir;
  auto report = gz::make_report(made_up_predictions(), {"round", "disk", "cigar-shaped smooth"});
  report.split = "test";
  gz::write_report(report, dir / "out");

  const auto exp = lines_of(gz::testing::read_text(dir / "out/exp_results.csv"));
  BOOST_REQUIRE(exp.size() == 2u);
  BOOST_TEST(exp[0] == "accuracy,precision,recall,f1,confusion_matrix");
  BOOST_TEST(exp[1].rfind("0.5,", 0) == 0u, exp[1]);
  BOOST_TEST(exp[1].find("\"[[3, 0, 1], [2, 0, 0], [0, 0, 0]]\"") != std::string::npos, exp[1]);

  const auto json = nlohmann::json::parse(gz::testing::read_text(dir / "out/metrics.json"));
  BOOST_TEST(json.at("accuracy").get<double>() == 0.5);
  BOOST_TEST(json.at("samples").get<int>() == 6);
  BOOST_TEST(json.at("split").get<std::string>() == "test");
  BOOST_TEST(json.at("per_class").size() == 3u);
  BOOST_TEST(json.at("per_class")[2].at("absent").get<bool>());
  BOOST_TEST(json.at("per_class")[2].at("name").get<std::string>() == "cigar-shaped smooth");
  BOOST_TEST(json.at("absent_classes") == nlohmann::json::array({2}));
  BOOST_TEST(json.at("confusion_matrix")[1][0].get<int>() == 2);
  BOOST_TEST(json.at("confusion_matrix_normalized")[0][0].get<double>() == 0.75);
  BOOST_TEST(json.at("confusion_matrix_normalized")[2][2].get<double>() == 0.0);
  BOOST_TEST(json.at("log_loss").is_number());
  BOOST_TEST(json.at("top2_accuracy").is_number());
  const auto ci = json.at("bootstrap").at("accuracy");
  BOOST_TEST(ci[0].get<double>() <= 0.5);
  BOOST_TEST(ci[1].get<double>() >= 0.5);
  BOOST_TEST(json.at("bootstrap").at("seed").get<int>() == 10);
  // Each class's recall interval; the absent class 2 gets [0, 0].
  const auto recall = json.at("bootstrap").at("recall");
  BOOST_REQUIRE(recall.size() == json.at("per_class").size());
  BOOST_TEST(recall[0][0].get<double>() <= 0.75);
  BOOST_TEST(recall[0][1].get<double>() >= 0.75);
  BOOST_TEST(recall[2] == nlohmann::json::array({0.0, 0.0}));

  const auto predictions = lines_of(gz::testing::read_text(dir / "out/predictions.csv"));
  BOOST_REQUIRE(predictions.size() == 7u);
  // The class names, and a probability column named after each class.
  BOOST_TEST(predictions[0] ==
             "file,GalaxyID,true,predicted,true_class,predicted_class,p_round,p_disk,"
             "p_cigar-shaped smooth");
  BOOST_TEST(predictions[1] == "test_class_0_0_proc.jpg,100000,0,0,round,round,0.6,0.2,0.2");
  // GalaxyID unknown
  BOOST_TEST(predictions[2] == "test_class_0_1_proc.jpg,,0,0,round,round,0.6,0.2,0.2");
  BOOST_TEST(predictions[3] ==
             "test_class_0_2_proc.jpg,100002,0,2,round,cigar-shaped smooth,0.2,0.2,0.6");

  for (const char* name : {"final_confusion_matrix_norm.png", "final_confusion_matrix.png"}) {
    gz::ImageInfo info;
    const gz::Image img = gz::read_image(dir / "out" / name, {}, &info);
    BOOST_TEST(img.width == 780);
    BOOST_TEST(img.height == 680);
    BOOST_TEST(info.format == "png");
  }
}

BOOST_AUTO_TEST_CASE(bad_reports_are_rejected) {
  BOOST_CHECK_THROW(gz::make_report({}, {"a", "b"}), gz::Error);  // empty test set
  auto wrong_width = made_up_predictions();
  wrong_width[3].probabilities.pop_back();
  BOOST_CHECK_THROW(gz::make_report(wrong_width, {"a", "b", "c"}), gz::Error);
  BOOST_CHECK_THROW(gz::make_report(made_up_predictions(), {"a", "b"}),
                    gz::Error);  // 3 probabilities, 2 names
  auto out_of_range = made_up_predictions();
  out_of_range[0].truth = 3;
  BOOST_CHECK_THROW(gz::make_report(out_of_range, {"a", "b", "c"}), gz::Error);
}

BOOST_AUTO_TEST_CASE(manifest_gives_galaxy_ids) {
  TempDir dir;
  gz::testing::write_text(dir / "manifest.csv",
                          "GalaxyID,original_file,file,split,label\n"
                          "100008,img/100008.jpg,test_class_0_0.jpg,test,0\n"
                          "100023,img/100023.jpg,train_class_1_0.jpg,train,1\n");
  const auto ids = gz::read_manifest_ids(dir / "manifest.csv");
  BOOST_TEST(ids.at("test_class_0_0") == 100008);
  BOOST_TEST(ids.at("test_class_0_0_proc") == 100008);
  BOOST_TEST(ids.at("train_class_1_0_proc") == 100023);
  gz::testing::write_text(dir / "bad.csv",
                          "GalaxyID,original_file,file,split,label\nabc,x,y.jpg,test,0\n");
  try {
    gz::read_manifest_ids(dir / "bad.csv");
    BOOST_FAIL("expected an InputError");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.line() == 2u);
    BOOST_TEST(e.key() == "GalaxyID");
  }
  gz::testing::write_text(dir / "nofile.csv", "GalaxyID,name\n1,x\n");
  BOOST_CHECK_THROW(gz::read_manifest_ids(dir / "nofile.csv"), gz::InputError);
  BOOST_CHECK_THROW(gz::read_manifest_ids(dir / "missing.csv"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(evaluator_runs_a_model_over_a_split) {
  TempDir dir;
  const auto data = dir / "pre";
  std::filesystem::create_directories(data);
  const int labels[] = {0, 0, 1, 1, 2};
  for (int i = 0; i < 5; ++i) {
    gz::write_jpeg(patterned(40, i), data / ("test_class_" + std::to_string(labels[i]) + "_" +
                                             std::to_string(i) + "_proc.jpg"));
  }
  gz::write_jpeg(patterned(40, 9),
                 data / "train_class_0_0_proc.jpg");  // another split: not evaluated
  gz::testing::write_text(data / "manifest.csv",
                          "GalaxyID,original_file,file,split,label\n"
                          "100002,x/100002.jpg,test_class_1_2.jpg,test,1\n");
  auto classifier = small_classifier();
  gz::EvaluatorOptions options;
  options.batch_size = 2;
  options.bootstrap.resamples = 50;
  gz::Evaluator evaluator(classifier, options);
  const auto report = evaluator.evaluate(data);
  BOOST_REQUIRE(report.predictions.size() == 5u);
  BOOST_TEST(report.split == "test");
  BOOST_TEST(report.class_names[2] == "spiral");
  BOOST_TEST(report.metrics.samples == 5u);
  BOOST_TEST(report.metrics.per_class[1].support == 2u);
  for (const auto& p : report.predictions) {
    double sum = 0;
    for (const double v : p.probabilities) sum += v;
    BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-5));
    const auto best =
        std::max_element(p.probabilities.begin(), p.probabilities.end()) - p.probabilities.begin();
    BOOST_TEST(p.predicted == best);
  }
  BOOST_TEST(report.predictions[2].galaxy_id.value_or(-1) == 100002);
  BOOST_TEST(!report.predictions[0].galaxy_id.has_value());
  // The same images through evaluate_files give the same probabilities.
  std::vector<std::filesystem::path> files;
  std::vector<int> truth;
  for (const auto& p : report.predictions) files.push_back(p.file), truth.push_back(p.truth);
  const auto again = evaluator.evaluate_files(files, truth);
  BOOST_TEST(again.predictions[4].probabilities[1] == report.predictions[4].probabilities[1],
             boost::test_tools::tolerance(1e-6));
  BOOST_TEST(again.intervals.accuracy.low == report.intervals.accuracy.low);
}

BOOST_AUTO_TEST_CASE(evaluator_rejects_bad_data) {
  TempDir dir;
  const auto data = dir / "pre";
  std::filesystem::create_directories(data);
  auto classifier = small_classifier();
  gz::Evaluator evaluator(classifier);
  // An empty test split.
  gz::write_jpeg(patterned(32, 1), data / "train_class_0_0_proc.jpg");
  BOOST_CHECK_THROW(evaluator.evaluate(data), gz::Error);
  // A class the 3-class model does not know.
  gz::write_jpeg(patterned(32, 2), data / "test_class_3_0_proc.jpg");
  try {
    evaluator.evaluate(data);
    BOOST_FAIL("expected an error");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find(
                   "test_class_3_0_proc.jpg' is of class 3 but the model has 3 classes") !=
                   std::string::npos,
               e.what());
  }
  BOOST_CHECK_THROW(evaluator.evaluate_files({data / "train_class_0_0_proc.jpg"}, {0, 1}),
                    gz::Error);
  BOOST_CHECK_THROW(evaluator.evaluate_files({}, {}), gz::Error);
  BOOST_CHECK_THROW(evaluator.evaluate(dir / "missing"), gz::IoError);
  gz::EvaluatorOptions other;
  other.split = "holdout";
  BOOST_CHECK_THROW(gz::Evaluator(classifier, other).evaluate(data), gz::Error);
}
