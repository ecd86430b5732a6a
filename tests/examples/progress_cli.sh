#!/usr/bin/env bash
# Progress and logs as a user sees them off a terminal (output into files):
#  1. no carriage return reaches a file, from any program or from --log_file;
#  2. the progress lines inside an epoch have one form in train_model, vgg16_hpo and
#     run_workflow: [trial N/M  ]epoch E/EPOCHS  batch B/BATCHES  R images/s  elapsed
#     M:SS  ETA epoch M:SS, step M:SS;
#  3. --log_file gets what the console got, --quiet leaves standard output empty, and
#     --events writes one JSON object per epoch, trial and step;
#  4. the history CSV counts epochs from 1;
#  5. every program offers --quiet, --verbose, --log_file and --events.
#   progress_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

no_cr() {  # FILE...: fails if a file holds a carriage return
  for f in "$@"; do
    if grep -q $'\r' "$f"; then fail "carriage return in $f"; fi
  done
}
form='^(trial [0-9]+/[0-9]+  )?epoch [0-9]+/[0-9]+  batch [0-9]+/[0-9]+  [0-9]+\.[0-9] images/s  elapsed [0-9]+:[0-9]{2}  ETA epoch ([0-9]+:[0-9]{2}|-:--), step ([0-9]+:[0-9]{2}|-:--)$'
same_form() {  # NAME FILE: the file's batch lines exist and all have the one form
  local lines
  lines=$(grep -E '(^|  )batch [0-9]+/' "$2" || true)
  [ -n "$lines" ] || fail "$1: no progress lines inside an epoch"
  if grep -Ev "$form" <<<"$lines"; then fail "$1: progress lines of another form (above)"; fi
}

# Every program offers the output flags.
for p in make_test_dataset create_dataset preprocess_resize augment_data vgg16_hpo train_model \
         eval_model classify run_workflow; do
  "$bin/$p" --help >"$work/help.txt" 2>&1 || fail "$p --help"
  for flag in --quiet --verbose --log_file --events; do
    grep -q -- "$flag" "$work/help.txt" || fail "$p --help lacks $flag"
  done
done

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 8 --unlabeled 2 --seed 5 \
  >"$work/render.out" 2>&1 || { cat "$work/render.out"; fail "make_test_dataset"; }
no_cr "$work/render.out"
grep -Eq '^rendered 42/42  ' "$work/render.out" || fail "no final 'rendered' line"

# run_workflow, with a log file and an event log.
"$bin/run_workflow" --input_dir "$work/data" --output_dir "$work/wf" --image_size 32 --epochs 2 \
  --hpo_epochs 1 --trials 1 --batch_size 8 --num_class_2 6 --num_class_3 6 --num_workers 2 \
  --log_file "$work/wf.log" --events "$work/wf.events" >"$work/wf.out" 2>&1 ||
  { cat "$work/wf.out"; fail "run_workflow"; }
no_cr "$work/wf.out" "$work/wf.log"
same_form run_workflow "$work/wf.out"
grep -Eq '^trial 1/1  epoch 1/1  batch ' "$work/wf.out" || fail "run_workflow: no trial prefix"
diff <(sort "$work/wf.out") <(sort "$work/wf.log") || fail "--log_file differs from what was printed"
/usr/bin/python3 - "$work/wf.events" <<'PY' || fail "event log"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
types = [e["type"] for e in events]
assert types.count("trial") == 1 and types.count("step") == 7, types
steps = [e for e in events if e["type"] == "step"]
assert [s["step"] for s in steps][-1] == "eval_model" and all(s["state"] == "ran" for s in steps), steps
# The trial's epoch, then the final training's (which may continue from the best trial's).
epochs = [e for e in events if e["type"] == "epoch"]
assert (epochs[0]["epoch"], epochs[0]["epochs"]) == (1, 1), epochs
assert (epochs[-1]["epoch"], epochs[-1]["epochs"]) == (2, 2), epochs
assert all(e["time"] > 1.6e9 and e["images_per_second"] > 0 for e in epochs), epochs
PY

# vgg16_hpo and train_model on the workflow's images.
"$bin/vgg16_hpo" --input_dir "$work/wf/preprocessed" --output_dir "$work/hpo" --image_size 32 \
  --epochs 1 --trials 1 --batch_size 8 --num_workers 2 >"$work/hpo.out" 2>&1 ||
  { cat "$work/hpo.out"; fail "vgg16_hpo"; }
no_cr "$work/hpo.out"
same_form vgg16_hpo "$work/hpo.out"

"$bin/train_model" --input_dir "$work/wf/preprocessed" --output_dir "$work/train" --image_size 32 \
  --epochs 2 --batch_size 8 --num_workers 2 --log_file "$work/train.log" >"$work/train.out" 2>&1 ||
  { cat "$work/train.out"; fail "train_model"; }
no_cr "$work/train.out" "$work/train.log"
same_form train_model "$work/train.out"
grep -Eq '^epoch 2/2  train loss' "$work/train.out" || fail "train_model: no line of epoch 2/2"
cut -d, -f1 "$work/train/history_vgg16.csv" | tr '\n' ' ' | grep -qx 'epoch 1 2 ' ||
  fail "history epochs not 1 2: $(cat "$work/train/history_vgg16.csv")"

# --quiet: nothing on standard output; the log file still gets everything.
"$bin/train_model" --input_dir "$work/wf/preprocessed" --output_dir "$work/quiet" --image_size 32 \
  --epochs 1 --batch_size 8 --num_workers 2 --quiet --log_file "$work/quiet.log" \
  >"$work/quiet.out" 2>"$work/quiet.err" || { cat "$work/quiet.err"; fail "train_model --quiet"; }
[ -s "$work/quiet.out" ] && fail "--quiet printed to standard output: $(cat "$work/quiet.out")"
grep -q 'batch ' "$work/quiet.err" && fail "--quiet printed progress"
same_form "train_model --quiet --log_file" "$work/quiet.log"
grep -Eq '^epoch 1/1  train loss' "$work/quiet.log" || fail "--quiet's log lacks the epoch line"
no_cr "$work/quiet.log"
echo "progress: all checks passed"
