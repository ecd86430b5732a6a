#define BOOST_TEST_MODULE catalog_classifier
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/catalog_classifier.hpp>
#include <galaxyzoo/model/classifier.hpp>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

gz::GalaxyClassifier small_classifier() {
  torch::manual_seed(4);
  return gz::GalaxyClassifier(gz::VGG16Classifier(gz::VGG16ClassifierOptions(3).image_size(32)),
                              {"round", "disk", "edge on"});
}

// Images 1.jpg ... 4.jpg (different patterns) and a catalogue of ids 1 to 5 (5 has none).
gz::Catalog catalogue_with_images(const TempDir& dir) {
  for (int id = 1; id <= 4; ++id) {
    gz::Image img(40, 40, 3);
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 40; ++x)
        for (int c = 0; c < 3; ++c)
          img.at(x, y, c) = static_cast<std::uint8_t>((x * id + y * c) % 256);
    gz::write_jpeg(img, dir / (std::to_string(id) + ".jpg"), 95);
  }
  write_text(dir / "c.csv", "objid,mag\n1,17\n2,18\n5,19\n3,20\n4,21\n");
  return gz::read_csv_catalog(dir / "c.csv");
}

gz::GalaxyImageSource images_in(const TempDir& dir) {
  gz::GalaxyImageOptions o;
  o.folder = dir.path();
  return gz::GalaxyImageSource(o);
}

}  // namespace

BOOST_AUTO_TEST_CASE(rows_keep_their_columns_and_gain_class_named_probabilities) {
  TempDir dir;
  const auto catalog = catalogue_with_images(dir);
  auto classifier = small_classifier();
  gz::CatalogClassifyOptions options;
  options.id_column = "objid";
  options.batch_size = 2;  // three batches
  std::vector<std::size_t> progress;
  options.on_progress = [&](std::size_t done, std::size_t total) {
    BOOST_TEST(total == 5u);
    progress.push_back(done);
  };
  const auto r = gz::classify_catalog(classifier, catalog, images_in(dir), options);
  BOOST_TEST(progress == (std::vector<std::size_t>{2, 4, 5}));
  const auto& t = r.table;
  BOOST_REQUIRE(t.rows() == 4u);
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  BOOST_TEST(names == (std::vector<std::string>{"objid", "mag", "predicted", "predicted_class",
                                                "p_round", "p_disk", "p_edge on"}));
  BOOST_TEST(t.text(2, 0) == "3");  // catalogue order, row of id 5 left out
  BOOST_TEST(t.text(2, 1) == "20");
  BOOST_REQUIRE(r.failures.size() == 1u);
  BOOST_TEST(r.failures[0].id == "5");
  BOOST_TEST(r.failures[0].row == 2u);
  BOOST_TEST(r.failures[0].where == (dir / "c.csv").string() + ":4");
  BOOST_TEST(r.failures[0].reason.find("no file") != std::string::npos);
  std::size_t counted = 0;
  for (const auto n : r.per_class) counted += n;
  BOOST_TEST(counted == 4u);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    double sum = 0;
    for (std::size_t k = 4; k < 7; ++k) sum += t.number(row, k);
    BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-5));
    const auto label = static_cast<std::size_t>(std::stoi(t.text(row, 2)));
    BOOST_TEST(t.text(row, 3) == classifier.class_names()[label]);
  }
  // The probabilities are those of the images classified directly, whatever the batches.
  options.batch_size = 8;
  options.on_progress = nullptr;
  const auto one_batch = gz::classify_catalog(classifier, catalog, images_in(dir), options);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    for (std::size_t k = 4; k < 7; ++k)
      BOOST_TEST(one_batch.table.number(row, k) == t.number(row, k),
                 boost::test_tools::tolerance(1e-5));
  }
}

BOOST_AUTO_TEST_CASE(missing_and_clashing_columns_are_refused_before_any_image) {
  TempDir dir;
  auto classifier = small_classifier();
  write_text(dir / "c.csv", "objid,p_disk\n1,0.5\n");
  const auto catalog = gz::read_csv_catalog(dir / "c.csv");
  gz::CatalogClassifyOptions options;
  try {
    gz::classify_catalog(classifier, catalog, images_in(dir), options);  // GalaxyID
    BOOST_FAIL("no error for a missing id column");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "GalaxyID");
  }
  options.id_column = "objid";
  try {
    gz::classify_catalog(classifier, catalog, images_in(dir), options);
    BOOST_FAIL("no error for a column classify adds");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "p_disk");
  }
}

BOOST_AUTO_TEST_CASE(survey_cutouts_read_positions_and_report_bad_ones) {
  TempDir dir;
  auto hdu = gz::testing::fits_image(64, 64, [](int x, int y) { return (x * y) % 17; });
  gz::testing::add_tan_wcs(hdu, 32, 32, 150.0, 2.0);
  gz::testing::write_fits(dir / "survey.fits", {hdu});
  gz::GalaxyImageOptions o;
  o.survey_images = {{dir / "survey.fits", -1}};
  o.cutout.arcsec = 8;  // 20 pixels
  const gz::GalaxyImageSource source(o);
  auto classifier = small_classifier();
  write_text(dir / "c.csv", "objid,ra,dec\n1,abc,2\n2,150.0,2.0\n3,151,2\n");
  const auto catalog = gz::read_csv_catalog(dir / "c.csv");
  gz::CatalogClassifyOptions options;
  options.id_column = "objid";
  const auto r = gz::classify_catalog(classifier, catalog, source, options);
  BOOST_TEST(r.table.rows() == 1u);
  BOOST_TEST(r.table.text(0, 0) == "2");
  BOOST_REQUIRE(r.failures.size() == 2u);
  BOOST_TEST(r.failures[0].reason.find("column 'ra': expected a finite number, got 'abc'") !=
             std::string::npos);
  BOOST_TEST(r.failures[1].reason.find("is outside the survey image") != std::string::npos);
  options.dec_column = "declination";
  BOOST_CHECK_THROW(gz::classify_catalog(classifier, catalog, source, options), gz::InputError);
}

BOOST_AUTO_TEST_CASE(prediction_columns_and_their_names) {
  BOOST_TEST(gz::probability_column("completely round smooth") == "p_completely round smooth");
  gz::Catalog table;
  table.columns.push_back({"file", gz::ColumnType::text, {"a.jpg", "b.jpg"}, "", ""});
  const auto per_class =
      gz::add_prediction_columns(table, {{0.2f, 0.8f}, {0.6f, 0.4f}}, {"smooth", "disk"});
  BOOST_TEST(per_class == (std::vector<std::size_t>{1, 1}));
  BOOST_TEST(table.text(0, 2) == "disk");
  BOOST_TEST(table.text(1, 1) == "0");
  BOOST_TEST(table.text(0, 3) == "0.2");  // shortest text of the float
  BOOST_TEST(table.columns[4].fits_format == "1E");
  gz::Catalog wrong;
  wrong.columns.push_back({"file", gz::ColumnType::text, {"a.jpg"}, "", ""});
  BOOST_CHECK_THROW(gz::add_prediction_columns(wrong, {{1.0f}}, {"a", "b"}), gz::Error);
  BOOST_CHECK_THROW(gz::add_prediction_columns(wrong, {}, {"a"}), gz::Error);
}
