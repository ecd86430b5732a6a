#!/usr/bin/python3
"""End to end: train_model with its default flags against plain PyTorch on images decoded
once into memory, on the same images, model, batch and epochs.

    bench/run_train_model_bench.py --build build

Runs, --rounds times each in a rotated order:
  - train_model with its default flags (the decoded-image cache on, its default budget),
  - train_model --cache_mb 0 (every image decoded every epoch, the old default),
  - bench_train_preloaded.py under Debian's python3-torch (--python): the same model and
    transforms, the images decoded once before training (not timed);
all at --image_size (64) with --batch_size (16) for --epochs (3), with one intra-op
thread per core on both sides (train_model's default --threads 0; Debian's torch would
start with one). train_model's rate per epoch is read from its history CSV (images over the time
of the training batches, validation not included), PyTorch's from its JSON, counted the
same way. The figure compared is the mean over the epochs after the first (the first
fills train_model's cache); the first epoch is shown too. galaxyzoo / PyTorch >= 1.0 is
the goal (issue 19, part 3).

The images: --data, or made here (make_test_dataset --per_class 150 --unlabeled 0,
create_dataset, preprocess_resize: 256 x 256 JPEGs) in BUILD/bench_train_model_data.
For every process the runner reports how many cores other programs kept busy meanwhile
(see run_training_bench.py); nothing here is a test.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import cpu_model, write_json
from run_training_bench import make_data, run

HERE = os.path.dirname(os.path.abspath(__file__))


def train_model_rates(build, data, out_dir, args, extra):
    """Per-epoch images/s of one train_model run, and the other programs' busy cores."""
    command = [os.path.join(build, "examples", "train_model"), "--input_dir", data, "--output_dir", out_dir,
               "--image_size", str(args.image_size), "--batch_size", str(args.batch_size),
               "--epochs", str(args.epochs), "--patience", "0"] + extra
    _, rss, seconds, others = run(command, what="train_model")
    with open(os.path.join(out_dir, "history_vgg16.csv")) as f:
        rows = list(csv.DictReader(f))
    return {"rates": [float(r["images_per_second"]) for r in rows],
            "val_loss": [float(r["val_loss"]) for r in rows], "seconds": seconds, "rss_mib": rss,
            "others": others}


def pytorch_rates(data, args):
    out, rss, seconds, others = run([args.python, os.path.join(HERE, "bench_train_preloaded.py"),
                                     "--data", data, "--image_size", str(args.image_size),
                                     "--batch_size", str(args.batch_size), "--epochs", str(args.epochs),
                                     "--threads", str(os.cpu_count())],
                                    what="bench_train_preloaded.py")
    result = json.loads(out)
    return {"rates": [e["images_per_second"] for e in result["epochs"]],
            "val_loss": [e["val_loss"] for e in result["epochs"]], "seconds": seconds, "rss_mib": rss,
            "others": others, "torch": result["torch"], "train_images": result["train_images"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="CMake build folder (default: build)")
    parser.add_argument("--python", default="/usr/bin/python3", help="interpreter with torch (Debian's)")
    parser.add_argument("--data", help="preprocessed images (default: made in BUILD/bench_train_model_data)")
    parser.add_argument("--per_class", type=int, default=150, help="galaxies per class of the made data")
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (at least 2)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", dest="json_out", help="also write every result to this file")
    args = parser.parse_args()
    if args.epochs < 2 or args.rounds < 1:
        parser.error("--epochs must be at least 2 and --rounds at least 1")
    build = os.path.abspath(args.build)
    data = args.data or make_data(build, os.path.join(build, "bench_train_model_data"), args.per_class)

    sides = [("train_model (default)", []), ("train_model --cache_mb 0", ["--cache_mb", "0"]),
             ("PyTorch, preloaded", None)]
    results = {name: [] for name, _ in sides}
    load = [os.getloadavg()[0]]
    started = time.time()
    for r in range(args.rounds):
        for name, extra in sides[r % len(sides):] + sides[:r % len(sides)]:
            print("round {}/{}: {} ...".format(r + 1, args.rounds, name), file=sys.stderr, flush=True)
            if extra is None:
                results[name].append(pytorch_rates(data, args))
                continue
            out_dir = tempfile.mkdtemp(prefix="galaxyzoo-bench-")
            try:
                results[name].append(train_model_rates(build, data, out_dir, args, extra))
            finally:
                shutil.rmtree(out_dir, ignore_errors=True)
    load.append(os.getloadavg()[0])

    def steady(name):
        """Median over rounds of the mean rate of the epochs after the first."""
        return statistics.median(statistics.mean(x["rates"][1:]) for x in results[name])

    def first(name):
        return statistics.median(x["rates"][0] for x in results[name])

    reference = steady("PyTorch, preloaded")
    torch_version = results["PyTorch, preloaded"][0]["torch"]
    print()
    print("train_model end to end against PyTorch on preloaded images: {} train images of {}, {} px, batch {}, "
          "{} epochs, {} round(s)".format(results["PyTorch, preloaded"][0]["train_images"], data,
                                           args.image_size, args.batch_size, args.epochs, args.rounds))
    print("machine: {} CPUs ({}), {}; torch {}".format(os.cpu_count(), cpu_model(), platform.platform(),
                                                       torch_version))
    print("1-minute load average: {:.2f} -> {:.2f}; {:.0f} s in all".format(load[0], load[1],
                                                                            time.time() - started))
    print()
    header = "{:<26} {:>14} {:>18} {:>12} {:>14}".format("", "epoch 1 im/s", "epochs 2+ im/s", "/ PyTorch",
                                                         "others busy")
    print(header)
    print("-" * len(header))
    summary = {}
    for name, _ in sides:
        rate = steady(name)
        summary[name] = {"first_epoch": first(name), "later_epochs": rate, "ratio": rate / reference}
        print("{:<26} {:>14.1f} {:>18.1f} {:>11.2f}x {:>13.2f}".format(
            name, first(name), rate, rate / reference, max(x["others"] for x in results[name])))
    print("\nvalidation losses per epoch (first round): " + "; ".join(
        "{}: {}".format(name, ", ".join("{:.4f}".format(v) for v in results[name][0]["val_loss"]))
        for name, _ in sides))
    if args.json_out:
        write_json(args.json_out, {"results": results, "summary": summary, "load": load})
    return 0


if __name__ == "__main__":
    sys.exit(main())
