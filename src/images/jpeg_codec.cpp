#include "images/jpeg_codec.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// jpeglib.h needs size_t and FILE declared first (cstdio above).
#include <jpeglib.h>

#include "galaxyzoo/core/error.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// libjpeg reports errors by calling error_exit(), which must not return. C++ exceptions
// must not unwind through libjpeg's C frames, so error_exit() longjmps back to
// jpeg_guarded(), which turns the jump into a `false` result; the caller then throws.
// longjmp skips destructors, so nothing between setjmp and the libjpeg calls (the lambdas
// passed to jpeg_guarded) may own memory: buffers are allocated outside, before the call.

struct JpegErrors {
  jpeg_error_mgr manager;  // first member: libjpeg only sees a pointer to this
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = "";
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// libjpeg calls this for warnings (level -1) and trace messages (level >= 0). A warning
// means corrupt or truncated data ("Premature end of JPEG file", "Corrupt JPEG data: ..."),
// after which libjpeg goes on and returns grey or smeared pixels: treat it as an error.
void jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0) jpeg_fail(cinfo);
}

JpegErrors* install_errors(JpegErrors& errors) {
  jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_fail;
  errors.manager.emit_message = jpeg_message;
  return &errors;
}

// Runs @p step (libjpeg calls only); false if libjpeg reported an error or a warning.
template <class Step>
bool jpeg_guarded(JpegErrors& errors, Step&& step) {
  if (setjmp(errors.jump) != 0) return false;
  step();
  return true;
}

// A jpeg_decompress_struct that is destroyed with its owner, and the file it reads.
struct JpegDecoder {
  jpeg_decompress_struct cinfo{};
  JpegErrors errors;
  bool created = false;
  const fs::path& path;

  explicit JpegDecoder(const fs::path& path_) : path(path_) {
    cinfo.err = &install_errors(errors)->manager;
  }
  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
  JpegDecoder(const JpegDecoder&) = delete;
  JpegDecoder& operator=(const JpegDecoder&) = delete;

  // The error libjpeg reported, naming the file.
  IoError failure() const {
    return IoError(path, std::string("cannot decode JPEG: ") + errors.message);
  }
};

// A jpeg_compress_struct that is destroyed with its owner, with its in-memory output.
struct JpegEncoder {
  jpeg_compress_struct cinfo{};
  JpegErrors errors;
  bool created = false;
  unsigned char* buffer = nullptr;  // malloc'ed by jpeg_mem_dest, ours to free
  unsigned long size = 0;

  JpegEncoder() { cinfo.err = &install_errors(errors)->manager; }
  ~JpegEncoder() {
    if (created) jpeg_destroy_compress(&cinfo);
    std::free(buffer);
  }
  JpegEncoder(const JpegEncoder&) = delete;
  JpegEncoder& operator=(const JpegEncoder&) = delete;
};

void read_header(JpegDecoder& d, const std::vector<std::uint8_t>& bytes) {
  j_decompress_ptr cinfo = &d.cinfo;
  if (!jpeg_guarded(d.errors, [&] {
        jpeg_create_decompress(cinfo);
        d.created = true;
        jpeg_mem_src(cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
        jpeg_read_header(cinfo, TRUE);
      })) {
    throw d.failure();
  }
}

// Starts decompressing @p region of an image @p width pixels wide; returns the first
// column libjpeg decodes.
//
// Decodes as stored: grey stays 1 band and CMYK 4 (libjpeg's defaults); only YCbCr
// becomes RGB. Default IDCT (JDCT_ISLOW) and fancy upsampling, as Pillow and libvips.
// Columns: libjpeg decodes whole iMCU columns (8 or 16 pixels), so jpeg_crop_scanline()
// moves the left edge down to one and read_rows() cuts the extra columns. The fancy
// upsampling treats the edges of a cropped row as image edges, which changes the chroma
// of the outermost pixel on each side (see libjpeg.txt, "Decompressing partial
// scanlines"); asking for one more pixel on each side keeps the crop identical to the
// same region of a full decode.
JDIMENSION start_decompress(JpegDecoder& d, const PixelRegion& region, int width) {
  j_decompress_ptr cinfo = &d.cinfo;
  JDIMENSION decoded_left = 0;
  if (!jpeg_guarded(d.errors, [&] {
        jpeg_start_decompress(cinfo);
        if (region.width < width) {
          decoded_left = static_cast<JDIMENSION>(std::max(region.left - 1, 0));
          auto decoded_width =
              static_cast<JDIMENSION>(std::min(region.left + region.width + 1, width)) -
              decoded_left;
          jpeg_crop_scanline(cinfo, &decoded_left, &decoded_width);
        }
      })) {
    throw d.failure();
  }
  return decoded_left;
}

// Reads the rows of @p region (decoded from column @p decoded_left on), then the rest of
// the file.
Image read_rows(JpegDecoder& d, const PixelRegion& region, JDIMENSION decoded_left) {
  j_decompress_ptr cinfo = &d.cinfo;
  const int bands = cinfo->output_components;
  const std::size_t out_row = static_cast<std::size_t>(region.width) * bands;
  const std::size_t skip_bytes =
      static_cast<std::size_t>(region.left - static_cast<int>(decoded_left)) * bands;
  Image out(region.width, region.height, bands);
  std::uint8_t* const out_pixels = out.pixels.data();
  // Rows go straight into the image when they are exactly its rows; otherwise through
  // `row`, from which the crop's columns are copied. (A copy costs about 10 % of a 424 x
  // 424 decode, so the whole-image case avoids it.)
  const bool direct =
      skip_bytes == 0 && cinfo->output_width == static_cast<JDIMENSION>(region.width);
  std::vector<std::uint8_t> row(static_cast<std::size_t>(cinfo->output_width) * bands);
  JSAMPROW row_pointer = row.data();

  if (!jpeg_guarded(d.errors, [&] {
        // Rows above the crop are entropy-decoded only (no IDCT, no colour conversion).
        if (region.top > 0) jpeg_skip_scanlines(cinfo, static_cast<JDIMENSION>(region.top));
        for (int y = 0; y < region.height; ++y) {
          JSAMPROW out_row_start = out_pixels + static_cast<std::size_t>(y) * out_row;
          if (direct) {
            jpeg_read_scanlines(cinfo, &out_row_start, 1);
          } else {
            jpeg_read_scanlines(cinfo, &row_pointer, 1);
            std::memcpy(out_row_start, row.data() + skip_bytes, out_row);
          }
        }
        // The rows below the crop still have to be read, so that a truncated or corrupt
        // end of the file is reported rather than silently ignored. Skip all but the last:
        // skipping to the very end would mark the file complete without reading it.
        const JDIMENSION remaining = cinfo->output_height - cinfo->output_scanline;
        if (remaining > 1) jpeg_skip_scanlines(cinfo, remaining - 1);
        if (remaining > 0) jpeg_read_scanlines(cinfo, &row_pointer, 1);
        jpeg_finish_decompress(cinfo);
      })) {
    throw d.failure();
  }
  return out;
}

}  // namespace

bool is_jpeg_signature(std::string_view bytes) noexcept {
  return bytes.size() >= 3 && bytes[0] == '\xFF' && bytes[1] == '\xD8' && bytes[2] == '\xFF';
}

Image decode_jpeg(const fs::path& path, const std::vector<std::uint8_t>& bytes,
                  const ChooseRegion& choose_region) {
  JpegDecoder d(path);
  read_header(d, bytes);
  const int width = static_cast<int>(d.cinfo.image_width);
  const PixelRegion region =
      choose_region(width, static_cast<int>(d.cinfo.image_height), d.cinfo.num_components);
  const JDIMENSION decoded_left = start_decompress(d, region, width);
  return read_rows(d, region, decoded_left);
}

std::vector<std::uint8_t> compress_jpeg(const Image& image, int quality) {
  JpegEncoder e;
  j_compress_ptr cinfo = &e.cinfo;
  const std::size_t row_bytes = static_cast<std::size_t>(image.width) * image.bands;
  auto* const pixels = const_cast<std::uint8_t*>(image.pixels.data());  // libjpeg only reads them
  const bool ok = jpeg_guarded(e.errors, [&] {
    jpeg_create_compress(cinfo);
    e.created = true;
    jpeg_mem_dest(cinfo, &e.buffer, &e.size);
    cinfo->image_width = static_cast<JDIMENSION>(image.width);
    cinfo->image_height = static_cast<JDIMENSION>(image.height);
    cinfo->input_components = image.bands;
    cinfo->in_color_space = image.bands == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    // The same files libvips' jpegsave wrote before (Q, default subsampling "auto"):
    // 4:2:0 chroma below quality 90, none from 90 up.
    if (quality >= 90) {
      for (int c = 0; c < cinfo->num_components; ++c) {
        cinfo->comp_info[c].h_samp_factor = 1;
        cinfo->comp_info[c].v_samp_factor = 1;
      }
    }
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
      JSAMPROW row = pixels + cinfo->next_scanline * row_bytes;
      jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
  });
  if (!ok) throw Error(std::string("cannot encode image as JPEG: ") + e.errors.message);
  return std::vector<std::uint8_t>(e.buffer, e.buffer + e.size);
}

}  // namespace galaxyzoo
