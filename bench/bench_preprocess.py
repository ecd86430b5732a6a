#!/usr/bin/python3
"""Side-by-side benchmark of the preprocessing step: Pillow, libvips and galaxyzoo.

    bench/bench_preprocess.py --build build

times "decode a 424 x 424 JPEG, centre-crop it to 256 x 256, encode it as JPEG at quality 75
(Pillow's default) and write the file" over the same N images with

  - Pillow (Debian's python3-pil, under /usr/bin/python3), one thread;
  - libvips' C++ API (bench_preprocess --mode vips): new_from_file, crop, jpegsave, with
    libvips' default settings and with each of the settings that cut its per-image cost;
  - galaxyzoo (bench_preprocess --mode galaxyzoo): read_image with a centred crop, then
    write_jpeg, on 1 and on 2 threads;

and the decoding alone. Every side writes the same way: the encoded bytes to a temporary
file, fsync, rename (what galaxyzoo::write_jpeg does). Each configuration runs in its own
process (Pillow too: this script runs itself with --pillow_worker): one untimed pass, then
--repeats timed passes. Configurations alternate over --rounds rounds. The runner checks
that Pillow's and galaxyzoo's outputs decode to the same pixels.

Memory layout. On the machine of docs/benchmarks.md the per-image time of Pillow and of
galaxyzoo alike moves by up to a third with where the heap happens to put the buffers,
which depends on everything the process allocated before (even on whether its stdout is
a pipe or a file). Each round therefore runs every process under the next of the glibc
malloc settings in LAYOUTS (GLIBC_TUNABLES), and the medians are over all of them.

The images are rendered once by make_test_dataset (--per_class 68 --unlabeled 60: 400
galaxies) into BUILD/bench_preprocess_data, or taken from --data. Outputs go to a
temporary folder on /dev/shm (tmpfs), so that the disk's fsync latency does not hide the
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

from benchlib import cpu_model

try:
    import PIL
    from PIL import Image, features
except ImportError:
    sys.exit("bench_preprocess: needs Pillow (Debian: apt-get install python3-pil; run under /usr/bin/python3)")

# glibc malloc settings, one per round in turn: they change where the buffers land.
LAYOUTS = [
    "",
    "glibc.malloc.hugetlb=1",
    "glibc.malloc.trim_threshold=67108864:glibc.malloc.mmap_threshold=33554432",
    "glibc.malloc.top_pad=1048576",
]

# (name, mode, extra arguments); mode "pillow" runs this script with --pillow_worker.
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


# ---- the Pillow side ------------------------------------------------------------------

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


def pillow_worker(args):
    """--pillow_worker: bench_preprocess's protocol (one untimed pass, then --repeats timed
    passes, JSON on stdout) for Pillow."""
    with open(args.files) as f:
        files = [line.strip() for line in f if line.strip()]
    os.makedirs(args.output_dir, exist_ok=True)
    wall, cpu = [], []
    for r in range(1 + args.repeats):
        cpu_start, start = time.process_time(), time.perf_counter()
        for path in files:
            pillow_one(path, args.output_dir, args.crop, args.quality, args.decode_only)
        if r > 0:
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
    json.dump({"wall_seconds": wall, "cpu_seconds": cpu}, sys.stdout)
    return 0


# ---- the runner -----------------------------------------------------------------------

def config_command(binary, list_file, out_dir, mode, extra, args):
    common = ["--files", list_file, "--output_dir", out_dir, "--crop", str(args.crop),
              "--quality", str(args.quality), "--repeats", str(args.repeats)]
    if mode == "pillow":
        return [sys.executable, os.path.abspath(__file__), "--pillow_worker"] + common + extra
    return [binary, "--mode", mode, "--warmup", "1"] + common + extra


def run_config(command, layout, result_file):
    """Runs one configuration under GLIBC_TUNABLES=layout; returns its wall and CPU seconds."""
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    if layout:
        env["GLIBC_TUNABLES"] = layout
    with open(result_file, "w") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        sys.exit("bench_preprocess: failed ({}): {}\n{}".format(done.returncode, " ".join(command),
                                                               done.stderr.strip()))
    with open(result_file) as f:
        result = json.load(f)
    return result["wall_seconds"], result["cpu_seconds"]


def ensure_images(args):
    if args.data:
        folder = args.data
    else:
        folder = os.path.join(args.build, "bench_preprocess_data")
        if not os.path.isdir(folder):
            maker = os.path.join(args.build, "examples", "make_test_dataset")
            subprocess.run([maker, "--output_dir", folder, "--per_class", "68", "--unlabeled", "60", "--seed", "1"],
                           check=True, stdout=subprocess.DEVNULL)
    images = os.path.join(folder, "images_training_rev1")
    if not os.path.isdir(images):
        images = folder
    files = sorted(os.path.join(images, f) for f in os.listdir(images) if f.lower().endswith(".jpg"))
    if len(files) < args.images:
        sys.exit("bench_preprocess: {} has {} JPEGs, fewer than --images {}".format(images, len(files), args.images))
    return files[:args.images]


def largest_difference(a_dir, b_dir, files):
    """The largest difference of any sample between the two folders' outputs (None if the
    sizes or modes differ)."""
    worst = 0
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0] + "_proc.jpg"
        with Image.open(os.path.join(a_dir, name)) as a, Image.open(os.path.join(b_dir, name)) as b:
            if a.size != b.size or a.mode != b.mode:
                return None
            worst = max(worst, max(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes())))
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="CMake build folder with bench/bench_preprocess")
    parser.add_argument("--data", help="folder of JPEGs (or a Kaggle-layout folder); default: render 400")
    parser.add_argument("--images", type=int, default=400, help="how many images (the first N by name)")
    parser.add_argument("--rounds", type=int, default=len(LAYOUTS),
                        help="rounds over all configurations, each under the next malloc setting")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per configuration and round")
    parser.add_argument("--crop", type=int, default=256, help="centred crop size")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (Pillow's default is 75)")
    parser.add_argument("--no_decode", action="store_true", help="skip the decode-only measurements")
    parser.add_argument("--output_dir", help="where outputs go (default: a temporary folder on /dev/shm)")
    parser.add_argument("--json", dest="json_out", help="also write every sample to this file")
    # The Pillow side, which the runner starts as a child process of its own.
    parser.add_argument("--pillow_worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--decode_only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pillow_worker:
        return pillow_worker(args)

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
    samples = {name: {"wall": [], "cpu": [], "round_rates": []} for name, _, _ in configs}
    out_dirs = {name: os.path.join(work, "out-{}".format(i)) for i, (name, _, _) in enumerate(configs)}
    n = len(files)
    try:
        for r in range(args.rounds):
            layout = LAYOUTS[r % len(LAYOUTS)]
            # Rotate the order so that drift in the machine's speed hits every configuration.
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for name, mode, extra in order:
                print("round {} / {} [{}]: {}".format(r + 1, args.rounds, layout or "default malloc", name),
                      file=sys.stderr, flush=True)
                command = config_command(binary, list_file, out_dirs[name], mode, extra, args)
                wall, cpu = run_config(command, layout, os.path.join(work, "result.json"))
                samples[name]["wall"] += wall
                samples[name]["cpu"] += cpu
                samples[name]["round_rates"].append(n / statistics.median(wall))

        rate = {name: n / statistics.median(s["wall"]) for name, s in samples.items()}
        cpu_us = {name: 1e6 * statistics.median(s["cpu"]) / n for name, s in samples.items()}
        diff_gz = largest_difference(out_dirs["Pillow"], out_dirs["galaxyzoo, 1 thread"], files)
        diff_vips = largest_difference(out_dirs["Pillow"], out_dirs["libvips, defaults"], files)
    finally:
        if not args.output_dir:
            shutil.rmtree(work, ignore_errors=True)

    print("bench_preprocess: {} images from {}, crop {} x {}, JPEG quality {}, {} rounds x {} passes".format(
        n, os.path.dirname(files[0]), args.crop, args.crop, args.quality, args.rounds, args.repeats))
    print("machine: {}, {} cores, load average {:.2f}; Python {}, Pillow {} (libjpeg-turbo {})".format(
        cpu_model(), os.cpu_count(), os.getloadavg()[0], platform.python_version(), PIL.__version__,
        features.version("libjpeg_turbo")))
    print()
    print("| Configuration | images/s | rounds: slowest - fastest | CPU µs / image | / Pillow |")
    print("|---|---:|---:|---:|---:|")
    decode_names = {c[0] for c in DECODE}
    for name, _, _ in configs:
        reference = "Pillow decode" if name in decode_names else "Pillow"
        rounds = samples[name]["round_rates"]
        print("| {} | {:.0f} | {:.0f} - {:.0f} | {:.0f} | {:.2f}x |".format(
            name, rate[name], min(rounds), max(rounds), cpu_us[name], rate[name] / rate[reference]))
    print()
    one, two = rate["galaxyzoo, 1 thread"], rate["galaxyzoo, 2 threads"]
    print("galaxyzoo / Pillow, one core each: {:.2f}x (goal >= 1)".format(one / rate["Pillow"]))
    print("galaxyzoo 2 threads / 1 thread:    {:.2f}x (goal >= 1.7)".format(two / one))
    print("Pillow / libvips defaults:         {:.2f}x".format(rate["Pillow"] / rate["libvips, defaults"]))
    print("outputs, largest sample difference from Pillow's: galaxyzoo {}, libvips {}".format(diff_gz, diff_vips))

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"images": n, "crop": args.crop, "quality": args.quality, "layouts": LAYOUTS,
                       "samples": samples, "images_per_second": rate, "cpu_us_per_image": cpu_us,
                       "max_difference_from_pillow": {"galaxyzoo": diff_gz, "libvips": diff_vips}}, f, indent=1)
    # galaxyzoo must do the same work as Pillow: the same pixels (libjpeg-turbo on both sides).
    return 0 if diff_gz is not None and diff_gz <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
