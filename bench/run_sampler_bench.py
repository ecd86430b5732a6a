#!/usr/bin/python3
"""Side-by-side benchmark: sample efficiency of galaxyzoo's hyper-parameter samplers
against Optuna's, on standard test functions.

    bench/run_sampler_bench.py --build build --seeds 100 --trials 100

Runs bench_sampler (galaxyzoo: tpe, i.e. the multivariate TPE, tpe_independent and
random) and bench_sampler_optuna.py under Debian's python3-optuna (/usr/bin/python3,
Optuna 3.1: tpe, whose default is the independent TPE, and random) and under PyPI's
optuna (--venv_python, default: the first of build-bench-venv/bin/python and
build-hpo-venv/bin/python that imports optuna: tpe, the multivariate TPE by default since Optuna 4, tpe_independent and
random). Every study is sequential, minimises, and has the same budget; seeds
0..seeds-1. The functions (defined in both programs): a shifted 4-d sphere, Branin
(both with float parameters) and a categorical toy of four 8-way choices.

The table gives, per function and sampler, the median over seeds of the best value
after 10, 30 and 100 trials with a bootstrap 95% interval of the last (how far apart
two medians must be to differ beyond chance), the mean after 100, and the time per trial: galaxyzoo's
is the time in Sampler::sample(), Optuna's that of the whole study.optimize() divided
by its trials (in-memory storage; the objective itself is negligible). Lower values
are better; the minima are 0 (sphere, categorical) and 0.397887 (Branin).

Only the standard library is used here; nothing is a test.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys

from benchlib import cpu_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHECKPOINTS = (10, 30, 100)


def run_json(command, what):
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("run_sampler_bench: {} failed ({}): {}\n{}".format(what, proc.returncode, " ".join(command),
                                                                     proc.stderr.strip()[-3000:]))
    return json.loads(proc.stdout)


def has_optuna(python):
    """Whether python exists and imports optuna."""
    return os.path.exists(python) and subprocess.run([python, "-c", "import optuna"], capture_output=True).returncode == 0


def summarise(result, trials):
    curves = result["curves"]
    row = {"function": result["function"], "sampler": result["sampler"],
           "ms_per_trial": 1000 * result["seconds_per_trial"]}
    for k in CHECKPOINTS:
        if k <= trials:
            row["median_{}".format(k)] = statistics.median(c[k - 1] for c in curves)
    final = [c[trials - 1] for c in curves]
    row["mean_{}".format(trials)] = statistics.mean(final)
    row["median_{}_interval".format(trials)] = bootstrap_interval(final)
    return row


def bootstrap_interval(values, resamples=2000, level=0.95):
    """A percentile-bootstrap interval of the median of values (fixed seed)."""
    rng = random.Random(0)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    tail = (1 - level) / 2
    return medians[int(tail * resamples)], medians[int((1 - tail) * resamples) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="galaxyzoo build folder")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--functions", default="sphere,branin,categorical")
    parser.add_argument("--debian_python", default="/usr/bin/python3", help="Python with Debian's python3-optuna ('' to skip)")
    default_venv = next((p for p in (os.path.join(ROOT, d, "bin", "python") for d in ("build-bench-venv", "build-hpo-venv"))
                         if has_optuna(p)), "")
    parser.add_argument("--venv_python", default=default_venv, help="Python with PyPI's optuna ('' to skip)")
    parser.add_argument("--json", help="also write the summary rows here")
    args = parser.parse_args()

    common = ["--functions", args.functions, "--trials", str(args.trials), "--seeds", str(args.seeds)]
    runs = [("galaxyzoo", [os.path.join(args.build, "bench", "bench_sampler"), "--samplers",
                           "tpe,tpe_independent,random"] + common)]
    script = os.path.join(HERE, "bench_sampler_optuna.py")
    if args.debian_python:
        runs.append(("Debian", [args.debian_python, script, "--samplers", "tpe,random"] + common))
    if args.venv_python:
        runs.append(("PyPI", [args.venv_python, script, "--samplers", "tpe,tpe_independent,random"] + common))

    rows = []
    for label, command in runs:
        print("running " + label + " ...", file=sys.stderr, flush=True)
        out = run_json(command, label)
        name = out["implementation"] if label == "galaxyzoo" else "{} ({})".format(out["implementation"], label)
        for result in out["results"]:
            row = summarise(result, args.trials)
            row["implementation"] = name
            rows.append(row)

    print("{} seeds, {} trials per study; {} ({} cores)".format(args.seeds, args.trials, cpu_model(),
                                                               os.cpu_count()))
    print()
    header = ["function", "implementation", "sampler"] + ["median best @{}".format(k) for k in CHECKPOINTS
                                                            if k <= args.trials]
    header += ["95% interval of the median @{}".format(args.trials), "mean best @{}".format(args.trials),
               "ms / trial"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * (len(header) - 3)) + "|")
    for function in args.functions.split(","):
        for row in (r for r in rows if r["function"] == function):
            cells = [function, row["implementation"], row["sampler"]]
            cells += ["{:.4g}".format(row["median_{}".format(k)]) for k in CHECKPOINTS if k <= args.trials]
            low, high = row["median_{}_interval".format(args.trials)]
            cells += ["{:.4g} – {:.4g}".format(low, high), "{:.4g}".format(row["mean_{}".format(args.trials)]),
                      "{:.3g}".format(row["ms_per_trial"])]
            print("| " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
