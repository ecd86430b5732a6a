#!/usr/bin/python3
"""Side-by-side benchmark of the preprocessing step: Pillow, libvips and galaxyzoo.

    bench/bench_preprocess.py --build build

times "decode a 424 x 424 JPEG, centre-crop it to 256 x 256, encode it as JPEG at quality 75
(Pillow's default) and write the file" over the same N images with

  - Pillow, in this process (Debian's python3-pil, under /usr/bin/python3), one thread;
  - libvips' C++ API (bench_preprocess --mode vips): new_from_file, crop, jpegsave, with
    libvips' default settings and with each of the settings that cut its per-image cost;
  - galaxyzoo (bench_preprocess --mode galaxyzoo): read_image with a centred crop, then
    write_jpeg, on 1 and on 2 threads;

and the decoding alone. Every side writes the same way: the encoded bytes to a temporary
file, fsync, rename (what galaxyzoo::write_jpeg does). Configurations alternate over
--rounds rounds; each C++ run does one untimed pass, then --repeats timed passes. The
runner checks that Pillow's and galaxyzoo's outputs decode to the same pixels.

The images are rendered once by make_test_dataset (--per_class 68 --unlabeled 60: 400
galaxies) into BUILD/bench_preprocess_data, or taken from --data. Outputs go to a
temporary folder on /dev/shm (tmpfs) so that the disk's fsync latency does not hide the
CPU work; pass --output_dir to time a real disk. See docs/benchmarks.md.
"""

import argparse
import io
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import PIL
    from PIL import Image, features
except ImportError:
    sys.exit("bench_preprocess: needs Pillow (Debian: apt-get install python3-pil; run under /usr/bin/python3)")

# (name, mode, extra arguments of bench_preprocess); mode "pillow" runs in this process.
PIPELINE = [
    ("Pillow", "pillow", []),
    ("libvips, defaults", "vips", []),
    ("libvips, access=sequential", "vips", ["--vips_access", "sequential"]),
    ("libvips, concurrency 1", "vips", ["--vips_concurrency", "1"]),
    ("libvips, cache max 0", "vips", ["--vips_cache_max", "0"]),
    ("libvips, all three", "vips",
     ["--vips_access", "sequential", "--vips_concurrency", "1", "--vips_cache_max", "0"]),
    ("galaxyzoo, 1 thread", "galaxyzoo", ["--threads", "1"]),
    ("galaxyzoo, 2 threads", "galaxyzoo", ["--threads", "2"]),
]
DECODE = [
    ("Pillow decode", "pillow", ["--decode_only"]),
    ("libvips decode, defaults", "vips", ["--decode_only"]),
    ("libvips decode, all three", "vips",
     ["--decode_only", "--vips_access", "sequential", "--vips_concurrency", "1", "--vips_cache_max", "0"]),
    ("galaxyzoo decode, 1 thread", "galaxyzoo", ["--decode_only"]),
]


def write_atomically(path, data):
    """The steps of galaxyzoo::write_file_atomically: temporary file, fsync, rename."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, ".{}.tmp-{}".format(name, secrets.token_hex(8)))
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def pillow_one(path, out_dir, crop, quality, decode_only):
    with Image.open(path) as image:
        if decode_only:
            image.load()
            return
        left, top = (image.width - crop) // 2, (image.height - crop) // 2
        cropped = image.crop((left, top, left + crop, top + crop))
    encoded = io.BytesIO()
    cropped.save(encoded, "JPEG", quality=quality)
    stem = os.path.splitext(os.path.basename(path))[0]
    write_atomically(os.path.join(out_dir, stem + "_proc.jpg"), encoded.getbuffer())


def pillow_run(files, out_dir, args, decode_only):
    """One untimed pass, then --repeats timed passes, like bench_preprocess."""
    os.makedirs(out_dir, exist_ok=True)
    wall, cpu = [], []
    for r in range(1 + args.repeats):
        cpu_start, start = time.process_time(), time.perf_counter()
        for path in files:
            pillow_one(path, out_dir, args.crop, args.quality, decode_only)
        if r > 0:
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
    return wall, cpu


def cpp_run(binary, list_file, out_dir, mode, extra, args):
    command = [binary, "--files", list_file, "--output_dir", out_dir, "--mode", mode,
               "--crop", str(args.crop), "--quality", str(args.quality),
               "--repeats", str(args.repeats), "--warmup", "1"] + extra
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("bench_preprocess: failed ({}): {}\n{}".format(done.returncode, " ".join(command),
                                                               done.stderr.strip()))
    result = json.loads(done.stdout)
    return result["wall_seconds"], result["cpu_seconds"]


def ensure_images(args):
    if args.data:
        folder = args.data
    else:
        folder = os.path.join(args.build, "bench_preprocess_data")
        if not os.path.isdir(folder):
            maker = os.path.join(args.build, "examples", "make_test_dataset")
            subprocess.run([maker, "--output", folder, "--per_class", "68", "--unlabeled", "60", "--seed", "1"],
                           check=True, stdout=subprocess.DEVNULL)
    images = os.path.join(folder, "images_training_rev1")
    if not os.path.isdir(images):
        images = folder
    files = sorted(os.path.join(images, f) for f in os.listdir(images) if f.lower().endswith(".jpg"))
    if len(files) < args.images:
        sys.exit("bench_preprocess: {} has {} JPEGs, fewer than --images {}".format(images, len(files), args.images))
    return files[:args.images]


def same_pixels(a_dir, b_dir, files):
    """The largest difference of any sample between the two folders' outputs."""
    worst = 0
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0] + "_proc.jpg"
        with Image.open(os.path.join(a_dir, name)) as a, Image.open(os.path.join(b_dir, name)) as b:
            if a.size != b.size or a.mode != b.mode:
                return None
            worst = max(worst, max(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes())))
    return worst


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="CMake build folder with bench/bench_preprocess")
    parser.add_argument("--data", help="folder of JPEGs (or a Kaggle-layout folder); default: render 400")
    parser.add_argument("--images", type=int, default=400, help="how many images (the first N by name)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all configurations")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per configuration and round")
    parser.add_argument("--crop", type=int, default=256, help="centred crop size")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (Pillow's default is 75)")
    parser.add_argument("--no_decode", action="store_true", help="skip the decode-only measurements")
    parser.add_argument("--output_dir", help="where outputs go (default: a temporary folder on /dev/shm)")
    parser.add_argument("--json", dest="json_out", help="also write every sample to this file")
    args = parser.parse_args()

    binary = os.path.join(args.build, "bench", "bench_preprocess")
    if not os.access(binary, os.X_OK):
        sys.exit("bench_preprocess: build {} first (cmake --build {} --target bench_preprocess)".format(
            binary, args.build))
    files = ensure_images(args)
    scratch_parent = "/dev/shm" if os.path.isdir("/dev/shm") and not args.output_dir else None
    work = args.output_dir or tempfile.mkdtemp(prefix="galaxyzoo-bench-preprocess-", dir=scratch_parent)
    os.makedirs(work, exist_ok=True)
    list_file = os.path.join(work, "files.txt")
    with open(list_file, "w") as f:
        f.write("\n".join(os.path.abspath(p) for p in files) + "\n")

    configs = PIPELINE + ([] if args.no_decode else DECODE)
    samples = {name: {"wall": [], "cpu": []} for name, _, _ in configs}
    out_dirs = {name: os.path.join(work, "out-{}".format(i)) for i, (name, _, _) in enumerate(configs)}
    try:
        for r in range(args.rounds):
            # Rotate the order so that drift in the machine's speed hits every configuration.
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for name, mode, extra in order:
                print("round {} / {}: {}".format(r + 1, args.rounds, name), file=sys.stderr, flush=True)
                if mode == "pillow":
                    wall, cpu = pillow_run(files, out_dirs[name], args, "--decode_only" in extra)
                else:
                    wall, cpu = cpp_run(binary, list_file, out_dirs[name], mode, extra, args)
                samples[name]["wall"] += wall
                samples[name]["cpu"] += cpu

        n = len(files)
        rate = {name: n / statistics.median(s["wall"]) for name, s in samples.items()}
        cpu_us = {name: 1e6 * statistics.median(s["cpu"]) / n for name, s in samples.items()}
        diff_gz = same_pixels(out_dirs["Pillow"], out_dirs["galaxyzoo, 1 thread"], files)
        diff_vips = same_pixels(out_dirs["Pillow"], out_dirs["libvips, defaults"], files)
    finally:
        if not args.output_dir:
            shutil.rmtree(work, ignore_errors=True)

    print("bench_preprocess: {} images of {}, crop {} x {}, JPEG quality {}, {} rounds x {} passes".format(
        n, files[0].rsplit("/", 2)[-2], args.crop, args.crop, args.quality, args.rounds, args.repeats))
    print("machine: {}, {} cores, load average {:.2f}; Python {}, Pillow {} (libjpeg-turbo {})".format(
        cpu_model(), os.cpu_count(), os.getloadavg()[0], platform.python_version(), PIL.__version__,
        features.version("libjpeg_turbo")))
    print()
    print("| Configuration | images/s | CPU µs / image | / Pillow |")
    print("|---|---:|---:|---:|")
    for name, _, _ in configs:
        reference = "Pillow decode" if name in dict((c[0], 0) for c in DECODE) else "Pillow"
        print("| {} | {:.0f} | {:.0f} | {:.2f}x |".format(name, rate[name], cpu_us[name], rate[name] / rate[reference]))
    print()
    one, two = rate["galaxyzoo, 1 thread"], rate["galaxyzoo, 2 threads"]
    print("galaxyzoo / Pillow, one core each: {:.2f}x (goal >= 1)".format(one / rate["Pillow"]))
    print("galaxyzoo 2 threads / 1 thread:    {:.2f}x (goal >= 1.7)".format(two / one))
    print("Pillow / libvips defaults:         {:.2f}x".format(rate["Pillow"] / rate["libvips, defaults"]))
    print("outputs, largest sample difference from Pillow's: galaxyzoo {}, libvips {}".format(diff_gz, diff_vips))

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"images": n, "crop": args.crop, "quality": args.quality, "samples": samples,
                       "images_per_second": rate, "cpu_us_per_image": cpu_us,
                       "max_difference_from_pillow": {"galaxyzoo": diff_gz, "libvips": diff_vips}}, f, indent=1)
    ok = diff_gz is not None and diff_gz <= 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
