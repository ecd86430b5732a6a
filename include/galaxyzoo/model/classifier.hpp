#pragma once
/// @file
/// Classifying galaxies with a trained model: one object, one call per batch.
///
/// This is the part of galaxyzoo most programs will call: load the file train_model
/// wrote, then ask for class probabilities of images in memory, of image files, or of a
/// batch of tensors. Test-time augmentation (tta) averages the probabilities over the 8
/// flips and 90-degree rotations of each image, which a galaxy's class does not depend on.
///
/// @code
/// galaxyzoo::GalaxyClassifier classifier("final_vgg16_model.pt");     // CUDA if present
/// galaxyzoo::ClassifyOptions options;
/// options.tta = true;
/// auto probabilities = classifier.classify_files({"100008_proc.jpg", "100023_proc.jpg"}, options);
/// // probabilities[i][k]: galaxy i belongs to class_names()[k]
/// @endcode

#include <torch/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace galaxyzoo {

/// How classify_files() prepares files.
struct ClassifyOptions {
  std::size_t batch_size = 32;  ///< images per forward pass
  bool tta = false;             ///< average over the 8 flips and 90-degree rotations
  int center_crop = 0;  ///< > 0: cut the centred square of this side first (raw 424 cutouts: 256)
  int num_workers = 2;  ///< decoding threads
  /// How files are decoded (ImageLoaderOptions::read): FITS HDU, clipping, composites; a
  /// single-band FITS image is classified as grey RGB.
  ReadOptions read;
};

/// A trained VGG16Classifier ready to classify.
class GalaxyClassifier {
 public:
  /// Loads a file written by save_classifier() onto @p device ("auto", "cpu", "cuda:N").
  /// @throws Error or IoError as load_classifier() and select_device() do.
  explicit GalaxyClassifier(const std::filesystem::path& model_file,
                            std::string_view device = "auto");
  /// Wraps a model in memory.
  /// @throws Error if the number of class names is not the model's number of classes.
  GalaxyClassifier(VGG16Classifier model, std::vector<std::string> class_names,
                   torch::Device device = torch::kCPU);

  /// Class probabilities [n, classes] of normalised images [n, 3, S, S] (as ImageLoader
  /// makes them; S = image_size()).
  torch::Tensor probabilities(const torch::Tensor& images, bool tta = false);
  /// Class probabilities of decoded RGB images of any size (resized to image_size()).
  /// @throws Error for an image that does not have 3 bands.
  std::vector<std::vector<float>> classify(const std::vector<Image>& images, bool tta = false);
  /// Class probabilities of image files, decoded on background threads.
  /// @throws IoError naming a file that cannot be decoded.
  std::vector<std::vector<float>> classify_files(const std::vector<std::filesystem::path>& files,
                                                 const ClassifyOptions& options = {});

  /// Class names, by label.
  const std::vector<std::string>& class_names() const noexcept { return class_names_; }
  /// Side of the images the model takes.
  int image_size() const noexcept;
  /// The device it runs on.
  const torch::Device& device() const noexcept { return device_; }

 private:
  VGG16Classifier model_;
  std::vector<std::string> class_names_;
  torch::Device device_;
};

}  // namespace galaxyzoo
