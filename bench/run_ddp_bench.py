#!/usr/bin/python3
"""Data-parallel scaling: images/s of train_model with 1 process against 2 processes
(torchrun's variables on loopback, Gloo), each process with one LibTorch thread and one
decoding thread, at the same global batch.

    bench/run_ddp_bench.py --build build-ddp [--rounds 3]

The images are run_training_bench.py's (300 rendered galaxies, 256 x 256 JPEGs, made in
BUILD/bench_training_data if missing), trained on at --image_size. Each configuration
runs --epochs epochs --rounds times, alternating; the figure is the median over rounds
of the last epoch's images/s that rank 0 prints (all ranks' images over rank 0's epoch
time). Beside it: how many cores other programs kept busy meanwhile (/proc/stat less
this benchmark's own processes, work at every nice level counted: on a shared 2-core
machine the other processes decide how much of the second core a second rank gets).

Only the standard library is used; nothing here is a test.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import cpu_model  # noqa: E402
from run_training_bench import make_data  # noqa: E402

EPOCH = re.compile(r"epoch\s+(\d+)\s.*?([0-9.]+) images/s")


def busy_seconds():
    """CPU seconds the whole machine has spent busy, work at any nice level included."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def train(build, data, processes, args):
    """Runs train_model as `processes` ranks; returns (images/s of the last epoch,
    other cores busy)."""
    exe = os.path.join(build, "examples", "train_model")
    batch = args.global_batch // processes
    port = free_port()
    out = tempfile.mkdtemp(prefix="gz_ddp_bench_")
    procs = []
    busy_before = busy_seconds()
    start = time.perf_counter()
    usage_cpu = 0.0
    try:
        for rank in range(processes):
            env = dict(os.environ, VIPS_NOVECTOR="1")
            if processes > 1:
                env.update(RANK=str(rank), WORLD_SIZE=str(processes), LOCAL_RANK=str(rank),
                           MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
            command = [exe, "--input_dir", data, "--output_dir", out, "--epochs", str(args.epochs), "--patience", "0",
                       "--batch_size", str(batch), "--image_size", str(args.image_size), "--threads", "1",
                       "--num_workers", "1", "--cache_mb", "512", "--device", "cpu"]
            procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                          env=env))
        outputs = []
        for p in procs:
            text = p.stdout.read()
            _, status, usage = os.wait4(p.pid, 0)
            usage_cpu += usage.ru_utime + usage.ru_stime
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit("run_ddp_bench: train_model failed:\n" + text[-2000:])
            outputs.append(text)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    seconds = time.perf_counter() - start
    others = (busy_seconds() - busy_before - usage_cpu) / seconds
    rates = [float(m.group(2)) for m in EPOCH.finditer(outputs[0])]
    if not rates:
        sys.exit("run_ddp_bench: no epoch line in train_model's output:\n" + outputs[0][-2000:])
    return rates[-1], others


def allreduce(build, args):
    """bench_allreduce as two ranks: the gradient all-reduce of one step, in seconds."""
    exe = os.path.join(build, "bench", "bench_allreduce")
    port = free_port()
    procs = []
    for rank in range(2):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port), OMP_NUM_THREADS="1")
        procs.append(subprocess.Popen([exe, "--image_size", str(args.image_size)], stdout=subprocess.PIPE, text=True,
                                      env=env))
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode != 0 for p in procs):
        sys.exit("run_ddp_bench: bench_allreduce failed")
    return json.loads(outs[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--data", help="folder of preprocessed images (default: made in BUILD)")
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--global_batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = args.data or make_data(args.build, os.path.join(args.build, "bench_training_data"))
    results = {1: [], 2: []}
    for r in range(args.rounds):
        for n in (1, 2) if r % 2 == 0 else (2, 1):
            rate, others = train(args.build, data, n, args)
            results[n].append((rate, others))
            print("round {} processes {}: {:.1f} images/s (other programs: {:.2f} cores)".format(r, n, rate, others),
                  file=sys.stderr, flush=True)
    print("Machine: {}, {} cores; image size {}, global batch {}, {} epochs, last epoch's rate, median of {} rounds"
          .format(cpu_model(), os.cpu_count(), args.image_size, args.global_batch, args.epochs, args.rounds))
    print()
    print("| processes x threads | per-process batch | images/s | speed-up | other programs (cores) |")
    print("|---|---|---|---|---|")
    base = statistics.median(r for r, _ in results[1])
    step_seconds = args.global_batch / base
    for n in (1, 2):
        rate = statistics.median(r for r, _ in results[n])
        busy = max(o for _, o in results[n])
        print("| {} x 1 | {} | {:.1f} | {:.2f}x | {:.2f} |".format(n, args.global_batch // n, rate, rate / base, busy))
    reduce = allreduce(args.build, args)
    print()
    print("Gradient all-reduce of one step, 2 ranks on loopback (Gloo): {:.1f} M floats ({:.0f} MB), median {:.3f} s, "
          "best {:.3f} s; one step of the global batch on one process: {:.2f} s".format(
              reduce["floats"] / 1e6, reduce["floats"] * 4 / 1e6, reduce["median_seconds"], reduce["min_seconds"],
              step_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
