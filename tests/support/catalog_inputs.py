#!/usr/bin/env python3
"""Inputs and checks of tests/examples/classify_catalog_cli.sh (Debian's python3 with
astropy, numpy and Pillow): a catalogue of galaxies as CSV and as a FITS binary table, their
images by pattern, and a survey image with a TAN WCS holding the same galaxies.

    catalog_inputs.py make WORK IMAGE...   # IMAGE: rendered galaxy JPEGs (at least 5)
    catalog_inputs.py check_fits OUT.fits CATALOG.fits ROWS
"""
import os
import sys

import numpy as np
from astropy.io import fits
from astropy.table import Table
from astropy.wcs import WCS
from PIL import Image

FIRST_ID = 1237648720693755900  # SDSS-like objids of 19 digits: exact only as integers
CLASSES = ["completely round smooth", "in-between smooth", "cigar-shaped smooth",
           "edge-on disk", "spiral"]


def survey_wcs():
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = [150.0, 2.2]
    w.wcs.crpix = [200.5, 150.5]
    w.wcs.cd = [[-0.4 / 3600, 0], [0, 0.4 / 3600]]
    return w


def make(work, images):
    """Rows 0-3 and 5: galaxies in the survey image (5 at its left edge); row 4 far off it.
    By pattern: rows 0-2 and 5 have their image, row 3's file is damaged, row 4 has none."""
    w = survey_wcs()
    survey = np.random.default_rng(1).normal(10, 1, (300, 400)).astype(np.float32)
    pixels = [(60, 80), (160, 200), (260, 100), (340, 220), None, (3, 150)]
    rows = []
    for i, at in enumerate(pixels):
        objid = FIRST_ID + i
        grey = np.asarray(Image.open(images[i % len(images)]).convert("L"), dtype=np.float32)
        if at is None:
            ra, dec = 151.0, 2.2
        else:
            x, y = at
            ra, dec = (float(v) for v in w.all_pix2world([[x, y]], 0)[0])
            h, wd = grey.shape
            x0, y0 = x - wd // 2, y - h // 2
            # Row 0 of a FITS image is its bottom: flip, so the galaxy looks as in its JPEG.
            sl = np.flipud(grey)[max(0, -y0):, max(0, -x0):]
            survey[max(0, y0):y0 + h, max(0, x0):x0 + wd] += sl[:300 - max(0, y0), :400 - max(0, x0)]
        rows.append((objid, ra, dec, 15.0 + i / 4))
        folder = os.path.join(work, "img", str(objid))
        if i != 4:
            os.makedirs(folder, exist_ok=True)
            target = os.path.join(folder, f"{objid}.jpg")
            if i == 3:
                with open(target, "wb") as out:
                    out.write(b"\xff\xd8 damaged")
            else:
                Image.open(images[i % len(images)]).save(target, quality=95)
    with open(os.path.join(work, "cat.csv"), "w") as out:
        out.write("objid,ra,dec,mag\n")
        for objid, ra, dec, mag in rows:
            out.write(f"{objid},{ra!r},{dec!r},{mag}\n")
    table = Table(rows=rows, names=["objid", "ra", "dec", "mag"], dtype=["i8", "f8", "f8", "f4"])
    table["ra"].unit = "deg"
    table.write(os.path.join(work, "cat.fits"), format="fits", overwrite=True)
    fits.PrimaryHDU(survey, header=w.to_header()).writeto(os.path.join(work, "survey.fits"),
                                                          overwrite=True)
    fits.PrimaryHDU(survey).writeto(os.path.join(work, "no_wcs.fits"), overwrite=True)


def check_fits(out_path, catalog_path, rows):
    out = Table.read(out_path)
    cat = Table.read(catalog_path)
    expected = cat.colnames + ["predicted", "predicted_class"] + ["p_" + c for c in CLASSES]
    assert out.colnames == expected, out.colnames
    assert len(out) == int(rows), len(out)
    assert out["objid"].dtype.newbyteorder("=") == np.int64, out["objid"].dtype
    assert set(out["objid"]) <= set(cat["objid"]), "objids changed"
    assert str(out["ra"].unit) == "deg", out["ra"].unit
    assert out["mag"].dtype.newbyteorder("=") == np.float32, out["mag"].dtype
    for row in out:
        match = cat[cat["objid"] == row["objid"]][0]
        assert row["ra"] == match["ra"] and row["dec"] == match["dec"], row
        p = np.array([row["p_" + c] for c in CLASSES])
        assert abs(p.sum() - 1) < 1e-4, p
        assert row["predicted_class"] == CLASSES[int(np.argmax(p))] == CLASSES[row["predicted"]]


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "check_fits":
        check_fits(*sys.argv[2:5])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
    print("catalog_inputs.py", sys.argv[1], "done")
