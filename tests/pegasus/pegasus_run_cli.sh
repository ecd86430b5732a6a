#!/usr/bin/env bash
# The generated Pegasus workflow run job by job as HTCondor with condorio runs it (run_dag.py:
# each job in its own empty folder with only its staged inputs), with two search workers
# sharing one study and train_model stopped at its "wall time" once its checkpoint exists
# (exit status 3) and retried from the staged checkpoint; then run_workflow with the same
# settings on one machine: the two evaluations, models and best parameters must be equal.
#   pegasus_run_cli.sh BIN_DIR WORK_DIR PYTHON   (PYTHON: the .venv with Pegasus.api)
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../examples/cli_common.sh" "$@"
python=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
generator="$here/../../pegasus/galaxyzoo_workflow.py"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 2 --seed 5 >/dev/null 2>&1
# A crop other than the default 256, so that a generator that dropped --crop_size would
# give other predictions than run_workflow.
common=(--image_size 32 --crop_size 200 --epochs 2 --trials 2 --batch_size 8 --num_class_2 4
        --num_class_3 4 --seed 10)

start=$SECONDS
"$python" "$generator" "${common[@]}" --data_path "$work/data" --bin_dir "$bin" --output_dir "$work/gen" \
  --num_workers 3 --hpo_workers 2 --study_url "sqlite:///$work/study.db" --cores 2 --maxwalltime 30 \
  >"$work/gen.log" 2>&1 || { cat "$work/gen.log"; fail "generate"; }
"$python" "$here/check_workflow.py" "$work/gen" --num_workers 3 --hpo_workers 2 --shared_study \
  --maxwalltime 30 --num_class_2 4 --num_class_3 4 || fail "structural checks"
"$python" "$here/run_dag.py" "$work/gen" "$work/run" --stop_at_checkpoint train_model >"$work/run.log" 2>&1 ||
  { cat "$work/run.log"; tail -20 "$work"/run/jobs/*.err; fail "the DAG run"; }
echo "DAG run: $((SECONDS - start)) s"

"$python" - "$work/run/dag_run.json" <<'PY' || { cat "$work/run.log"; fail "attempts"; }
import json, sys
runs = json.load(open(sys.argv[1]))
train = [r for r in runs if r["job"] == "train_model"]
assert [r["exit"] for r in train] == [3, 0], train  # stopped at the wall time, then resumed
assert all(r["attempt"] == 0 and r["exit"] == 0 for r in runs if r["job"] != "train_model"), runs
assert len(runs) == 3 + 2 + 2 + 1 + 2 + 1, [r["job"] for r in runs]
PY
# The retry starts at epoch 2: it resumed from the checkpoint that attempt 0 staged back.
if ! grep -q "^epoch 1/2" "$work/run/jobs/train_model.0.out" || grep -q "^epoch 1/2" "$work/run/jobs/train_model.1.out" ||
  ! grep -q "^epoch 2/2" "$work/run/jobs/train_model.1.out"; then
  fail "the retried train_model did not resume from its checkpoint"
fi
# The second worker found the study's trials all taken: it ran none.
grep -q "This run: 0 complete" "$work/run/jobs/vgg16_hpo_worker_1.0.out" || fail "worker 1 ran trials twice"

# The DAG's training starts from its first epoch (no trial checkpoint travels between jobs).
one=(--num_workers 2)
if "$bin/run_workflow" --help | grep -q -- --no_reuse; then one+=(--no_reuse); fi
start=$SECONDS
"$bin/run_workflow" "${common[@]}" --input_dir "$work/data" --output_dir "$work/one" "${one[@]}" \
  >"$work/one.log" 2>&1 || { cat "$work/one.log"; fail "run_workflow"; }
echo "run_workflow: $((SECONDS - start)) s"

cmp "$work/one/model/final_vgg16_model.pt" "$work/run/outputs/final_vgg16_model.pt" ||
  fail "the DAG's model differs from run_workflow's"
cmp "$work/one/hpo/best_vgg16_hpo_params.txt" "$work/run/staging/best_vgg16_hpo_params.txt" ||
  fail "the DAG's best parameters differ from run_workflow's"
cmp "$work/one/evaluation/exp_results.csv" "$work/run/outputs/exp_results.csv" ||
  fail "the DAG's exp_results.csv differs from run_workflow's"
"$python" - "$work/one/evaluation" "$work/run/outputs" <<'PY' || fail "the evaluations differ"
import csv, json, os, sys
a, b = (json.load(open(os.path.join(d, "metrics.json"))) for d in sys.argv[1:])
assert a["accuracy"] == b["accuracy"] and a["confusion_matrix"] == b["confusion_matrix"], (a, b)
rows = [[(os.path.basename(r["file"]), r["predicted"]) for r in csv.DictReader(open(os.path.join(d, "predictions.csv")))]
        for d in sys.argv[1:]]
assert rows[0] == rows[1] and rows[0], rows
PY

# The single search job of a workflow without --study_url, its study a checkpoint file:
# stopped as soon as the study exists (exit 3), retried with the staged study, it ends with
# the same trials as run_workflow's search.
"$python" "$generator" "${common[@]}" --data_path "$work/data" --bin_dir "$bin" --output_dir "$work/gen_a" \
  --num_workers 2 --cores 2 --maxwalltime 30 >"$work/gen_a.log" 2>&1 || { cat "$work/gen_a.log"; fail "generate (one search job)"; }
"$python" "$here/run_dag.py" "$work/gen_a" "$work/run_a" --target vgg16_hpo --stop_at_checkpoint vgg16_hpo \
  >"$work/run_a.log" 2>&1 || { cat "$work/run_a.log"; tail -20 "$work"/run_a/jobs/*.err; fail "the DAG run up to the search"; }
"$python" - "$work/run_a/dag_run.json" <<'PY' || { cat "$work/run_a.log"; fail "search attempts"; }
import json, sys
runs = json.load(open(sys.argv[1]))
assert [r["exit"] for r in runs if r["job"] == "vgg16_hpo"] == [3, 0], runs
assert not any(r["job"] in ("train_model", "eval_model") for r in runs), runs
PY
grep -q "Stopped on request" "$work/run_a/jobs/vgg16_hpo.0.out" || fail "the search was not stopped in a trial"
cmp "$work/one/hpo/best_vgg16_hpo_params.txt" "$work/run_a/outputs/best_vgg16_hpo_params.txt" ||
  fail "the resumed single search job's best parameters differ from run_workflow's"
"$python" - "$work/one/hpo/vgg16_hpo_trials.csv" "$work/run_a/outputs/vgg16_hpo_trials.csv" <<'PY' ||
import csv, sys
# Numbers, values, parameters and states; not times, attempts or workers.
same = lambda c: c in ("number", "value", "state", "layer", "lr_body", "lr_head") or c.startswith("params_")
a, b = ([{k: v for k, v in r.items() if same(k)} for r in csv.DictReader(open(f))] for f in sys.argv[1:])
assert a == b and len(a) == 2, (a, b)
PY
  fail "the resumed search's trials differ from run_workflow's"
echo "pegasus run: all checks passed"
