#pragma once
/// @file
/// Augmentation of rare classes: new training images made by affine transforms of a
/// class's preprocessed training images. Use Augmenter::run() offline (files), or
/// Augmenter::augment() online (images in memory, for a data loader).
///
/// @code
/// galaxyzoo::Augmenter augmenter;  // the default recipes
/// std::vector<std::filesystem::path> inputs =
///     galaxyzoo::augmentation_inputs("preprocessed", "class_3");
/// galaxyzoo::AugmentReport report =
///     augmenter.run(inputs, /*num=*/15, "preprocessed", "train_class_3");
/// // wrote train_class_3_4000_proc.jpg ... train_class_3_4014_proc.jpg
///
/// galaxyzoo::Rng rng(1);
/// galaxyzoo::AugmenterOptions online;
/// online.any_angle = true;
/// online.flips = true;
/// galaxyzoo::Image rotated = galaxyzoo::Augmenter(online).augment(image, rng);
/// @endcode
///
/// What a user must know:
///  - the default recipes are the original's: with probability 0.51 rotate by 130 degrees
///    about the centre with scale 0.80, cut rows and columns 50 to 205 inclusive (156 of
///    256 pixels) and resize back to 256 x 256 by pixel-area averaging (OpenCV's
///    INTER_AREA); else rotate by 70 degrees with scale 1.15; pixels from outside the
///    source are black; files are JPEG at quality 95 (OpenCV's default). The window, the
///    resampling and the quality are options (galaxyzoo's earlier 50..204, Lanczos-3 and 90 are one
///    setting away);
///  - options add any-angle rotation, flips, zoom and shifts (all off by default);
///  - run() cycles through its inputs and numbers new files from 4000; output i depends only
///    on the seed and i, so runs are reproducible, parallel and resumable.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/images/resample.hpp"

namespace galaxyzoo {

/// One drawn transform: flips, then rotation and scaling about the centre with a shift,
/// then (recipe A) the central window resized back to full size.
struct Augmentation {
  double angle = 0;              ///< degrees, counter-clockwise as seen on the image
  double scale = 1;              ///< > 1 enlarges
  double shift_x = 0;            ///< fraction of the width, to the right
  double shift_y = 0;            ///< fraction of the height, down
  bool flip_horizontal = false;  ///< mirror left-right first
  bool flip_vertical = false;    ///< mirror top-bottom first
  bool crop_and_resize = false;  ///< cut the window and resize it back to full size
  /// First row and column of the window, in pixels of a 256-pixel image (scaled to the
  /// image's size, rounded to the nearest pixel).
  int window_first = 50;
  int window_last = 205;  ///< last row and column of the window (inclusive), likewise
  Resampling resampling = Resampling::area;  ///< how the window is brought back to full size
};

/// How transforms are drawn and files written.
struct AugmenterOptions {
  // The default recipes.
  double recipe_a_probability =
      0.51;  ///< rotate 130, scale 0.80, crop + resize; else rotate 70, scale 1.15
  // Extras (all off by default).
  bool any_angle = false;  ///< add a uniform random angle in [0, 360) to the recipe's
  bool flips = false;      ///< flip left-right and top-bottom, each with probability 0.5
  double max_zoom = 0;     ///< multiply the scale by 1 + uniform(-max_zoom, max_zoom)
  double max_shift = 0;    ///< shift by uniform(-max_shift, max_shift) of the image size
  // Recipe A's window and resampling (the original's by default).
  int window_first = Augmentation{}.window_first;  ///< first row and column, of 256 (0-255)
  /// Last row and column, inclusive (205: 156 pixels; 204: galaxyzoo's earlier 155).
  int window_last = Augmentation{}.window_last;
  /// area (OpenCV's INTER_AREA) or lanczos3.
  Resampling resampling = Augmentation{}.resampling;
  // Offline runs.
  std::uint64_t seed = 10;  ///< output i is drawn from a generator seeded by (seed, i)
  int first_number = 4000;  ///< number of the first new file
  int jpeg_quality = 95;    ///< of the written files (95: OpenCV's default, the original's)
  bool proc_suffix = true;  ///< name files `<prefix>_<n>_proc.jpg`; else `<prefix>_<n>.jpg`
  int num_workers = 1;      ///< threads; 0: one per hardware thread
  /// Called after each file with (done, total): files written so far and all files to
  /// write; one call at a time; may be empty.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

/// What Augmenter::run() did.
struct AugmentReport {
  std::size_t written = 0;                   ///< new files written
  std::size_t up_to_date = 0;                ///< files already there from an identical run
  std::vector<std::filesystem::path> files;  ///< all outputs, in number order
  /// The input each output was made from (sources[i] for files[i]), e.g. to give an
  /// augmented copy its source's soft target (inherited_soft_targets()).
  std::vector<std::filesystem::path> sources;
  double seconds = 0;  ///< wall-clock time
};

/// Draws and applies augmentations, in memory or over files.
class Augmenter {
 public:
  /// @throws Error for a probability outside [0, 1], negative zoom or shift, a quality
  ///         outside 1-100, a negative first_number or a window that is not
  ///         0 <= window_first <= window_last <= 255.
  explicit Augmenter(AugmenterOptions options = {});

  /// Draws one transform from @p rng.
  Augmentation draw(Rng& rng) const;
  /// Applies @p t to @p image: bilinear interpolation, black outside the source; the
  /// result has the size of the input. @throws Error for an empty image or a window
  /// that is empty at this image's size.
  static Image apply(const Image& image, const Augmentation& t);
  /// draw() then apply().
  Image augment(const Image& image, Rng& rng) const { return apply(image, draw(rng)); }

  /// Makes @p num new images from @p inputs (cycling through them in order) into
  /// @p output_dir, named `<name_prefix>_<first_number + i>_proc.jpg`. A file already
  /// there from a run with the same options and inputs is kept, so an interrupted run
  /// resumes where it stopped.
  /// @throws Error if @p inputs is empty; IoError naming the file if an input cannot be
  ///         read or an output written.
  AugmentReport run(const std::vector<std::filesystem::path>& inputs, std::size_t num,
                    const std::filesystem::path& output_dir, const std::string& name_prefix) const;

  /// The options, as given.
  const AugmenterOptions& options() const noexcept { return options_; }

 private:
  AugmenterOptions options_;
};

/// Removes what Augmenter::run() wrote into @p folder under @p name_prefix: the files
/// `<name_prefix>_<n>_proc.jpg` and `<name_prefix>_<n>.jpg` with n >= @p first_number,
/// and its record of options. Returns the number of images removed. Used before a run
/// with other settings (fewer images, another seed), whose outputs must not mix with
/// these. @throws IoError if the folder cannot be listed or a file removed.
std::size_t remove_augmented(const std::filesystem::path& folder, const std::string& name_prefix,
                             int first_number = 4000);

/// The preprocessed training images of one class in @p folder
/// (`train_<class_str>_<n>_proc.jpg`, e.g. class_str "class_3"), without earlier
/// augmentation outputs (numbers >= @p first_number), sorted by number (list_folder()).
/// @throws IoError if the folder is missing or cannot be listed, or naming such a file
///         that cannot be read (a symbolic-link loop, a dangling link, no read permission).
std::vector<std::filesystem::path> augmentation_inputs(const std::filesystem::path& folder,
                                                       const std::string& class_str,
                                                       int first_number = 4000);

}  // namespace galaxyzoo
