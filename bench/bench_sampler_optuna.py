#!/usr/bin/python3
"""Sample efficiency of Optuna's samplers on the test functions of bench_sampler.cpp;
prints one JSON object in bench_sampler's form.

    python3 bench/bench_sampler_optuna.py --functions sphere,branin,categorical \
        --samplers tpe,random --trials 100 --seeds 30

For each function, sampler and seed 0..seeds-1: optuna.create_study() (in-memory
storage, minimise) with TPESampler(seed=seed) (tpe: Optuna's defaults, which are the
independent TPE before Optuna 4 and the multivariate TPE from 4 on),
TPESampler(seed=seed, multivariate=False) (tpe_independent), TPESampler(seed=seed,
multivariate=True) (tpe_multivariate) or RandomSampler(seed=seed) (random), then
study.optimize(objective, n_trials=trials). The functions are
those of bench_sampler.cpp (keep the two in step). The JSON holds one best-so-far
curve per seed and the seconds per trial of the whole optimize() call (sampling,
storage and the objective; the objective is negligible).

Run by bench/run_sampler_bench.py under Debian's python3-optuna and PyPI's optuna.
"""

import argparse
import json
import math
import sys
import time
import warnings

import optuna

SPHERE_CENTRE = (1.5, -2.0, 0.5, 3.0)
CATEGORICAL_COSTS = ((3, 7, 0, 5, 2, 6, 4, 1),
                     (5, 1, 6, 0, 7, 3, 2, 4),
                     (0, 4, 2, 7, 5, 1, 6, 3),
                     (6, 3, 5, 2, 0, 4, 1, 7))
CHOICES = tuple("abcdefgh")


def sphere(trial):
    return sum((trial.suggest_float("x{}".format(i), -5, 5) - c) ** 2 for i, c in enumerate(SPHERE_CENTRE))


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def categorical(trial):
    total = 0.0
    for i, costs in enumerate(CATEGORICAL_COSTS):
        choice = trial.suggest_categorical("c{}".format(i), CHOICES)
        total += costs[CHOICES.index(choice)]
    return total


FUNCTIONS = {"sphere": sphere, "branin": branin, "categorical": categorical}


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe_independent":
        return optuna.samplers.TPESampler(seed=seed, multivariate=False)
    if name == "tpe_multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    sys.exit("bench_sampler_optuna: unknown sampler " + name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", default="sphere,branin,categorical")
    parser.add_argument("--samplers", default="tpe,random")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")  # "multivariate is experimental" in Optuna 3

    results = []
    for function in [f for f in args.functions.split(",") if f]:
        objective = FUNCTIONS[function]
        for sampler_name in [s for s in args.samplers.split(",") if s]:
            curves, seconds = [], 0.0
            for seed in range(args.seeds):
                study = optuna.create_study(sampler=make_sampler(sampler_name, seed), direction="minimize")
                start = time.perf_counter()
                study.optimize(objective, n_trials=args.trials)
                seconds += time.perf_counter() - start
                best, curve = math.inf, []
                for t in sorted(study.trials, key=lambda t: t.number):
                    best = min(best, t.value)
                    curve.append(best)
                curves.append(curve)
            results.append({"function": function, "sampler": sampler_name, "curves": curves,
                            "seconds_per_trial": seconds / (args.seeds * args.trials)})
    print(json.dumps({"implementation": "optuna " + optuna.__version__, "trials": args.trials,
                      "seeds": args.seeds, "results": results}))


if __name__ == "__main__":
    main()
