#!/usr/bin/env python3
"""Writes astropy's ZScaleInterval limits (IRAF's zscale) on generated samples into a text
file, for test_fits_stretch. Each case is three lines: "contrast count", the float32
samples (NaN allowed, row by row), "low high"."""
import sys

import numpy as np
from astropy.visualization import ZScaleInterval


def sky_with_galaxy(size, seed):
    """Gaussian sky, an elliptical galaxy and a few hot pixels, as float32."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    c = (size - 1) / 2.0
    galaxy = 400 * np.exp(-(((x - c) / (0.2 * size)) ** 2 + ((y - c) / (0.1 * size)) ** 2))
    image = 100 + rng.normal(0, 5, (size, size)) + galaxy
    image[rng.randint(0, size, 3), rng.randint(0, size, 3)] = 60000
    return image.astype(np.float32)


def cases():
    sky = sky_with_galaxy(64, 1)
    yield 0.25, sky
    blanked = sky.copy()
    blanked[::7, ::5] = np.nan
    yield 0.25, blanked
    yield 0.5, sky_with_galaxy(50, 2)  # 2500 samples: a stride of 2
    yield 0.25, sky_with_galaxy(200, 3)  # 40000 samples: a stride of 40
    ramp = np.arange(30, dtype=np.float32) * 3
    ramp[[4, 17]] = [900, -500]
    yield 1.0, ramp
    yield 0.25, np.full(40, 7.0, dtype=np.float32)


def main():
    with open(sys.argv[1], "w") as out:
        for contrast, samples in cases():
            values = samples.ravel()
            low, high = ZScaleInterval(contrast=contrast).get_limits(samples)
            out.write(f"{contrast} {values.size}\n")
            out.write(" ".join("nan" if np.isnan(v) else repr(float(v)) for v in values) + "\n")
            out.write(f"{float(low)!r} {float(high)!r}\n")


if __name__ == "__main__":
    main()
