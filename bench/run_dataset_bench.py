#!/usr/bin/python3
"""Side-by-side benchmark: galaxyzoo versus pandas on "label + split a vote CSV".

    bench/run_dataset_bench.py --build build

generates one synthetic Kaggle-layout vote table (61,578 rows) with bench_dataset, then
runs bench_dataset (C++) and bench_dataset_pandas.py (under /usr/bin/python3) in
alternating rounds, checks that both select the same galaxies with the same labels and
per-class counters and cut the same split sizes, and prints the median seconds of each
phase and the ratio pandas / galaxyzoo. See docs/benchmarks.md.

Only the standard library is used here, so any Python 3 runs this script; the pandas side
runs under --python (default /usr/bin/python3, where Debian's pandas and numpy live).
"""

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import cpu_model

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = ["read", "label_select", "split", "manifest", "total"]
LABELS = {
    "read": "read CSV",
    "label_select": "label + select",
    "split": "shuffle + split",
    "manifest": "write manifest",
    "total": "total",
}


def run_json(command):
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("run_dataset_bench: failed ({}): {}\n{}".format(
            done.returncode, " ".join(command), done.stderr.strip()))
    return json.loads(done.stdout)


def read_manifest(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def compare_manifests(cpp_path, pandas_path):
    """Both manifests list the same galaxies with the same original file, label and
    per-class counter; only the shuffle (so each galaxy's split) may differ."""
    problems = []
    cpp, pd_ = read_manifest(cpp_path), read_manifest(pandas_path)
    columns = ["GalaxyID", "original_file", "file", "split", "label"]
    for name, rows, path in (("galaxyzoo", cpp, cpp_path), ("pandas", pd_, pandas_path)):
        with open(path, newline="") as f:
            header = next(csv.reader(f))
        if header != columns:
            problems.append("{} manifest header is {}, expected {}".format(name, header, columns))

    def key(rows):
        out = {}
        for r in rows:
            prefix = r["split"] + "_"
            if not r["file"].startswith(prefix):
                problems.append("file {} does not start with its split {}".format(r["file"], r["split"]))
            out[r["GalaxyID"]] = (r["original_file"], r["label"], r["file"][len(prefix):])
        return out

    a, b = key(cpp), key(pd_)
    if len(a) != len(cpp) or len(b) != len(pd_):
        problems.append("a manifest lists a GalaxyID twice")
    if a.keys() != b.keys():
        problems.append("{} galaxies only in galaxyzoo's manifest, {} only in pandas'".format(
            len(a.keys() - b.keys()), len(b.keys() - a.keys())))
    differing = [g for g in a.keys() & b.keys() if a[g] != b[g]]
    if differing:
        g = differing[0]
        problems.append("{} galaxies differ, e.g. {}: galaxyzoo {} pandas {}".format(
            len(differing), g, a[g], b[g]))
    return problems


def fmt_ms(seconds):
    return "{:.1f}".format(seconds * 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build",
                        help="CMake build folder holding bench/bench_dataset (default: build)")
    parser.add_argument("--rows", type=int, default=61578, help="rows of the generated table")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated table")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds; each runs both programs once (default 3)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed repeats per program per round (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed repeats at the start of every program run (default 1)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter with pandas and numpy (default /usr/bin/python3)")
    parser.add_argument("--usecols", action="store_true",
                        help="let pandas read only GalaxyID and the 8 rule columns")
    parser.add_argument("--workdir", help="folder for the CSV and manifests (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", dest="json_out", help="also write every result to this file")
    args = parser.parse_args()
    if args.rounds < 1 or args.repeats < 1 or args.warmup < 0:
        parser.error("--rounds and --repeats must be >= 1, --warmup >= 0")

    exe = os.path.join(args.build, "bench", "bench_dataset")
    if not os.access(exe, os.X_OK):
        sys.exit("run_dataset_bench: {} not found; build it with\n"
                 "  cmake -S . -B {} -DCMAKE_BUILD_TYPE=Release && cmake --build {} --target bench_dataset"
                 .format(exe, args.build, args.build))
    script = os.path.join(HERE, "bench_dataset_pandas.py")

    workdir = args.workdir or tempfile.mkdtemp(prefix="galaxyzoo-bench-")
    os.makedirs(workdir, exist_ok=True)
    try:
        csv_path = os.path.join(workdir, "training_solutions_rev1.csv")
        subprocess.run([exe, "--generate", csv_path, "--rows", str(args.rows), "--seed", str(args.seed)],
                       check=True, stderr=subprocess.DEVNULL)
        with open(csv_path, "rb") as f:  # warm the page cache for both sides
            while f.read(1 << 20):
                pass

        common = ["--csv", csv_path, "--repeats", str(args.repeats), "--warmup", str(args.warmup)]
        cpp_cmd = [exe, *common, "--output_dir", os.path.join(workdir, "out-galaxyzoo")]
        pd_cmd = [args.python, script, *common, "--output_dir", os.path.join(workdir, "out-pandas")]
        if args.usecols:
            pd_cmd.append("--usecols")

        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        results = {"galaxyzoo": [], "pandas": []}
        for r in range(args.rounds):
            order = [("galaxyzoo", cpp_cmd), ("pandas", pd_cmd)]
            if r % 2 == 1:
                order.reverse()
            for name, command in order:
                print("round {}/{}: {} ...".format(r + 1, args.rounds, name), file=sys.stderr, flush=True)
                results[name].append(run_json(command))

        # The work must be the same: same galaxies, labels, counters, split sizes.
        problems = []
        first = results["galaxyzoo"][0]
        for name in results:
            for res in results[name]:
                for field in ("rows", "unlabeled", "classes", "splits"):
                    if res[field] != first[field]:
                        problems.append("{} {} = {}, galaxyzoo {}".format(name, field, res[field], first[field]))
        problems += compare_manifests(results["galaxyzoo"][-1]["manifest"], results["pandas"][-1]["manifest"])

        samples = {name: {p: [s for res in results[name] for s in res["samples_s"][p]] for p in PHASES}
                   for name in results}
        medians = {name: {p: statistics.median(samples[name][p]) for p in PHASES} for name in results}

        versions = results["pandas"][0].get("versions", {})
        print()
        print("Labeling + splitting a {}-row vote CSV ({:.1f} MB), {} rounds x {} repeats per side"
              .format(first["rows"], os.path.getsize(csv_path) / 1e6, args.rounds, args.repeats))
        load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print("machine: {} CPUs ({}), {}; pandas {}, numpy {}, Python {}{}".format(
            os.cpu_count(), cpu_model(), platform.platform(), versions.get("pandas"), versions.get("numpy"),
            versions.get("python"), "; pandas reads 9 columns (--usecols)" if args.usecols else ""))
        print("1-minute load average {:.2f} before, {:.2f} after (other processes share the CPUs)".format(
            load_before, load_after))
        print()
        header = "{:<18}{:>16}{:>14}{:>20}".format("phase", "galaxyzoo (ms)", "pandas (ms)", "pandas / galaxyzoo")
        print(header)
        print("-" * len(header))
        for p in PHASES:
            g, q = medians["galaxyzoo"][p], medians["pandas"][p]
            ratio = "{:.1f}x".format(q / g) if g > 0 else "-"
            print("{:<18}{:>16}{:>14}{:>20}".format(LABELS[p], fmt_ms(g), fmt_ms(q), ratio))
        print()
        print("medians over {} samples per side; total is the median of whole repeats, not the "
              "sum of the phase medians".format(len(samples["galaxyzoo"]["total"])))
        print("selected per class {} (unlabeled {}); train / val / test = {train} / {val} / {test}".format(
            first["classes"], first["unlabeled"], **first["splits"]))
        if problems:
            print("\nMISMATCH between galaxyzoo and pandas:")
            for p in problems[:20]:
                print("  " + p)
        else:
            print("check: both sides select the same galaxies with the same labels and counters, "
                  "and cut the same split sizes")
        ratio = medians["pandas"]["total"] / medians["galaxyzoo"]["total"]
        print("total ratio {:.1f}x (goal: at least 5x)".format(ratio))

        if args.json_out:
            with open(args.json_out, "w") as f:
                json.dump({"results": results, "medians": medians, "problems": problems}, f, indent=2)
        return 1 if problems else 0
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not args.workdir:
            print("kept " + workdir, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
