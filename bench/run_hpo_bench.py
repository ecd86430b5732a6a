#!/usr/bin/python3
"""Side-by-side benchmark: the per-trial overhead of galaxyzoo's hyper-parameter search
(HpoSearch with its SQLite storage) against Optuna with SQLite RDBStorage.

    nice -n 19 bench/run_hpo_bench.py --build build --venv_python build-study-venv/bin/python

For each sampler (random, TPE) the same study (3 parameters, see bench_hpo.cpp) gets
--prefill finished trials untimed, then --trials (--tpe_trials for TPE) timed trials,
each: finish the previous trial + claim/ask a new one (sampling from every trial so far)
+ report one intermediate value, all committed to the SQLite file. The contenders:

- galaxyzoo: bench_hpo (WAL journal, synchronous NORMAL: durable against a killed
  process, may lose the last commits on power loss), and bench_hpo --full_sync (an fsync
  per commit, as Optuna's SQLite does);
- Optuna from PyPI (--venv_python, e.g. a venv with `pip install optuna`) and Debian's
  python3-optuna (/usr/bin/python3), bench_hpo_optuna.py, study.optimize().

Each runs --rounds times in its own process, in a rotated order, with a fresh database
in --work (default BUILD/bench_hpo). The figure is the median over rounds of each run's
median per-trial time; the ratio is Optuna / galaxyzoo (goal: >= 10).

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

from benchlib import cpu_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--venv_python", default=os.path.join(ROOT, "build-study-venv", "bin", "python"))
    parser.add_argument("--work", default=None)
    parser.add_argument("--prefill", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--tpe_trials", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", default=None, help="write all results as JSON here")
    args = parser.parse_args()

    bench = os.path.join(args.build, "bench", "bench_hpo")
    if not os.path.exists(bench):
        sys.exit(f"{bench} not found: build it with -DGALAXYZOO_BUILD_BENCH=ON (target bench_hpo)")
    work = args.work or os.path.join(args.build, "bench_hpo")
    os.makedirs(work, exist_ok=True)
    script = os.path.join(HERE, "bench_hpo_optuna.py")

    contenders = [
        ("galaxyzoo", lambda db, s, n: [bench, "--db", db, "--sampler", s, "--prefill", str(args.prefill), "--trials", str(n)]),
        ("galaxyzoo, synchronous FULL",
         lambda db, s, n: [bench, "--db", db, "--sampler", s, "--prefill", str(args.prefill), "--trials", str(n), "--full_sync"]),
    ]
    for label, python in (("Optuna (PyPI)", args.venv_python), ("Optuna (Debian)", "/usr/bin/python3")):
        if os.path.exists(python):
            contenders.append((label, lambda db, s, n, p=python: [p, script, "--db", db, "--sampler", s,
                                                                  "--prefill", str(args.prefill), "--trials", str(n)]))
        else:
            print(f"skipping {label}: {python} not found", file=sys.stderr)

    results = []
    for sampler, trials in (("random", args.trials), ("tpe", args.tpe_trials)):
        runs = {label: [] for label, _ in contenders}
        for r in range(args.rounds):
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            for label, command in order:
                db = os.path.join(work, "study.db")
                result = run_json(command(db, sampler, trials))
                runs[label].append(result)
                print(f"{sampler:6} {label:30} round {r}: median {result['per_trial_ms_median']:.3f} ms, "
                      f"mean {result['per_trial_ms_mean']:.3f} ms ({result['implementation']})", file=sys.stderr)
        for label, rs in runs.items():
            results.append({
                "sampler": sampler, "contender": label, "implementation": rs[0]["implementation"],
                "per_trial_ms_median": statistics.median(x["per_trial_ms_median"] for x in rs),
                "per_trial_ms_mean": statistics.median(x["per_trial_ms_mean"] for x in rs),
                "rounds": [x["per_trial_ms_median"] for x in rs],
            })
    shutil.rmtree(work, ignore_errors=True)

    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"{args.prefill} finished trials before timing; {args.rounds} rounds; databases in {work}\n")
    print("| Sampler | Implementation | ms per trial (median) | ms per trial (mean) | Optuna / galaxyzoo |")
    print("|---|---|---:|---:|---|")
    for r in results:
        ours = [x for x in results if x["sampler"] == r["sampler"] and x["contender"].startswith("galaxyzoo")]
        ratio = ""
        if r["contender"].startswith("Optuna"):
            ratio = ", ".join(f"{r['per_trial_ms_median'] / o['per_trial_ms_median']:.0f}x vs {o['contender']}" for o in ours)
        name = r["contender"] if r["contender"].startswith("galaxyzoo") else f"{r['contender']} {r['implementation']}"
        print(f"| {r['sampler']} | {name} | {r['per_trial_ms_median']:.2f} | "
              f"{r['per_trial_ms_mean']:.2f} | {ratio} |")
    if args.output:
        with open(args.output, "w") as f:
            json.dump({"machine": cpu_model(), "prefill": args.prefill, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
