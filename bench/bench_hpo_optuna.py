"""The per-trial overhead of an Optuna study with SQLite storage (RDBStorage), printed
as one JSON object; the counterpart of bench_hpo (see its header for the study).

    python3 bench/bench_hpo_optuna.py --db /tmp/optuna.db --prefill 1000 --trials 200 --sampler random

The --prefill finished trials are added untimed with study.add_trials() (random
parameters, one intermediate value each). Then study.optimize() runs --trials more with
RandomSampler or TPESampler (Optuna's defaults), logging off; each trial's time is the
interval between successive objective calls: tell (finish) + ask (sampling from all
trials) + report, all committed to the file.
"""

import argparse
import json
import math
import os
import random
import statistics
import time

import optuna


def space():
    return {
        "x": optuna.distributions.FloatDistribution(-10.0, 10.0),
        "y": optuna.distributions.FloatDistribution(1e-6, 1e-2, log=True),
        "c": optuna.distributions.CategoricalDistribution(["a", "b", "c"]),
    }


def value_of(params):
    return params["x"] ** 2 + params["y"] + (1.0 if params["c"] == "c" else 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bench_hpo_optuna.db")
    parser.add_argument("--prefill", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--sampler", choices=["random", "tpe"], default="random")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = (optuna.samplers.RandomSampler(seed=args.seed) if args.sampler == "random"
               else optuna.samplers.TPESampler(seed=args.seed))
    url = "sqlite:///" + os.path.abspath(args.db)
    study = optuna.create_study(study_name="bench", storage=url, sampler=sampler, direction="minimize")

    dist = space()
    rng = random.Random(args.seed + 1000)
    fill_start = time.perf_counter()
    prefill = []
    for _ in range(args.prefill):
        params = {
            "x": rng.uniform(-10.0, 10.0),
            "y": math.exp(rng.uniform(math.log(1e-6), math.log(1e-2))),
            "c": rng.choice(["a", "b", "c"]),
        }
        v = value_of(params)
        prefill.append(optuna.trial.create_trial(params=params, distributions=dist, value=v,
                                                 intermediate_values={0: v}))
    study.add_trials(prefill)
    fill_seconds = time.perf_counter() - fill_start

    calls = []

    def objective(trial):
        calls.append(time.perf_counter())
        params = {
            "x": trial.suggest_float("x", -10.0, 10.0),
            "y": trial.suggest_float("y", 1e-6, 1e-2, log=True),
            "c": trial.suggest_categorical("c", ["a", "b", "c"]),
        }
        v = value_of(params)
        trial.report(v, 0)
        return v

    start = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    end = time.perf_counter()
    calls.append(end)
    per_trial = [(b - a) * 1e3 for a, b in zip(calls, calls[1:])]
    print(json.dumps({
        "implementation": "optuna " + optuna.__version__,
        "sampler": args.sampler,
        "prefill": args.prefill,
        "trials": args.trials,
        "prefill_seconds": fill_seconds,
        "per_trial_ms_median": statistics.median(per_trial),
        "per_trial_ms_mean": (end - start) * 1e3 / args.trials,
        "finished": len(study.trials),
    }))


if __name__ == "__main__":
    main()
