#pragma once
/// @file
/// Images in memory and on disk.
///
/// galaxyzoo::Image is an owned 8-bit buffer, interleaved (row by row, the bands of each
/// pixel together: RGB RGB ...). Files are read and written through libvips, which is
/// confined to src/image.cpp: no libvips type appears in a public header.
///
/// @code
/// galaxyzoo::Image img = galaxyzoo::read_image("images_training_rev1/100008.jpg");
/// std::uint8_t red = img.at(212, 212, 0);
/// galaxyzoo::write_jpeg(img, "copy.jpg", /*quality=*/90);   // atomic
/// @endcode

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace galaxyzoo {

/// An 8-bit image: width x height pixels of `bands` samples each, interleaved.
struct Image {
  int width = 0;                      ///< pixels per row
  int height = 0;                     ///< rows
  int bands = 0;                      ///< samples per pixel (3 for RGB)
  std::vector<std::uint8_t> pixels;   ///< width * height * bands samples

  Image() = default;
  /// A black image of the given size. @throws Error for a non-positive size.
  Image(int width, int height, int bands);

  /// Sample @p band of pixel (@p x, @p y); no bounds check.
  std::uint8_t& at(int x, int y, int band) noexcept {
    return pixels[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) *
                      static_cast<std::size_t>(bands) + static_cast<std::size_t>(band)];
  }
  /// Sample @p band of pixel (@p x, @p y); no bounds check.
  std::uint8_t at(int x, int y, int band) const noexcept { return const_cast<Image&>(*this).at(x, y, band); }
};

/// Decodes the image file at @p path (JPEG, PNG, TIFF, ... whatever libvips reads) to
/// 8 bits per sample. @throws IoError naming the file and libvips' reason.
Image read_image(const std::filesystem::path& path);

/// @p image resampled to @p width x @p height (libvips' resize: area averaging when
/// shrinking, Lanczos-3 interpolation otherwise). @throws Error for a non-positive size.
Image resize(const Image& image, int width, int height);

/// JPEG bytes of @p image at @p quality (1-100). @throws Error if encoding fails.
std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality = 90);

/// Writes @p image as a JPEG file, atomically. @throws IoError if it cannot be written.
void write_jpeg(const Image& image, const std::filesystem::path& path, int quality = 90);

/// Writes @p image as a PNG file, atomically. @throws IoError if it cannot be written.
void write_png(const Image& image, const std::filesystem::path& path);

}  // namespace galaxyzoo
