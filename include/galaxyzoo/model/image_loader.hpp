#pragma once
/// @file
/// Batches of labelled galaxy images as tensors, prepared ahead on background threads. Use
/// an ImageLoader to feed training or evaluation; list_labeled_images() finds the
/// `{split}_class_{label}_{counter}_proc.jpg` files of a preprocessed folder.
///
/// @code
/// std::vector<galaxyzoo::LabeledImage> train =
///     galaxyzoo::list_labeled_images("preprocessed", {"train"});
/// galaxyzoo::ImageLoaderOptions options;
/// options.image_size = 256;
/// options.batch_size = 32;
/// options.train_transforms = true;
/// galaxyzoo::ImageLoader loader(train, options);
/// loader.start_epoch(0);
/// while (auto batch = loader.next()) model->forward(batch->images.to(device));
/// @endcode
///
/// What a user must know:
///  - images are decoded (read_image() with ImageLoaderOptions::read; a single-band FITS
///    image becomes grey RGB), resized to image_size if needed, scaled to [0, 1] and
///    normalised with kImageNetMean and kImageNetStd;
///  - train_transforms adds colour jitter (brightness factor in [0, 1.2], contrast factor
///    in [0.2, 1.8] by default) and random horizontal and vertical flips, optionally
///    any-angle rotations; evaluation batches are left as they are;
///  - every random choice comes from a generator seeded by (seed, epoch, image), so an
///    epoch's batches are the same whatever the number of threads, and a run resumed in the
///    middle of an epoch sees the same batches;
///  - a cache keeps decoded images in memory within cache_bytes (by default an eighth of
///    physical memory), so that a data set that fits is decoded only once.

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/core/memory.hpp"
#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// One image file and its class.
struct LabeledImage {
  std::filesystem::path file;  ///< the image
  int label = 0;               ///< its class
  /// Its soft target, a distribution over the classes (SoftTargets::of()), or empty.
  /// Either every image of a loader has one, all of the same length, or none has.
  std::vector<float> target;
};

/// The `{split}_class_{label}_{counter}[_proc].jpg` files (and `.fits`, `.fits.fz` FITS
/// images in place of `.jpg`) of the given splits ("train", "val", "test") in @p folder,
/// sorted by name (list_folder()).
/// @throws IoError if the folder is missing or cannot be listed, or naming such a file
///         that cannot be read (a symbolic-link loop, a dangling link, no read
///         permission); Error for an unknown split name.
std::vector<LabeledImage> list_labeled_images(const std::filesystem::path& folder,
                                              const std::vector<std::string>& splits);

/// Options of ImageLoader.
struct ImageLoaderOptions {
  int image_size = 256;  ///< side of the tensors; other images are resized
  int center_crop = 0;   ///< > 0: first cut the centred square of this side (raw 424 cutouts: 256)
  /// How files are decoded: FITS HDU, clipping and composites (read.fits). The loader sets
  /// the crop from center_crop and reads a single-band FITS image as grey RGB.
  ReadOptions read;
  std::size_t batch_size = 32;  ///< images per batch (the last batch may be smaller)
  /// Leave out the last batch of an epoch when it is smaller than batch_size (and
  /// another batch exists), as training wants: BatchNorm cannot train on one image, and
  /// with shuffle a different remainder is left out every epoch.
  bool drop_last = false;
  bool shuffle = false;              ///< a new order every epoch (seeded)
  bool train_transforms = false;     ///< colour jitter and flips (training)
  bool rotations = false;            ///< with train_transforms: also rotate by any angle
  double brightness_min = 0.0;       ///< colour jitter: brightness factor range
  double brightness_max = 1.2;       ///< colour jitter: brightness factor range
  double contrast_min = 0.2;         ///< colour jitter: contrast factor range
  double contrast_max = 1.8;         ///< colour jitter: contrast factor range
  std::uint64_t seed = 123;          ///< order and transforms follow from it and the epoch
  int num_workers = 2;               ///< decoding threads (0: one per hardware thread)
  std::size_t prefetch_batches = 4;  ///< batches prepared ahead of the one in use
  /// Keep decoded images (at image_size, before transforms) in memory up to this many
  /// bytes: the first ones decoded that fit, so batches are the same with or without the
  /// cache. Default default_image_cache_mb() MiB (memory.hpp: an eighth of physical
  /// memory); 0: no cache, decode every image every epoch.
  std::size_t cache_bytes = default_image_cache_mb() << 20;
  bool pin_memory = false;  ///< page-locked batches, for fast non-blocking copies to CUDA
  /// Data-parallel training: this process's rank among world_size processes (default 0
  /// of 1: all images). Every rank computes the same order of the whole epoch and takes
  /// every world_size-th image of it starting at its rank, so the shards are disjoint
  /// and cover the epoch. With drop_last the order is cut to a multiple of world_size;
  /// without, it is padded by repeating its first images; either way every rank runs
  /// the same number of batches, and batch b of all ranks together holds the images of
  /// batch b of one process with world_size times the batch size.
  int rank = 0;
  int world_size = 1;  ///< number of data-parallel processes; see rank
};

/// One batch: normalised images [n, 3, image_size, image_size] (float) and labels [n] (int64).
struct Batch {
  torch::Tensor images;  ///< float, normalised with the ImageNet mean and std
  torch::Tensor labels;  ///< int64 class indices
  /// float [n, num_classes]: the images' soft targets (LabeledImage::target); undefined
  /// when the images have none.
  torch::Tensor targets;
};

/// Decodes, transforms and batches images on background threads.
class ImageLoader {
 public:
  /// @throws Error if @p images is empty, an option is out of range, rank is not in
  ///         [0, world_size), or some images have soft targets and others none (or of
  ///         another length).
  ImageLoader(std::vector<LabeledImage> images, ImageLoaderOptions options);
  ~ImageLoader();
  ImageLoader(const ImageLoader&) = delete;
  ImageLoader& operator=(const ImageLoader&) = delete;

  /// Number of images (all ranks').
  std::size_t size() const noexcept;
  /// Number of images this rank reads in an epoch (size() with world_size 1).
  std::size_t shard_size() const noexcept;
  /// Number of batches in an epoch (of this rank's shard).
  std::size_t batches_per_epoch() const noexcept;
  /// The images, in the order given.
  const std::vector<LabeledImage>& images() const noexcept;

  /// Starts (or restarts) epoch @p epoch at batch @p first_batch: its order and
  /// transforms follow from the seed and @p epoch alone, so a run resumed in the middle
  /// of an epoch sees the same batches as one that never stopped.
  void start_epoch(std::int64_t epoch, std::size_t first_batch = 0);
  /// The next batch of the epoch, or nothing at its end.
  /// @throws IoError naming the file if an image cannot be decoded; InputError naming it
  ///         if it is not RGB.
  std::optional<Batch> next();

  /// Bytes of decoded images held in the cache.
  std::size_t cached_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The ImageNet channel means (R, G, B) that pretrained VGG16 weights expect.
inline constexpr float kImageNetMean[3] = {0.485f, 0.456f, 0.406f};
/// The ImageNet channel standard deviations (R, G, B).
inline constexpr float kImageNetStd[3] = {0.229f, 0.224f, 0.225f};

}  // namespace galaxyzoo
