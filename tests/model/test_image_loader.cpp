#define BOOST_TEST_MODULE image_loader
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/image_loader.hpp>

#include <algorithm>
#include <cmath>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// A folder of small preprocessed-style images: train_class_{k}_{i}_proc.jpg (PNG data,
// so pixels are exact) with a flat colour that encodes (k, i), plus a val image.
struct Folder {
  TempDir dir;
  Folder() {
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 5; ++i)
        write(dir / ("train_class_" + std::to_string(k) + "_" + std::to_string(i) + "_proc.jpg"),
              40 * k + 8 * i);
    }
    write(dir / "val_class_1_0_proc.jpg", 200);
    gz::testing::write_text(dir / "notes.txt", "x");
    gz::testing::write_text(dir / "train_class_x_1_proc.jpg", "x");
  }
  static void write(const std::filesystem::path& p, int value) {
    gz::Image img(8, 8, 3);
    for (auto& v : img.pixels) v = static_cast<std::uint8_t>(value);
    gz::write_png(img, p);
  }
};

gz::ImageLoaderOptions eight_pixels() {
  gz::ImageLoaderOptions o;
  o.image_size = 8;
  o.batch_size = 4;
  return o;
}

std::vector<torch::Tensor> epoch_of(gz::ImageLoader& loader, std::int64_t epoch) {
  std::vector<torch::Tensor> out;
  loader.start_epoch(epoch);
  while (auto b = loader.next()) {
    out.push_back(b->images.clone());
    out.push_back(b->labels.clone());
  }
  return out;
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(lists_labelled_images_of_the_chosen_splits, Folder) {
  const auto train = gz::list_labeled_images(dir.path(), {"train"});
  BOOST_TEST(train.size() == 15u);
  BOOST_TEST(train.front().file.filename() == "train_class_0_0_proc.jpg");
  BOOST_TEST(train.back().label == 2);
  BOOST_TEST(gz::list_labeled_images(dir.path(), {"train", "val"}).size() == 16u);
  BOOST_TEST(gz::list_labeled_images(dir.path(), {"test"}).empty());
  BOOST_CHECK_THROW(gz::list_labeled_images(dir.path(), {"training"}), gz::Error);
  BOOST_CHECK_THROW(gz::list_labeled_images(dir / "missing", {"train"}), gz::IoError);
}

BOOST_FIXTURE_TEST_CASE(drop_last_leaves_out_a_short_last_batch, Folder) {
  auto options = eight_pixels();  // batches of 4 over 15 images: 4, 4, 4, 3
  options.drop_last = options.shuffle = true;
  gz::ImageLoader loader(gz::list_labeled_images(dir.path(), {"train"}), options);
  BOOST_TEST(loader.batches_per_epoch() == 3u);
  loader.start_epoch(0);
  std::size_t batches = 0;
  while (auto batch = loader.next()) {
    BOOST_TEST(batch->images.size(0) == 4);
    ++batches;
  }
  BOOST_TEST(batches == 3u);
  // Fewer images than a batch: the one short batch is kept.
  options.batch_size = 32;
  BOOST_TEST(gz::ImageLoader(gz::list_labeled_images(dir.path(), {"train"}), options)
                 .batches_per_epoch() == 1u);
}

BOOST_FIXTURE_TEST_CASE(evaluation_batches_are_normalised_pixels_in_order, Folder) {
  gz::ImageLoader loader(gz::list_labeled_images(dir.path(), {"train"}), eight_pixels());
  BOOST_TEST(loader.batches_per_epoch() == 4u);
  loader.start_epoch(0);
  std::vector<std::int64_t> sizes, labels;
  while (auto batch = loader.next()) {
    BOOST_REQUIRE(batch->images.dim() == 4);
    BOOST_TEST(batch->images.size(1) == 3);
    BOOST_TEST(batch->images.size(2) == 8);
    sizes.push_back(batch->images.size(0));
    for (std::int64_t k = 0; k < batch->labels.size(0); ++k)
      labels.push_back(batch->labels[k].item<std::int64_t>());
    if (sizes.size() == 1) {
      // First image: value 0 -> (0 - mean) / std; second (train_class_0_1): 8 / 255.
      BOOST_TEST(batch->images[0][0][3][3].item<float>() ==
                     (0 - gz::kImageNetMean[0]) / gz::kImageNetStd[0],
                 boost::test_tools::tolerance(1e-5f));
      BOOST_TEST(batch->images[1][2][0][0].item<float>() ==
                     (8 / 255.0f - gz::kImageNetMean[2]) / gz::kImageNetStd[2],
                 boost::test_tools::tolerance(1e-5f));
    }
  }
  BOOST_TEST(sizes == (std::vector<std::int64_t>{4, 4, 4, 3}), boost::test_tools::per_element());
  BOOST_TEST(labels == (std::vector<std::int64_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}),
             boost::test_tools::per_element());
  BOOST_TEST(!loader.next().has_value());
}

BOOST_FIXTURE_TEST_CASE(images_of_another_size_are_resized, Folder) {
  auto o = eight_pixels();
  o.image_size = 16;
  gz::ImageLoader loader(gz::list_labeled_images(dir.path(), {"val"}), o);
  loader.start_epoch(0);
  const auto batch = loader.next();
  BOOST_TEST(batch->images.size(3) == 16);
  BOOST_TEST(batch->images[0][1][15][15].item<float>() ==
                 (200 / 255.0f - gz::kImageNetMean[1]) / gz::kImageNetStd[1],
             boost::test_tools::tolerance(1e-3f));
}

BOOST_FIXTURE_TEST_CASE(shuffle_and_transforms_depend_on_seed_and_epoch_only, Folder) {
  auto o = eight_pixels();
  o.shuffle = true;
  o.train_transforms = true;
  o.rotations = true;
  o.num_workers = 1;
  const auto images = gz::list_labeled_images(dir.path(), {"train"});
  gz::ImageLoader one(images, o);
  o.num_workers = 3;
  o.prefetch_batches = 1;
  gz::ImageLoader three(images, o);
  const auto e0 = epoch_of(one, 0);
  BOOST_TEST(same(e0, epoch_of(three, 0)));  // thread count does not matter
  BOOST_TEST(same(e0, epoch_of(one, 0)));    // a restarted epoch repeats itself
  one.start_epoch(0, 2);                     // resumed at batch 2: the same last batches
  const auto third = one.next();
  BOOST_TEST(torch::equal(third->images, e0[4]));
  BOOST_TEST(torch::equal(third->labels, e0[5]));
  BOOST_TEST(!same(e0, epoch_of(one, 1)));  // the next epoch differs
  o.seed = 7;
  gz::ImageLoader other(images, o);
  BOOST_TEST(!same(e0, epoch_of(other, 0)));
}

BOOST_FIXTURE_TEST_CASE(colour_jitter_changes_pixels_within_range, Folder) {
  auto o = eight_pixels();
  o.train_transforms = true;
  gz::ImageLoader plain(gz::list_labeled_images(dir.path(), {"train"}), eight_pixels());
  gz::ImageLoader jittered(gz::list_labeled_images(dir.path(), {"train"}), o);
  const auto a = epoch_of(plain, 0), b = epoch_of(jittered, 0);
  BOOST_TEST(!torch::equal(a[0], b[0]));
  // Unnormalised values stay in [0, 1].
  for (int c = 0; c < 3; ++c) {
    const auto raw = b[0].select(1, c) * gz::kImageNetStd[c] + gz::kImageNetMean[c];
    BOOST_TEST(raw.min().item<float>() >= -1e-5f);
    BOOST_TEST(raw.max().item<float>() <= 1 + 1e-5f);
  }
}

BOOST_FIXTURE_TEST_CASE(cache_stays_within_its_budget, Folder) {
  auto o = eight_pixels();
  o.cache_bytes = 8 * 8 * 3 * 6;  // room for six images
  gz::ImageLoader loader(gz::list_labeled_images(dir.path(), {"train"}), o);
  const auto first = epoch_of(loader, 0);
  BOOST_TEST(loader.cached_bytes() == 8u * 8 * 3 * 6);
  BOOST_TEST(same(first, epoch_of(loader, 0)));  // cached images give the same batches
}

BOOST_FIXTURE_TEST_CASE(the_cache_is_on_by_default_and_changes_no_batch, Folder) {
  BOOST_TEST(gz::ImageLoaderOptions{}.cache_bytes == gz::default_image_cache_mb() << 20);
  auto o = eight_pixels();
  o.shuffle = o.train_transforms = true;
  gz::ImageLoader cached(gz::list_labeled_images(dir.path(), {"train"}), o);
  o.cache_bytes = 0;
  gz::ImageLoader uncached(gz::list_labeled_images(dir.path(), {"train"}), o);
  for (std::int64_t epoch = 0; epoch < 2; ++epoch)
    BOOST_TEST(same(epoch_of(cached, epoch), epoch_of(uncached, epoch)));
  BOOST_TEST(cached.cached_bytes() == 15u * 8 * 8 * 3);  // every image, decoded once
  BOOST_TEST(uncached.cached_bytes() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_corrupt_image_is_reported_by_name, Folder) {
  gz::testing::write_text(dir / "train_class_2_9_proc.jpg", "broken");
  gz::ImageLoader loader(gz::list_labeled_images(dir.path(), {"train"}), eight_pixels());
  loader.start_epoch(0);
  try {
    while (loader.next()) {
    }
    BOOST_FAIL("no error for a corrupt image");
  } catch (const gz::IoError& e) {
    BOOST_TEST(std::string(e.what()).find("train_class_2_9_proc.jpg") != std::string::npos);
  }
  BOOST_CHECK_THROW(gz::ImageLoader({}, eight_pixels()), gz::Error);
}

namespace {

// The flat colour value of each image of an epoch (identifies the image; no transforms).
std::vector<std::vector<int>> values_of(gz::ImageLoader& loader, std::int64_t epoch) {
  std::vector<std::vector<int>> out;
  loader.start_epoch(epoch);
  while (auto b = loader.next()) {
    std::vector<int> batch;
    for (std::int64_t k = 0; k < b->images.size(0); ++k) {
      const float x = b->images[k][0][0][0].item<float>();
      batch.push_back(
          static_cast<int>(std::lround((x * gz::kImageNetStd[0] + gz::kImageNetMean[0]) * 255)));
    }
    out.push_back(batch);
  }
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(ranks_take_disjoint_shards_that_make_up_the_global_batches, Folder) {
  const auto images = gz::list_labeled_images(dir.path(), {"train"});  // 15 images
  auto options = eight_pixels();
  options.shuffle = options.drop_last = true;
  options.batch_size = 2;
  std::vector<std::vector<std::vector<int>>> ranks;
  for (int r = 0; r < 2; ++r) {
    auto o = options;
    o.rank = r;
    o.world_size = 2;
    gz::ImageLoader loader(images, o);
    BOOST_TEST(loader.shard_size() == 7u);  // 15 cut to 14, 7 each
    BOOST_TEST(loader.batches_per_epoch() == 3u);
    ranks.push_back(values_of(loader, 1));
  }
  auto global = options;
  global.batch_size = 4;
  gz::ImageLoader one(images, global);
  const auto whole = values_of(one, 1);
  BOOST_REQUIRE_EQUAL(whole.size(), 3u);
  std::vector<int> seen;
  for (std::size_t b = 0; b < whole.size(); ++b) {
    std::vector<int> both = ranks[0][b];
    both.insert(both.end(), ranks[1][b].begin(), ranks[1][b].end());
    std::vector<int> expected = whole[b];
    std::sort(both.begin(), both.end());
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(both == expected);  // batch b of the ranks together = batch b of one process
    seen.insert(seen.end(), both.begin(), both.end());
  }
  std::sort(seen.begin(), seen.end());
  BOOST_TEST((std::adjacent_find(seen.begin(), seen.end()) == seen.end()));  // disjoint

  // Without drop_last the order is padded: 16 slots cover all 15 images, one twice.
  options.drop_last = false;
  std::vector<int> all;
  for (int r = 0; r < 2; ++r) {
    auto o = options;
    o.rank = r;
    o.world_size = 2;
    gz::ImageLoader loader(images, o);
    BOOST_TEST(loader.batches_per_epoch() == 4u);
    for (const auto& batch : values_of(loader, 0))
      all.insert(all.end(), batch.begin(), batch.end());
  }
  BOOST_TEST(all.size() == 16u);
  std::sort(all.begin(), all.end());
  BOOST_TEST(std::distance(all.begin(), std::unique(all.begin(), all.end())) == 15);

  options.rank = 2;
  options.world_size = 2;
  BOOST_CHECK_THROW(gz::ImageLoader(images, options), gz::Error);
}

BOOST_AUTO_TEST_CASE(fits_images_are_listed_and_read_as_grey_rgb) {
  TempDir dir;
  using gz::testing::fits_image;
  auto ramp = fits_image(8, 8, [](int x, int y) { return x + 8 * y; });  // 0 ... 63
  gz::testing::write_fits(dir / "train_class_1_0.fits", {ramp});
  ramp.bitpix = SHORT_IMG;
  gz::testing::write_fits(dir / "train_class_2_1.fits.fz", {ramp}, RICE_1);
  const auto images = gz::list_labeled_images(dir.path(), {"train"});
  BOOST_REQUIRE(images.size() == 2u);
  BOOST_TEST(images[1].label == 2);
  auto options = eight_pixels();
  options.read.fits.display.clip = gz::FitsClip::minmax;
  options.read.fits.display.stretch = gz::Stretch::linear;
  gz::ImageLoader loader(images, options);
  loader.start_epoch(0);
  const auto batch = loader.next();
  BOOST_REQUIRE(batch.has_value());
  BOOST_TEST(batch->images.size(1) == 3);
  // Every band holds the grey value: the brightest sample (FITS row 7, column 7) is at the
  // top right and 1.0 in all three bands, the faintest (row 0, column 0) 0.
  for (std::int64_t n = 0; n < 2; ++n) {
    for (int c = 0; c < 3; ++c) {
      const auto top_right =
          batch->images[n][c][0][7].item<float>() * gz::kImageNetStd[c] + gz::kImageNetMean[c];
      const auto bottom_left =
          batch->images[n][c][7][0].item<float>() * gz::kImageNetStd[c] + gz::kImageNetMean[c];
      BOOST_TEST(top_right == 1.0F, boost::test_tools::tolerance(1e-5F));
      BOOST_TEST(bottom_left == 0.0F, boost::test_tools::tolerance(1e-5F));
    }
  }
}
