#define BOOST_TEST_MODULE preprocess
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/preprocess.hpp>

#include <thread>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

// A w x h RGB image whose pixels encode their position, so crops can be checked exactly.
gz::Image coordinates(int w, int h, int bands = 3) {
  gz::Image img(w, h, bands);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at(x, y, 0) = static_cast<std::uint8_t>(x % 256);
      if (bands > 1) img.at(x, y, 1) = static_cast<std::uint8_t>(y % 256);
      if (bands > 2) img.at(x, y, 2) = static_cast<std::uint8_t>((x + y) % 256);
    }
  }
  return img;
}

gz::PreprocessOptions small_crop() {
  gz::PreprocessOptions o;
  o.crop_size = 20;
  o.output_size = 12;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parse_shard_accepts_i_of_n_only) {
  const auto s = gz::parse_shard("3/8");
  BOOST_TEST(s.index == 3);
  BOOST_TEST(s.count == 8);
  for (const char* bad : {"8/8", "-1/4", "1", "a/b", "1/0", "1/2/3", ""}) {
    BOOST_CHECK_THROW(gz::parse_shard(bad), gz::Error);
  }
}

BOOST_AUTO_TEST_CASE(center_crop_is_pixel_exact) {
  const gz::Preprocessor pre(small_crop());
  const auto img = coordinates(50, 40);
  const auto out = pre.apply(img);
  BOOST_TEST(out.width == 20);
  BOOST_TEST(out.height == 20);
  // 424 -> 256 in the original is offset (424 - 256) / 2 = 84; here (50 - 20) / 2 = 15, (40 - 20) /
  // 2 = 10.
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 20; ++x) {
      BOOST_REQUIRE(out.at(x, y, 0) == img.at(x + 15, y + 10, 0));
      BOOST_REQUIRE(out.at(x, y, 1) == img.at(x + 15, y + 10, 1));
    }
  }
  BOOST_CHECK_THROW(pre.apply(coordinates(10, 40)), gz::Error);
}

BOOST_AUTO_TEST_CASE(resize_modes_give_the_output_size) {
  auto o = small_crop();
  o.geometry = gz::Geometry::resize;
  BOOST_TEST(gz::Preprocessor(o).apply(coordinates(50, 40)).width == 12);
  o.geometry = gz::Geometry::crop_then_resize;
  const auto out = gz::Preprocessor(o).apply(coordinates(50, 40));
  BOOST_TEST(out.width == 12);
  BOOST_TEST(out.height == 12);
}

BOOST_AUTO_TEST_CASE(file_crop_equals_in_memory_crop) {
  TempDir dir;
  const auto img = coordinates(60, 60);
  gz::write_png(img, dir / "a.png");
  auto o = small_crop();
  o.jpeg_quality = 100;
  const gz::Preprocessor pre(o);
  pre.process_file(dir / "a.png", dir / "a_proc.jpg");
  const auto back = gz::read_image(dir / "a_proc.jpg");
  const auto expected = pre.apply(img);
  BOOST_REQUIRE(back.pixels.size() == expected.pixels.size());
  int worst = 0;
  for (std::size_t i = 0; i < back.pixels.size(); ++i)
    worst = std::max(worst, std::abs(back.pixels[i] - expected.pixels[i]));
  BOOST_TEST(worst <= 6);  // JPEG at quality 100
  BOOST_TEST(pre.output_name("train_class_0_7.jpg") == "train_class_0_7_proc.jpg");
  BOOST_TEST(pre.output_name("cutouts/587722.fits.fz") == "587722_proc.jpg");
  BOOST_TEST(pre.output_name("587722.FITS.FZ") == "587722_proc.jpg");
  o.proc_suffix = false;
  BOOST_TEST(gz::Preprocessor(o).output_name("x/val_class_1_2.png") == "val_class_1_2.jpg");
}

BOOST_AUTO_TEST_CASE(run_processes_skips_up_to_date_and_shards) {
  TempDir dir;
  for (int i = 0; i < 7; ++i)
    gz::write_jpeg(coordinates(32, 32), dir / "in" / ("img_" + std::to_string(i) + ".jpg"));
  auto o = small_crop();
  o.num_workers = 2;
  const auto inputs = gz::list_images(dir / "in");
  BOOST_REQUIRE(inputs.size() == 7u);

  auto first = gz::Preprocessor(o).run(inputs, dir / "out");
  BOOST_TEST(first.ok());
  BOOST_TEST(first.written == 7u);
  BOOST_TEST(fs::exists(dir / "out" / "img_6_proc.jpg"));

  auto again = gz::Preprocessor(o).run(inputs, dir / "out");
  BOOST_TEST(again.written == 0u);
  BOOST_TEST(again.up_to_date == 7u);

  // Other options make the old outputs stale.
  o.crop_size = 16;
  auto changed = gz::Preprocessor(o).run(inputs, dir / "out");
  BOOST_TEST(changed.written == 7u);
  BOOST_TEST(gz::read_image(dir / "out" / "img_0_proc.jpg").width == 16);

  // Shards partition the sorted list round-robin.
  std::size_t total = 0;
  for (int k = 0; k < 3; ++k) {
    o.shard = {k, 3};
    o.skip_up_to_date = false;
    auto part = gz::Preprocessor(o).run(inputs, dir / "sharded");
    total += part.written;
    BOOST_TEST(part.inputs == (k == 0 ? 3u : 2u));
  }
  BOOST_TEST(total == 7u);
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_reported_by_name_and_the_rest_processed) {
  TempDir dir;
  gz::write_jpeg(coordinates(32, 32), dir / "in" / "a_good.jpg");
  gz::write_jpeg(coordinates(32, 32), dir / "in" / "b_truncated.jpg");
  const std::string whole = gz::testing::read_text(dir / "in" / "b_truncated.jpg");
  gz::testing::write_text(dir / "in" / "b_truncated.jpg", whole.substr(0, whole.size() / 2));
  gz::testing::write_text(dir / "in" / "c_text.jpg", "not an image at all");
  gz::write_png(coordinates(32, 32, 1), dir / "in" / "d_grey.png");
  gz::write_png(coordinates(32, 32, 4), dir / "in" / "e_rgba.png");
  gz::write_jpeg(coordinates(40, 32), dir / "in" / "f_wrong_size.jpg");
  gz::write_jpeg(coordinates(32, 32), dir / "in" / "g_good.jpg");

  auto o = small_crop();
  o.expected_input_size = 32;
  const auto report = gz::Preprocessor(o).run(gz::list_images(dir / "in"), dir / "out");
  BOOST_TEST(!report.ok());
  BOOST_TEST(report.written == 2u);
  BOOST_REQUIRE(report.failures.size() == 5u);
  auto reason_of = [&](const std::string& name) {
    for (const auto& f : report.failures) {
      if (f.file.filename() == name) return f.reason;
    }
    return std::string("<not reported>");
  };
  BOOST_TEST(reason_of("b_truncated.jpg").find("b_truncated.jpg") != std::string::npos);
  BOOST_TEST(reason_of("c_text.jpg").find("c_text.jpg") != std::string::npos);
  BOOST_TEST(reason_of("d_grey.png").find("1 band (grey)") != std::string::npos);
  BOOST_TEST(reason_of("e_rgba.png").find("4 bands") != std::string::npos);
  BOOST_TEST(reason_of("f_wrong_size.jpg").find("expected a 32 x 32 image, got 40 x 32") !=
             std::string::npos);
  BOOST_TEST(report.summary().find("FAILED") != std::string::npos);
  BOOST_TEST(fs::exists(dir / "out" / "g_good_proc.jpg"));
  BOOST_TEST(!fs::exists(dir / "out" / "c_text_proc.jpg"));
}

BOOST_AUTO_TEST_CASE(bad_options_and_folders_are_errors) {
  auto o = small_crop();
  o.crop_size = 0;
  BOOST_CHECK_THROW(gz::Preprocessor{o}, gz::Error);
  o = small_crop();
  o.shard = {2, 2};
  BOOST_CHECK_THROW(gz::Preprocessor{o}, gz::Error);
  TempDir dir;
  BOOST_CHECK_THROW(gz::list_images(dir / "missing"), gz::IoError);
  gz::testing::write_text(dir / "file", "x");
  BOOST_CHECK_THROW(gz::Preprocessor(small_crop()).run({}, dir / "file" / "out"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(list_images_reports_bad_entries_and_refuses_an_empty_folder) {
  // Issue 18: a link loop aborted preprocess_resize; a missing or empty input folder
  // looked like success.
  TempDir dir;
  fs::create_directories(dir / "in");
  gz::testing::write_tiny_jpeg(dir / "in" / "good.jpg");
  fs::create_symlink("a.jpg", dir / "in" / "b.jpg");
  fs::create_symlink("b.jpg", dir / "in" / "a.jpg");
  fs::create_symlink("gone.jpg", dir / "in" / "dangling.jpg");
  std::vector<gz::SkippedEntry> skipped;
  const auto files = gz::list_images(dir / "in", "", &skipped);
  BOOST_REQUIRE_EQUAL(files.size(), 1u);
  BOOST_TEST(files[0] == dir / "in" / "good.jpg");
  BOOST_REQUIRE_EQUAL(skipped.size(), 3u);
  BOOST_TEST(skipped[2].path == dir / "in" / "dangling.jpg");
  BOOST_TEST(skipped[2].reason == "a dangling symbolic link");
  // Without a list for them, bad entries are an error naming the first.
  BOOST_CHECK_EXCEPTION(gz::list_images(dir / "in"), gz::IoError,
                        [&](const gz::IoError& e) { return e.path() == dir / "in" / "a.jpg"; });
  fs::create_directories(dir / "empty");
  gz::testing::write_text(dir / "empty" / "notes.txt", "x");
  BOOST_CHECK_EXCEPTION(gz::list_images(dir / "empty"), gz::IoError, [&](const gz::IoError& e) {
    return std::string(e.what()).find("no images") != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(gz::list_images(dir / "in", "train_", &skipped), gz::IoError,
                        [&](const gz::IoError& e) {
                          return std::string(e.what()).find("'train_'") != std::string::npos;
                        });
  BOOST_CHECK_EXCEPTION(gz::list_images(dir / "nonexistent"), gz::IoError,
                        [&](const gz::IoError& e) {
                          return std::string(e.what()).find("does not exist") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(outputs_are_jpeg_at_the_original_s_quality_75) {
  TempDir dir;
  const auto input = dir / "train_class_0_1.jpg";
  gz::write_jpeg(coordinates(300, 300), input, 95);
  const gz::Preprocessor pre;
  BOOST_TEST(pre.options().jpeg_quality == 75);  // Pillow's default, which the original used
  pre.process_file(input, dir / "out.jpg");
  const auto expected = gz::encode_jpeg(pre.apply(gz::read_image(input)), 75);
  BOOST_TEST(gz::testing::read_text(dir / "out.jpg") ==
             std::string(expected.begin(), expected.end()));
}
