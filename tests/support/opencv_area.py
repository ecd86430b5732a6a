#!/usr/bin/env python3
"""Writes OpenCV's results on generated images into a folder, as lossless PNG files, for
test_resample (cv2.resize with INTER_AREA) and test_augment (the original's two
augmentation recipes, computed as its preprocess_augment.py computes them: on floats in
[0, 1], rounded to 8 bits at the end as cv2.imwrite does). cases.json lists the cases."""
import json
import os
import sys

import cv2
import numpy as np


def galaxy(size, seed):
    """A smooth elliptical blob with a little noise, 3 bands, 8 bits: galaxy-like input."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    c = (size - 1) / 2.0
    u, v = (x - c) / (0.30 * size), (y - c) / (0.18 * size)
    angle = rng.uniform(0, np.pi)
    ur = u * np.cos(angle) - v * np.sin(angle)
    vr = u * np.sin(angle) + v * np.cos(angle)
    blob = 230 * np.exp(-(ur ** 2 + vr ** 2))
    bands = [blob * f for f in (1.0, 0.85, 0.7)]
    image = np.stack(bands, axis=2) + rng.normal(0, 4, (size, size, 3))
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def noise(width, height, seed):
    """Uniform 8-bit noise, 3 bands: every pixel differs from its neighbours."""
    return np.random.RandomState(seed).randint(0, 256, (height, width, 3)).astype(np.uint8)


def to_8_bits(image):
    """cv2.imwrite's conversion of a float image: round (half to even), saturate."""
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def recipe(image, angle, scale, window):
    """The original's augmentation of one image (preprocess_augment.py's image_augment)."""
    img = image / 255
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    img = cv2.warpAffine(img, m, (w, h))
    if window:
        img = img[50:206, 50:206, :]
        img = cv2.resize(img, (256, 256), interpolation=cv2.INTER_AREA)
    return to_8_bits(img * 255)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    cases = {"resize": [], "recipe": []}
    # (source width, height, target width, height, kind): enlarging both sides as the
    # augmentation does (156 -> 256), shrinking by whole and fractional factors, identity.
    sizes = [(156, 156, 256, 256, "galaxy"), (156, 156, 256, 256, "noise"),
             (256, 256, 156, 156, "noise"), (64, 48, 16, 12, "noise"),
             (100, 90, 37, 41, "noise"), (17, 23, 50, 61, "noise"), (40, 40, 40, 40, "noise")]
    for k, (sw, sh, dw, dh, kind) in enumerate(sizes):
        source = galaxy(sw, k) if kind == "galaxy" else noise(sw, sh, k)
        out = cv2.resize(source, (dw, dh), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(folder, "resize_%d_in.png" % k), source)
        cv2.imwrite(os.path.join(folder, "resize_%d_out.png" % k), out)
        cases["resize"].append({"input": "resize_%d_in.png" % k, "output": "resize_%d_out.png" % k,
                                "width": dw, "height": dh})
    for k, (angle, scale, window) in enumerate([(130, 0.80, True), (70, 1.15, False)]):
        for seed in (1, 2):
            source = galaxy(256, 100 + seed)
            name = "recipe_%s_%d" % ("a" if window else "b", seed)
            cv2.imwrite(os.path.join(folder, name + "_in.png"), source)
            cv2.imwrite(os.path.join(folder, name + "_out.png"), recipe(source, angle, scale, window))
            cases["recipe"].append({"input": name + "_in.png", "output": name + "_out.png",
                                    "angle": angle, "scale": scale, "crop_and_resize": window})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
