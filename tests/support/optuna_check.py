"""Opens a galaxyzoo study's Optuna journal with the Optuna of the interpreter that runs
this script (Debian's python3-optuna 3.1, or the current release in .venv) and checks it.

    optuna_check.py JOURNAL STUDY TRIALS_CSV [EXPECTED_JSON]

Checks that the study loads; that TRIALS_CSV starts with exactly the columns and cells of
the study's trials_dataframe().to_csv(index=False), followed by galaxyzoo's own columns;
and, given EXPECTED_JSON (written by make_optuna_study), that every trial has the expected
state, value, parameters, intermediate values and times. Exit status 77 (a ctest skip)
when this interpreter has no optuna."""
import csv
import io
import json
import sys

try:
    import optuna
except ImportError:
    print("optuna_check: %s has no optuna (scripts/install-optuna.sh installs it into .venv)"
          % sys.executable)
    sys.exit(77)
from optuna.storages import JournalStorage

try:
    from optuna.storages.journal import JournalFileBackend as Backend  # Optuna 4 and later
except ImportError:
    from optuna.storages import JournalFileStorage as Backend  # Optuna 3.1

optuna.logging.set_verbosity(optuna.logging.WARNING)
journal, name, trials_csv = sys.argv[1:4]
study = optuna.load_study(study_name=name, storage=JournalStorage(Backend(journal)))
trials = study.get_trials(deepcopy=False)

ours = list(csv.reader(open(trials_csv, newline="")))
theirs = list(csv.reader(io.StringIO(study.trials_dataframe().to_csv(index=False))))
width = len(theirs[0])
assert ours[0][:width] == theirs[0], "columns differ:\n  ours   %s\n  optuna %s" % (ours[0], theirs[0])
assert ours[0][width:] == ["attempts", "worker", "message"], ours[0][width:]
assert len(ours) == len(theirs), (len(ours), len(theirs))
for a, b in zip(ours[1:], theirs[1:]):
    assert a[:width] == b, "row differs:\n  ours   %s\n  optuna %s" % (a[:width], b)


def when(t):
    return t.isoformat(sep=" ", timespec="microseconds") if t else ""


if len(sys.argv) > 4:
    expected = json.load(open(sys.argv[4]))
    assert len(trials) == len(expected), (len(trials), len(expected))
    for t, e in zip(trials, expected):
        assert t.number == e["number"], (t.number, e)
        assert t.state.name == e["state"], (t.state, e)
        assert t.value == e["value"], (t.value, e)
        assert t.params == e["params"], (t.params, e)
        assert t.intermediate_values == {int(k): v for k, v in e["intermediate"].items()}, (
            t.intermediate_values, e)
        assert when(t.datetime_start) == e["datetime_start"], (t.datetime_start, e)
        assert when(t.datetime_complete) == e["datetime_complete"], (t.datetime_complete, e)
        d = t.distributions
        assert isinstance(d["x"], optuna.distributions.FloatDistribution) and d["x"].log, d
        assert d["layer"].choices == (0, 21), d
        assert isinstance(d["batch"], optuna.distributions.IntDistribution), d
        assert (d["batch"].low, d["batch"].high, d["batch"].step) == (8, 64, 8), d
        assert d["optimizer"].choices == ("sgd", "adam"), d
    complete = [e for e in expected if e["state"] == "COMPLETE"]
    assert study.best_trial.number == min(complete, key=lambda e: e["value"])["number"]

states = {}
for t in trials:
    states[t.state.name] = states.get(t.state.name, 0) + 1
print("optuna %s read %d trials (%s) of study '%s'; the CSV matches trials_dataframe()"
      % (optuna.__version__, len(trials),
         ", ".join("%d %s" % (n, s) for s, n in sorted(states.items())), name))
