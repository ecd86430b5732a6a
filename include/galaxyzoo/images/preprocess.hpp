#pragma once
/// @file
/// The workflow's preprocessing step: centre-crop (and optionally resize) many images. Use
/// a Preprocessor on a list of images, on one machine or one shard per machine.
///
/// @code
/// galaxyzoo::PreprocessOptions options;
/// options.num_workers = 4;
/// options.shard = galaxyzoo::parse_shard("0/8");  // this machine's eighth
/// galaxyzoo::Preprocessor pre(options);
/// galaxyzoo::PreprocessReport report =
///     pre.run(galaxyzoo::list_images("full_galaxy_dataset"), "preprocessed");
/// std::cout << report.summary();
/// if (!report.ok()) return 1;
/// @endcode
///
/// What a user must know:
///  - by default each image is centre-cropped to 256 x 256 without scaling and saved as
///    `<name>_proc.jpg`; Geometry also offers a real resize, or a crop then a resize;
///  - outputs are written atomically, and outputs that are up to date are skipped;
///  - a bad input (truncated, corrupt, not an image, wrong size, grey or 4-band) is reported
///    with its reason and the rest are still processed.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// What the step does to each image.
enum class Geometry {
  center_crop,       ///< cut the centred crop_size square, no scaling (default)
  resize,            ///< scale the whole image to output_size (Lanczos / area averaging)
  crop_then_resize,  ///< cut the centred crop_size square, then scale it to output_size
};

/// One part of a file list split round-robin into `count` parts (file k goes to part
/// k mod count), for fanning a list out over machines.
struct Shard {
  int index = 0;  ///< 0 ... count - 1
  int count = 1;  ///< number of parts
};

/// Parses "i/n" (0 <= i < n). @throws Error naming the text otherwise.
Shard parse_shard(std::string_view text);

/// Options of the preprocessing step.
struct PreprocessOptions {
  Geometry geometry = Geometry::center_crop;  ///< crop, resize, or both
  int crop_size = 256;          ///< side of the centred crop (center_crop, crop_then_resize)
  int output_size = 256;        ///< side after scaling (resize, crop_then_resize)
  int expected_input_size = 0;  ///< > 0: inputs of another size are errors (Kaggle: 424)
  bool proc_suffix = true;      ///< name outputs `<stem>_proc.jpg`; else `<stem>.jpg`
  /// Quality of the output JPEGs; 75 is the original's (Pillow's default; 4:2:0 chroma).
  int jpeg_quality = 75;
  int num_workers = 1;          ///< threads; 0: one per hardware thread
  Shard shard;                  ///< the part of the list to process
  bool skip_up_to_date = true;  ///< skip outputs newer than their input, made with the same options
  ReadOptions read;             ///< how FITS and 16-bit inputs are stretched to 8 bits
  /// Called after each file with (done, total): files of this shard processed so far and
  /// all files in this shard; one call at a time; may be empty.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

/// An input that could not be processed.
struct PreprocessFailure {
  std::filesystem::path file;  ///< the input
  std::string reason;          ///< what was wrong with it
};

/// What Preprocessor::run() did.
struct PreprocessReport {
  std::size_t inputs = 0;                   ///< files in this shard
  std::size_t written = 0;                  ///< outputs written
  std::size_t up_to_date = 0;               ///< outputs already up to date, skipped
  std::vector<PreprocessFailure> failures;  ///< inputs that failed, in list order
  double seconds = 0;                       ///< wall-clock time

  /// True when no input failed.
  bool ok() const noexcept { return failures.empty(); }
  /// A few lines for the terminal: counts, rate, and each failure with its reason.
  std::string summary() const;
};

/// Crops or resizes images, one at a time or many in parallel.
class Preprocessor {
 public:
  /// @throws Error for sizes below 1, a quality outside 1-100 or an invalid shard.
  explicit Preprocessor(PreprocessOptions options = {});

  /// The geometry applied to an image in memory.
  /// @throws Error if the image is smaller than the crop.
  Image apply(const Image& image) const;

  /// Output file name of @p input: `train_class_0_1.jpg` -> `train_class_0_1_proc.jpg`,
  /// `x.fits.fz` -> `x_proc.jpg`.
  std::filesystem::path output_name(const std::filesystem::path& input) const;

  /// Reads, checks and transforms one file, and writes the result atomically.
  /// @throws IoError or Error naming the file and the reason.
  void process_file(const std::filesystem::path& input, const std::filesystem::path& output) const;

  /// Processes this shard of @p inputs into @p output_dir (created if needed). Failures of
  /// single files are collected in the report, not thrown.
  /// @throws IoError only if the output folder cannot be created or written.
  PreprocessReport run(const std::vector<std::filesystem::path>& inputs,
                       const std::filesystem::path& output_dir) const;

  /// The options, as given.
  const PreprocessOptions& options() const noexcept { return options_; }

 private:
  PreprocessOptions options_;
};

/// The image files (.jpg, .jpeg, .png, .tif, .tiff, .fits, .fit, .fits.fz, any case) directly in
/// @p folder whose names start with @p prefix, sorted by name (list_folder()). An image
/// entry that cannot be read (a symbolic-link loop, a dangling link, no read permission)
/// is appended to @p skipped and left out; without @p skipped it is an error.
/// @throws IoError if the folder is missing or cannot be listed, if it holds no such
///         image (nor a skipped one), or for a bad entry when @p skipped is null.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& folder,
                                               std::string_view prefix = "",
                                               std::vector<SkippedEntry>* skipped = nullptr);

}  // namespace galaxyzoo
