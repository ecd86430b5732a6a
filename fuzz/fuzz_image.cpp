// libFuzzer target: image decoding, read_image() on any bytes (its JPEG fast path
// through libjpeg-turbo; FITS through cfitsio; PNG and every other format through
// libvips). The last byte of the input chooses the read options, so crops, both stretches,
// the FITS clips and grey-to-RGB are covered.
#include "fuzz_support.hpp"
#include "galaxyzoo/images/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  galaxyzoo::ReadOptions options;
  if (size > 0) {
    const std::uint8_t choice = data[size - 1];
    if (choice & 1) options.crop_width = options.crop_height = 1 + (choice >> 4);
    if (choice & 2) options.stretch = options.fits.display.stretch = galaxyzoo::Stretch::linear;
    if (choice & 4) options.fits.display.clip = galaxyzoo::FitsClip::zscale;
    if (choice & 8) options.fits.grey_to_rgb = true;
  }
  const galaxyzoo::fuzz::InputFile file(data, size, ".img");
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    galaxyzoo::ImageInfo info;
    const galaxyzoo::Image image = galaxyzoo::read_image(file.path(), options, &info);
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.bands)
      std::abort();
    if (options.crop_width > 0 &&
        (image.width != options.crop_width || image.height != options.crop_height)) {
      std::abort();
    }
  });
  return 0;
}
