#!/usr/bin/python3
"""Side-by-side benchmark: galaxyzoo's CPU training step against PyTorch, the image
loader, and the peak memory of a training run.

    bench/run_training_bench.py --build build

1. Training throughput (images/s) of the same step on the same model, synthetic batches,
   no data loading: bench_training (galaxyzoo, C++, the LibTorch it was built against)
   against bench_training.py under Debian's python3-torch (/usr/bin/python3) and under
   PyPI's torch (--venv_python, default build-bench-venv/bin/python if it exists). Each
   input size x thread count runs every implementation in its own process, --rounds
   times, in a rotated order; images/s is the batch size over the median of all timed
   steps of that implementation. The ratio is galaxyzoo / PyTorch (goal: >= 1.0).
2. The image loader alone (bench_training --mode loader, training transforms,
   --num_workers threads), without and with the cache, and its ratio to galaxyzoo's
   training throughput at the same size on all threads (goal: >= 3). Then the training
   step fed by the loader instead of a synthetic batch, as train_model runs it, against
   the synthetic figure.
3. Peak memory (maximum resident set size, from wait4) of train_model --epochs 1 on the
   same images, without and with --cache_mb.

The images: a folder of preprocessed train_/val_class_K_N_proc.jpg files (--data), or
made here with make_test_dataset --per_class 60 --unlabeled 0, create_dataset and
preprocess_resize (256 x 256 JPEGs) in BUILD/bench_training_data.

Other programs on the machine: for every process the runner measures how many cores
the rest of the machine kept busy meanwhile (/proc/stat less the child's own CPU time,
not counting programs at a raised nice level)
and runs it again, after a pause, when that exceeds --busy (0.15) cores, at most
--retries (3) times. On 2 cores one busy compiler slows a 2-thread LibTorch step by up
to 6 times.

libvips' vector (liborc) path crashes now and then when two loader threads resize at
once (libvips 8.14, Debian 12): galaxyzoo processes run with VIPS_NOVECTOR=1 unless
--vips_vector is given. See docs/benchmarks.md.

Only the standard library is used here; nothing is a test, and no test asserts timings.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import cpu_model, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def busy_seconds():
    """CPU seconds all processes of the machine have spent busy (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    # user nice system idle iowait irq softirq steal ...: all but nice, idle and
    # iowait. Work at nice 19 (a compiler run beside the benchmark) is left out: the
    # kernel gives it about 1.5% of a core that a normal-priority process wants.
    busy = sum(fields[:8]) - fields[1] - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def run(command, env=None, what=""):
    """Runs command; returns (stdout, peak RSS in MiB, seconds, CPU cores that other
    processes kept busy meanwhile). Exits on failure."""
    start = time.perf_counter()
    busy_before = busy_seconds()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # wait4 gives this child's own resource usage (ru_maxrss in KiB on Linux). Read the
    # pipes from threads so that a full pipe cannot block the child.
    import threading
    chunks = {"out": [], "err": []}

    def drain(stream, key):
        chunks[key].append(stream.read())

    readers = [threading.Thread(target=drain, args=(proc.stdout, "out")),
               threading.Thread(target=drain, args=(proc.stderr, "err"))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    # What the machine did besides this child: a measure of interference.
    others = (busy_seconds() - busy_before - usage.ru_utime - usage.ru_stime) / seconds
    out, err = "".join(chunks["out"]), "".join(chunks["err"])
    if proc.returncode != 0:
        sys.exit("run_training_bench: {} failed ({}): {}\n{}".format(
            what or command[0], proc.returncode, " ".join(command), err.strip()[-3000:]))
    return out, usage.ru_maxrss / 1024.0, seconds, others


def run_json(command, env=None, what=""):
    out, rss, _, others = run(command, env, what)
    result = json.loads(out)
    result["process_peak_rss_mib"] = rss
    result["other_cores_busy"] = others
    return result


def run_clean(command, env, what, retries, threshold):
    """run_json, run again (after a pause) while other programs kept more than
    threshold cores busy, at most retries times; returns the least disturbed result
    with the number of attempts. On 2 cores a second busy program slows LibTorch's
    2-thread steps by up to 6 times (its threads wait for each other at every
    parallel region), so such runs are not the figure to report."""
    best = None
    for attempt in range(retries + 1):
        res = run_json(command, env, what)
        res["attempts"] = attempt + 1
        if best is None or res["other_cores_busy"] < best["other_cores_busy"]:
            best = res
        if res["other_cores_busy"] <= threshold:
            break
        if attempt < retries:
            pause = 30 * (attempt + 1)
            print("  other programs kept {:.2f} cores busy; again in {} s".format(res["other_cores_busy"], pause),
                  file=sys.stderr, flush=True)
            time.sleep(pause)
    best["attempts"] = attempt + 1
    return best


def make_data(build, folder, per_class=60):
    """Renders per_class galaxies meant for each class (300 by default) and turns them into
    256 x 256 preprocessed JPEGs."""
    examples = os.path.join(build, "examples")
    if os.path.isdir(folder) and any(n.startswith("train_class_") for n in os.listdir(folder)):
        return folder
    work = folder + ".work"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    raw, split = os.path.join(work, "raw"), os.path.join(work, "split")
    print("making the images in " + folder + " ...", file=sys.stderr, flush=True)
    run([os.path.join(examples, "make_test_dataset"), "--output_dir", raw, "--per_class", str(per_class), "--unlabeled", "0",
         "--seed", "1"], what="make_test_dataset")
    run([os.path.join(examples, "create_dataset"), "--input_dir", raw, "--output_dir", split], what="create_dataset")
    run([os.path.join(examples, "preprocess_resize"), "--input_dir", split, "--output_dir", folder,
         "--num_workers", "0"], what="preprocess_resize")
    shutil.rmtree(work, ignore_errors=True)
    return folder


def fmt(v, digits=1):
    return "-" if v is None else "{:.{}f}".format(v, digits)


def ratio(a, b, digits=2):
    return "-" if a is None or b is None or b == 0 else "{:.{}f}x".format(a / b, digits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="CMake build folder (default: build)")
    parser.add_argument("--debian_python", default="/usr/bin/python3",
                        help="interpreter with Debian's python3-torch (default /usr/bin/python3; '' to skip)")
    parser.add_argument("--venv_python", default=os.path.join(ROOT, "build-bench-venv", "bin", "python"),
                        help="interpreter with PyPI's torch (default build-bench-venv/bin/python; '' to skip)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 256], help="input sizes (default 64 256)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="intra-op thread counts, set on every side (default 1 2)")
    parser.add_argument("--batch_size", type=int, default=16, help="images per step (default 16)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all implementations (default 2)")
    parser.add_argument("--steps", type=int, nargs=2, metavar=("SMALL", "LARGE"), default=[10, 5],
                        help="timed steps per process below 128 pixels and from 128 on (default 10 5)")
    parser.add_argument("--warmup", type=int, nargs=2, metavar=("SMALL", "LARGE"), default=[2, 1],
                        help="untimed steps per process, likewise (default 2 1)")
    parser.add_argument("--data", help="folder of preprocessed images (default: made in BUILD/bench_training_data)")
    parser.add_argument("--num_workers", type=int, default=2, help="loader threads (default 2)")
    parser.add_argument("--cache_mb", type=int, default=256, help="cache of the 'with cache' runs (default 256)")
    parser.add_argument("--loader_passes", type=int, default=5, help="timed loader passes per round (default 5)")
    parser.add_argument("--memory_sizes", type=int, nargs="*", default=[64, 256],
                        help="input sizes of the train_model memory runs (default 64 256; none to skip)")
    parser.add_argument("--skip_loader", action="store_true", help="skip parts 2 and 3")
    parser.add_argument("--vips_vector", action="store_true",
                        help="keep libvips' vector path (do not set VIPS_NOVECTOR=1; see docs)")
    parser.add_argument("--openblas", metavar="DIR",
                        help="also run galaxyzoo with LD_LIBRARY_PATH=DIR, a folder holding OpenBLAS's "
                             "libblas.so.3 (see docs/benchmarks.md)")
    parser.add_argument("--pypi_build", metavar="BUILD",
                        help="also run BUILD/bench/bench_training, galaxyzoo built against PyPI's LibTorch")
    parser.add_argument("--retries", type=int, default=3,
                        help="runs again a process during which other programs kept more than --busy cores "
                             "busy, at most this many times (default 3)")
    parser.add_argument("--busy", type=float, default=0.15, help="see --retries (default 0.15 cores)")
    parser.add_argument("--json", dest="json_out", help="also write every result to this file")
    args = parser.parse_args()
    if args.rounds < 1 or min(args.steps) < 1 or min(args.warmup) < 0:
        parser.error("--rounds and --steps must be >= 1, --warmup >= 0")

    exe = os.path.join(args.build, "bench", "bench_training")
    if not os.access(exe, os.X_OK):
        sys.exit("run_training_bench: {} not found; build it with\n"
                 "  cmake --build {} --target bench_training make_test_dataset create_dataset "
                 "preprocess_resize train_model".format(exe, args.build))
    script = os.path.join(HERE, "bench_training.py")
    gz_env = dict(os.environ)
    if not args.vips_vector:
        gz_env["VIPS_NOVECTOR"] = "1"
    # (name, command, environment); the first is galaxyzoo as built, the PyTorch sides
    # follow, then the optional galaxyzoo variants.
    sides = [("galaxyzoo", [exe], gz_env)]
    if args.debian_python:
        sides.append(("PyTorch (Debian)", [args.debian_python, script], None))
    if args.venv_python:
        if os.access(args.venv_python, os.X_OK):
            sides.append(("PyTorch (PyPI)", [args.venv_python, script], None))
        else:
            print("run_training_bench: no {}; skipping PyPI's torch (see docs/benchmarks.md to make the venv)"
                  .format(args.venv_python), file=sys.stderr)
    if args.openblas:
        env = dict(gz_env)
        env["LD_LIBRARY_PATH"] = os.path.abspath(args.openblas) + (
            ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        sides.append(("galaxyzoo+OpenBLAS", [exe], env))
    if args.pypi_build:
        other = os.path.join(args.pypi_build, "bench", "bench_training")
        if not os.access(other, os.X_OK):
            sys.exit("run_training_bench: {} not found".format(other))
        sides.append(("galaxyzoo/LibTorch2", [other], gz_env))
    names = [s[0] for s in sides]
    references = [n for n in names if n.startswith("PyTorch")]
    variants = [n for n in names[1:] if n.startswith("galaxyzoo")]

    load = [os.getloadavg()[0]]
    results = {"training": [], "loader": [], "fed": [], "memory": []}
    started = time.time()

    # 1. Training throughput, synthetic batches.
    configs = [(s, t) for s in args.sizes for t in args.threads]
    for r in range(args.rounds):
        for s, t in configs:
            large = s >= 128
            order = sides[r % len(sides):] + sides[:r % len(sides)]
            for name, command, env in order:
                print("round {}/{}: {} at {} px, {} thread(s) ...".format(r + 1, args.rounds, name, s, t),
                      file=sys.stderr, flush=True)
                res = run_clean(command + ["--image_size", str(s), "--batch_size", str(args.batch_size),
                                           "--threads", str(t), "--warmup", str(args.warmup[large]),
                                           "--repeats", str(args.steps[large])],
                                env, name, args.retries, args.busy)
                res.update({"side": name, "round": r})
                results["training"].append(res)
    load.append(os.getloadavg()[0])

    def training(name, s, t):
        """images/s: the median over this side's processes of batch / median step time
        (so that one process slowed by another program does not move it)."""
        runs = [x for x in results["training"] if x["side"] == name and x["image_size"] == s and x["threads"] == t]
        if not runs:
            return None, None, None
        per_run = [x["images_per_second"] for x in runs]
        return statistics.median(per_run), (min(per_run), max(per_run)), runs

    # 2. The loader alone, and training fed by it.
    data = None
    if not args.skip_loader:
        data = args.data or make_data(args.build, os.path.join(os.path.abspath(args.build), "bench_training_data"))
        for r in range(args.rounds):
            for s in args.sizes:
                for cache in (0, args.cache_mb):
                    print("round {}/{}: loader at {} px, cache {} MB ...".format(r + 1, args.rounds, s, cache),
                          file=sys.stderr, flush=True)
                    res = run_clean([exe, "--mode", "loader", "--data", data, "--image_size", str(s),
                                     "--batch_size", str(args.batch_size), "--num_workers", str(args.num_workers),
                                     "--cache_mb", str(cache), "--warmup", "1", "--repeats", str(args.loader_passes)],
                                    gz_env, "loader", args.retries, args.busy)
                    res["round"] = r
                    results["loader"].append(res)
        t = max(args.threads)
        for s in args.sizes:
            large = s >= 128
            for cache in (0, args.cache_mb):
                print("training at {} px fed by the loader, cache {} MB ...".format(s, cache), file=sys.stderr,
                      flush=True)
                res = run_clean([exe, "--image_size", str(s), "--batch_size", str(args.batch_size), "--threads", str(t),
                                 "--warmup", str(args.warmup[large]), "--repeats", str(args.steps[large]),
                                 "--data", data, "--num_workers", str(args.num_workers), "--cache_mb", str(cache)],
                                gz_env, "training fed by the loader", args.retries, args.busy)
                results["fed"].append(res)
        load.append(os.getloadavg()[0])

        # 3. Peak memory of train_model.
        train_model = os.path.join(args.build, "examples", "train_model")
        for s in args.memory_sizes:
            for cache in (0, args.cache_mb):
                out_dir = tempfile.mkdtemp(prefix="galaxyzoo-train-")
                try:
                    print("train_model at {} px, cache {} MB ...".format(s, cache), file=sys.stderr, flush=True)
                    out, rss, seconds, _ = run([train_model, "--input_dir", data, "--output_dir", out_dir,
                                             "--image_size", str(s),
                                             "--epochs", "1", "--batch_size", str(args.batch_size),
                                             "--threads", str(max(args.threads)), "--num_workers",
                                             str(args.num_workers), "--cache_mb", str(cache)],
                                            env=gz_env, what="train_model")
                finally:
                    shutil.rmtree(out_dir, ignore_errors=True)
                rate = None
                for line in out.splitlines():
                    if line.startswith("epoch") and "images/s" in line:
                        rate = float(line.split("images/s")[0].split()[-1])
                results["memory"].append({"image_size": s, "cache_mb": cache, "peak_rss_mib": rss,
                                          "seconds": seconds, "epoch_images_per_second": rate})
        load.append(os.getloadavg()[0])

    # Report.
    first = {name: next((x for x in results["training"] if x["side"] == name), {}) for name in names}
    print()
    print("Training step on the CPU: VGG16 features (frozen before 21) + head, Adam (2 groups), "
          "batch {}, synthetic data".format(args.batch_size))
    print("machine: {} CPUs ({}), {}; Python {}".format(os.cpu_count(), cpu_model(), platform.platform(),
                                                         platform.python_version()))
    for name in names:
        f = first[name]
        version = f.get("libtorch") or f.get("torch")
        print("  {}: torch {} (default intra-op threads {}){}".format(
            name, version, f.get("default_threads"),
            "; features from " + f["features_from"] if "features_from" in f else ""))
    print("1-minute load average: " + " -> ".join("{:.2f}".format(v) for v in load) +
          " (other processes share the CPUs); {:.0f} s in all".format(time.time() - started))
    print()
    main_names = ["galaxyzoo"] + references
    header = "{:>5} {:>7}".format("size", "threads") + "".join("{:>18}".format(n) for n in main_names) + \
        "".join("{:>14}".format("gz / " + n.split("(")[1].rstrip(")")) for n in references)
    print(header)
    print("-" * len(header))
    summary = []
    for s, t in configs:
        rates = {n: training(n, s, t)[0] for n in names}
        row = "{:>5} {:>7}".format(s, t) + "".join("{:>18}".format(fmt(rates[n], 2)) for n in main_names) + \
            "".join("{:>14}".format(ratio(rates["galaxyzoo"], rates[n])) for n in references)
        print(row)
        summary.append({"image_size": s, "threads": t, "images_per_second": rates,
                        "spread": {n: training(n, s, t)[1] for n in names}})
    if variants:
        print()
        short = {v: v.replace("galaxyzoo", "gz") for v in variants}
        header = "{:>5} {:>7}".format("size", "threads") + "".join("{:>22}".format(n) for n in variants) + \
            "".join("{:>24}".format(short[v] + " / " + n.split("(")[1].rstrip(")"))
                    for v in variants for n in references)
        print(header)
        print("-" * len(header))
        for s, t in configs:
            rates = {n: training(n, s, t)[0] for n in names}
            print("{:>5} {:>7}".format(s, t) + "".join("{:>22}".format(fmt(rates[n], 2)) for n in variants) +
                  "".join("{:>24}".format(ratio(rates[v], rates[n])) for v in variants for n in references))
        print("galaxyzoo+OpenBLAS: the same program with OpenBLAS as libblas.so.3; galaxyzoo/LibTorch2: "
              "galaxyzoo built against PyPI's LibTorch")
    print()
    print("images/s = median over {} processes per side of batch / median step time ({} / {} timed steps "
          "below / from 128 px); galaxyzoo / X >= 1.0 is the goal".format(args.rounds, *args.steps))
    print("range of the per-process figures (images/s):")
    for s, t in configs:
        print("  {:>3} px, {} thread(s): ".format(s, t) + "; ".join(
            "{} {}-{}".format(n, fmt(training(n, s, t)[1][0], 2), fmt(training(n, s, t)[1][1], 2))
            for n in names if training(n, s, t)[1]))
    every = results["training"] + results["loader"] + results["fed"]
    print("runs repeated because other programs kept more than {} cores busy: {} (of {} kept)".format(
        args.busy, sum(x["attempts"] - 1 for x in every), len(every)))
    disturbed = [x for x in results["training"] if x["other_cores_busy"] > args.busy]
    print("kept runs still disturbed: {} of {}{}".format(
        len(disturbed), len(results["training"]), "".join(
            "\n  {} at {} px, {} thread(s), round {}: {:.2f} cores, {:.2f} images/s".format(
                x["side"], x["image_size"], x["threads"], x["round"] + 1, x["other_cores_busy"],
                x["images_per_second"]) for x in disturbed)))
    print("peak RSS of the training processes (MiB, largest thread count): " + "; ".join(
        "{} px: ".format(s) + ", ".join("{} {:.0f}".format(n, max(x["process_peak_rss_mib"] for x in
                                                                 training(n, s, max(args.threads))[2]))
                                        for n in names if training(n, s, max(args.threads))[2])
        for s in args.sizes))

    if results["loader"]:
        t = max(args.threads)
        print()
        print("Image loader: {} train images of {}, training transforms, {} threads, batch {}".format(
            results["loader"][0]["images"], data, args.num_workers, args.batch_size))
        header = "{:>5} {:>9} {:>12} {:>18} {:>16} {:>12}".format(
            "size", "cache MB", "loader im/s", "training im/s", "loader/training", "peak MiB")
        print(header)
        print("-" * len(header))
        for s in args.sizes:
            train_rate = training("galaxyzoo", s, t)[0]
            for cache in (0, args.cache_mb):
                runs = [x for x in results["loader"] if x["image_size"] == s and x["cache_mb"] == cache]
                samples = [v for x in runs for v in x["samples_s"]]
                rate = runs[0]["images_per_pass"] / statistics.median(samples)
                summary.append({"loader": True, "image_size": s, "cache_mb": cache, "images_per_second": rate})
                print("{:>5} {:>9} {:>12} {:>18} {:>16} {:>12}".format(
                    s, cache, fmt(rate, 0), fmt(train_rate, 2) + " ({} thr)".format(t), ratio(rate, train_rate, 0),
                    fmt(max(x["process_peak_rss_mib"] for x in runs), 0)))
        print("loader images/s: images per pass / median pass time ({} rounds x {} passes, after 1 untimed pass)"
              .format(args.rounds, args.loader_passes))
        print()
        print("Training fed by the loader ({} threads for LibTorch, {} loader threads) against synthetic batches:"
              .format(t, args.num_workers))
        for x in results["fed"]:
            synthetic = training("galaxyzoo", x["image_size"], t)[0]
            print("  {:>3} px, cache {:>3} MB: {} images/s, synthetic {} ({})".format(
                x["image_size"], x["cache_mb"], fmt(x["images_per_second"], 2), fmt(synthetic, 2),
                ratio(x["images_per_second"], synthetic)))
    if results["memory"]:
        print()
        print("Peak memory of train_model --epochs 1 --batch_size {} --threads {} (max RSS, MiB):".format(
            args.batch_size, max(args.threads)))
        for m in results["memory"]:
            print("  {:>3} px, --cache_mb {:>3}: {:>6.0f} MiB  ({:.0f} s, epoch at {} images/s)".format(
                m["image_size"], m["cache_mb"], m["peak_rss_mib"], m["seconds"], fmt(m["epoch_images_per_second"])))
    if not args.vips_vector and results["loader"]:
        print("\n(galaxyzoo processes ran with VIPS_NOVECTOR=1; see docs/benchmarks.md)")

    if args.json_out:
        write_json(args.json_out, {"results": results, "summary": summary, "load": load})
    return 0


if __name__ == "__main__":
    sys.exit(main())
