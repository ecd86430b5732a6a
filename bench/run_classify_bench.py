#!/usr/bin/python3
"""classify on the CPU: images/s over a catalogue of JPEG cutouts and over cutouts of a FITS
survey image, beside the network's forward rate and the decoding's rate measured apart.

    bench/run_classify_bench.py --build build

Everything is made in --work (default BUILD/bench_classify_data) on the first run and
reused after:
  - a model with random weights at --image_size (256) px (bench_classify --mode model):
    classify spends the same time on it as on a trained one;
  - JPEG cutouts: make_test_dataset's 424 x 424 galaxies, and a catalogue CSV of --images
    rows with columns objid, ra, dec, r_mag (objid names the image: --image_pattern
    '{id}.jpg');
  - a FITS survey image (one band, float32, a TAN WCS at 0.396 arcsec/px) with a galaxy
    at each of --images catalogue positions, and its catalogue CSV (objid, ra, dec,
    r_mag), written with astropy under /usr/bin/python3.

Then, --rounds times in a rotated order (medians reported):
  - network: bench_classify --mode forward, GalaxyClassifier::probabilities on random
    batches of --batch_size at the model's size, no decoding;
  - decode: bench_classify --mode decode, each catalogue's images made as classify
    --catalog makes them (the same image flags: the JPEGs by --image_pattern with the
    centre crop --crop, the survey cutouts by ra and dec), no network;
  - classify --catalog over each catalogue (--num_workers 0 and --threads 0: one thread
    per core), once with all rows and once with the first row only:
    images/s is (rows - 1) over the difference of the two wall times, so process
    start-up and the model's loading (the second run's time, reported as "fixed") drop
    out.
classify makes a batch's images, then classifies them, so the two times add up; the
decoding must not be the bottleneck: decode / network of at least 3 (issue 16).
For every process the runner reports how many cores other programs kept busy meanwhile
(run_training_bench.py's measure); the table is printed for docs/benchmarks.md. Nothing
here is a test, and no test asserts on timings.
"""

import argparse
import csv
import json
import math
import os
import platform
import statistics
import sys
import time

from benchlib import cpu_model, write_json
from run_training_bench import run, run_json

PIXEL_SCALE_ARCSEC = 0.396  # SDSS's
SURVEY_CENTRE = (150.1, 2.2)  # ra, dec in degrees


def program(build, name):
    for sub in ("examples", "bench"):
        path = os.path.join(build, sub, name)
        if os.path.exists(path):
            return path
    sys.exit("run_classify_bench: no {} in {} (cmake --build {} --target {})".format(
        name, build, build, name))


def write_catalogue(path, rows):
    """rows: (objid, ra, dec, r_mag); written atomically."""
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["objid", "ra", "dec", "r_mag"])
        for objid, ra, dec, mag in rows:
            w.writerow([objid, "{:.7f}".format(ra), "{:.7f}".format(dec), "{:.2f}".format(mag)])
    os.replace(path + ".tmp", path)


def make_jpegs(build, work, n):
    """make_test_dataset's 424 x 424 JPEGs; a catalogue of n of them. Returns (folder, catalogue)."""
    data = os.path.join(work, "jpeg")
    images = os.path.join(data, "images_training_rev1")
    if not os.path.isdir(images) or len(os.listdir(images)) < n:
        run([program(build, "make_test_dataset"), "--output_dir", data, "--per_class",
             str(math.ceil(n / 5)), "--unlabeled", "0", "--seed", "1", "--replace", "--quiet"],
            what="make_test_dataset")
    ids = sorted(int(f.split(".")[0]) for f in os.listdir(images) if f.endswith(".jpg"))[:n]
    rows = [(i, SURVEY_CENTRE[0] + 0.01 * k, SURVEY_CENTRE[1], 17.0) for k, i in enumerate(ids)]
    catalogue = os.path.join(work, "jpeg_catalogue_{}.csv".format(n))
    write_catalogue(catalogue, rows)
    return images, catalogue


def make_survey(work, n, cutout):
    """A one-band FITS image with a TAN WCS and a galaxy at each of n positions, and their
    catalogue. Returns (image, catalogue)."""
    import numpy as np
    from astropy.io import fits
    from astropy.wcs import WCS

    image_path = os.path.join(work, "survey_{}.fits".format(n))
    catalogue = os.path.join(work, "survey_catalogue_{}.csv".format(n))
    if os.path.exists(image_path) and os.path.exists(catalogue):
        return image_path, catalogue
    per_row = math.ceil(math.sqrt(n))
    spacing = cutout + 64
    side = per_row * spacing + spacing
    rng = np.random.default_rng(1)
    pixels = rng.normal(100.0, 5.0, (side, side)).astype(np.float32)  # sky and its noise
    yy, xx = np.mgrid[0:cutout, 0:cutout].astype(np.float32)
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = list(SURVEY_CENTRE)
    wcs.wcs.crpix = [side / 2 + 0.5, side / 2 + 0.5]
    wcs.wcs.cdelt = [-PIXEL_SCALE_ARCSEC / 3600, PIXEL_SCALE_ARCSEC / 3600]
    rows = []
    for k in range(n):
        x0 = spacing + (k % per_row) * spacing  # 0-based pixel centre of galaxy k
        y0 = spacing + (k // per_row) * spacing
        scale = rng.uniform(4, 20)
        q = rng.uniform(0.2, 1.0)
        angle = rng.uniform(0, math.pi)
        dx, dy = xx - cutout / 2, yy - cutout / 2
        u = dx * math.cos(angle) + dy * math.sin(angle)
        v = (-dx * math.sin(angle) + dy * math.cos(angle)) / q
        flux = rng.uniform(200, 2000)
        stamp = flux * np.exp(-np.sqrt(u * u + v * v) / scale)
        pixels[y0 - cutout // 2:y0 + cutout // 2, x0 - cutout // 2:x0 + cutout // 2] += stamp
        ra, dec = wcs.all_pix2world([[x0, y0]], 0)[0]
        rows.append((1000000 + k, float(ra), float(dec), 22.5 - 2.5 * math.log10(flux)))
    header = wcs.to_header()
    header["BUNIT"] = "counts"
    fits.PrimaryHDU(pixels, header=header).writeto(image_path + ".tmp", overwrite=True, output_verify="exception")
    os.replace(image_path + ".tmp", image_path)
    write_catalogue(catalogue, rows)
    return image_path, catalogue


def first_rows(catalogue, count):
    """A copy of catalogue with its first count rows."""
    path = catalogue.replace(".csv", "_first{}.csv".format(count))
    with open(catalogue) as f:
        lines = f.readlines()
    with open(path, "w") as f:
        f.writelines(lines[:count + 1])
    return path


def classify_pair(build, model, catalogue, flags, work):
    """classify over all rows and over the first: images/s net of the fixed cost."""
    def once(table):
        command = [program(build, "classify"), "--model", model, "--device", "cpu", "--output",
                   os.path.join(work, "predictions.csv"), "--catalog", table, "--quiet"] + flags
        _, _, seconds, others = run(command, what="classify")
        return seconds, others

    with open(catalogue) as f:
        rows = sum(1 for _ in f) - 1
    full, others_full = once(catalogue)
    one, others_one = once(first_rows(catalogue, 1))
    return {"rows": rows, "seconds": full, "fixed_seconds": one,
            "images_per_second": (rows - 1) / max(full - one, 1e-9), "others": max(others_full, others_one)}


def measure(args, build, work):
    """Makes the inputs, then runs every measurement --rounds times; returns the results."""
    bench = program(build, "bench_classify")
    model = os.path.join(work, "model_{}.pt".format(args.image_size))
    if not os.path.exists(model):
        run([bench, "--mode", "model", "--image_size", str(args.image_size), "--output", model],
            what="bench_classify --mode model")
    jpeg_dir, jpeg_catalogue = make_jpegs(build, work, args.images)
    survey, survey_catalogue = make_survey(work, args.images, args.image_size)
    common = ["--batch_size", str(args.batch_size), "--num_workers", "0"]
    # The same image options for bench_classify --mode decode and classify.
    jpeg = ["--catalog", jpeg_catalogue, "--id_column", "objid", "--input_dir", jpeg_dir,
            "--image_pattern", "{id}.jpg", "--crop", str(args.crop)]
    fits = ["--catalog", survey_catalogue, "--id_column", "objid", "--survey_image", survey,
            "--cutout_pixels", str(args.image_size)]
    decode = [bench, "--mode", "decode", "--model", model, "--repeats", "3"] + common

    tasks = {
        "network": lambda: run_json([bench, "--mode", "forward", "--model", model, "--repeats", "3",
                                      "--batch_size", str(args.batch_size)],
                                     what="bench_classify --mode forward"),
        "decode JPEG": lambda: run_json(decode + jpeg, what="bench_classify --mode decode (JPEG)"),
        "decode FITS": lambda: run_json(decode + fits, what="bench_classify --mode decode (FITS)"),
        "classify JPEG": lambda: classify_pair(build, model, jpeg_catalogue, common + jpeg[2:], work),
        "classify FITS": lambda: classify_pair(build, model, survey_catalogue, common + fits[2:], work),
    }
    results = {name: [] for name in tasks}
    names = list(tasks)
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            print("round {}/{}: {} ...".format(r + 1, args.rounds, name), file=sys.stderr, flush=True)
            results[name].append(tasks[name]())
    return results


def report(args, results, load, seconds):
    """Prints the table for docs/benchmarks.md."""
    def rate(name):
        return statistics.median(x["images_per_second"] for x in results[name])

    def others(name):
        return max(x.get("other_cores_busy", 0.0) for x in results[name])

    network = rate("network")
    print()
    print("classify on the CPU: {} catalogue rows, {} px network, batch {}, {} round(s)".format(
        args.images, args.image_size, args.batch_size, args.rounds))
    print("machine: {} CPUs ({}), {}; LibTorch {}".format(os.cpu_count(), cpu_model(), platform.platform(),
                                                         results["network"][0]["libtorch"]))
    print("1-minute load average: {:.2f} -> {:.2f}; {:.0f} s in all".format(load[0], load[1], seconds))
    print()
    print("| What | images/s | / network | other programs busy (cores) |")
    print("|---|---:|---:|---:|")
    rows = [("network forward alone, {} px, batch {}".format(args.image_size, args.batch_size), "network"),
            ("decoding alone: JPEG files, 424 px, crop {}".format(args.crop), "decode JPEG"),
            ("decoding alone: FITS survey cutouts, {} px".format(args.image_size), "decode FITS"),
            ("classify: JPEG catalogue", "classify JPEG"),
            ("classify: FITS survey cutouts", "classify FITS")]
    for label, name in rows:
        print("| {} | {:.2f} | {:.2f}x | {:.2f} |".format(label, rate(name), rate(name) / network, others(name)))
    print()
    for kind in ("JPEG", "FITS"):
        fixed = statistics.median(x["fixed_seconds"] for x in results["classify " + kind])
        # classify makes a batch's images, then classifies them: the two times add up.
        serial = 1 / (1 / network + 1 / rate("decode " + kind))
        print("classify {}: fixed cost (start-up, model loading, one row) {:.1f} s; network and "
              "decoding one after the other would give {:.2f} images/s".format(kind, fixed, serial))
    ok = all(rate("decode " + k) >= 3 * network for k in ("JPEG", "FITS"))
    print("decoding at least 3x the network: {}".format("yes" if ok else "NO"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="CMake build folder (default: build)")
    parser.add_argument("--work", help="data folder (default: BUILD/bench_classify_data)")
    parser.add_argument("--images", type=int, default=64, help="catalogue rows (default 64)")
    parser.add_argument("--image_size", type=int, default=256, help="network input side (default 256)")
    parser.add_argument("--batch_size", type=int, default=32, help="classify's --batch_size (default 32)")
    parser.add_argument("--crop", type=int, default=256, help="centre crop of the 424-px JPEGs (default 256)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", dest="json_out", help="also write every result to this file")
    args = parser.parse_args()
    if args.images < 2 or args.rounds < 1:
        parser.error("--images must be at least 2 and --rounds at least 1")
    build = os.path.abspath(args.build)
    work = os.path.abspath(args.work or os.path.join(build, "bench_classify_data"))
    os.makedirs(work, exist_ok=True)
    load = [os.getloadavg()[0]]
    started = time.time()
    results = measure(args, build, work)
    load.append(os.getloadavg()[0])
    report(args, results, load, time.time() - started)
    if args.json_out:
        write_json(args.json_out, {"results": results, "load": load})
    return 0


if __name__ == "__main__":
    sys.exit(main())
