#pragma once
/// @file
/// How samples of more than 8 bits are mapped to 8 bits for display and for the network:
/// the stretch (Stretch), and for FITS images the clipping range before it and the colour
/// composite of three bands (FitsDisplay). The functions that apply them are in
/// fits_stretch.hpp (FITS) and image.hpp (16-bit PNG and TIFF).

#include <cmath>

namespace galaxyzoo {

/// The curve from the clipped range [low, high] to 0 ... 255.
enum class Stretch {
  linear,  ///< low to 0, high to 255, straight in between
  asinh,   ///< 255 asinh(t / s) / asinh(1 / s) of t = (x - low) / (high - low), s = softening
};

/// How the range [low, high] that is stretched to 0 ... 255 is chosen from the samples
/// (non-finite samples, such as FITS blanks, are left out; they become 0).
enum class FitsClip {
  /// The low_percentile and high_percentile percentiles of the samples (the default:
  /// a hot pixel or a bright star does not squash the galaxy's contrast).
  percentile,
  /// IRAF's zscale: a line fitted to the sorted values of a sample of about 1000 pixels
  /// (iteratively, rejecting outliers), its slope divided by zscale_contrast; the range
  /// is the sample's median -/+ that slope times half the sample (and at most its
  /// smallest and largest values).
  zscale,
  minmax,  ///< the smallest and largest sample (galaxyzoo's behaviour before percentiles)
};

/// How three bands become one RGB image.
enum class FitsComposite {
  /// Lupton et al. (2004, PASP 116, 133): each band minus its minimum; the intensity
  /// I = (r + g + b) / 3 is stretched by asinh(Q I / stretch) / asinh(Q) (white at
  /// I = stretch), and every band is scaled by the same factor, so the colour (the ratios
  /// r : g : b) of each pixel is kept; a pixel brighter than white is scaled down as a
  /// whole, keeping its colour, rather than clipped band by band.
  lupton,
  /// Each band clipped and stretched on its own, as a grey image (colours change).
  per_band,
};

/// Options of the FITS display mapping (fits_stretch.hpp), with their defaults.
struct FitsDisplay {
  FitsClip clip = FitsClip::percentile;  ///< how [low, high] is chosen
  double low_percentile = 0.5;           ///< FitsClip::percentile: lower limit, in %
  double high_percentile = 99.5;         ///< FitsClip::percentile: upper limit, in %
  double zscale_contrast = 0.25;         ///< FitsClip::zscale: IRAF's contrast (0 < c <= 1)
  int zscale_samples = 1000;             ///< FitsClip::zscale: pixels sampled (>= 10)
  Stretch stretch = Stretch::asinh;      ///< the curve from [low, high] to 0 ... 255
  double asinh_softening = 0.02;         ///< s of Stretch::asinh, as a fraction of high - low (> 0)
  FitsComposite composite = FitsComposite::lupton;  ///< how three bands make RGB
  /// Lupton's Q, the softening of the composite's asinh (> 0; small: nearly linear up to
  /// `stretch`; large: the faint parts lifted more). Lupton et al. and astropy use 8.
  double lupton_q = 8.0;
  /// Lupton's stretch: the intensity I, in data units above the minimum, that becomes
  /// white. NaN (the default): the clip method's upper limit of I over the image (the
  /// 99.5th percentile by default), so an image of any units fills the range.
  double lupton_stretch = std::nan("");
  /// Lupton's minimum, subtracted from every band (data units). NaN (the default): each
  /// band's own lower clip limit (its 0.5th percentile by default: the sky).
  double lupton_minimum = std::nan("");
};

}  // namespace galaxyzoo
