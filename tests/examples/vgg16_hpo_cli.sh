#!/usr/bin/env bash
# vgg16_hpo as a user runs it on tiny generated data: two trials, a restart that has
# nothing left to do, one more trial, a refused change of search space, a SIGTERM in the
# middle of a trial and the run that resumes it, and train_model reading the best
# parameters it wrote.
#   vgg16_hpo_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 0 --seed 3 >/dev/null 2>&1
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" >/dev/null 2>&1

epochs=2
hpo() {
  "$bin/vgg16_hpo" --input_dir "$work/pre" --output_dir "$work/hpo" --image_size 32 --batch_size 8 --epochs "$epochs" \
    --sampler random --seed 4 --num_workers 1 "$@"
}
hpo --trials 2 >"$work/first.log" 2>&1 || { cat "$work/first.log"; fail "first search failed"; }
out=$work/hpo
for n in 0 1; do
  for f in early_stopping_vgg16_model_trial$n.pt loss_vgg16_trial$n.png history_vgg16_trial$n.csv; do
    [ -s "$out/$f" ] || fail "missing $f"
  done
done
for f in hpo_galaxy_vgg16.db best_vgg16_hpo_params.txt best_vgg16_hpo_trial.json vgg16_hpo_trials.csv; do
  [ -s "$out/$f" ] || fail "missing $f"
done
[ "$(grep -c "^trial [0-9]* complete" "$work/first.log")" -eq 2 ] || { cat "$work/first.log"; fail "expected two progress lines"; }
grep -q "^lr_head: " "$out/best_vgg16_hpo_params.txt" || fail "best params lack lr_head"
[ "$(wc -l <"$out/vgg16_hpo_trials.csv")" -eq 3 ] || fail "the trials CSV should have a header and 2 rows"
head -1 "$out/vgg16_hpo_trials.csv" |
  grep -q "^number,value,datetime_start,datetime_complete,duration,params_layer,params_lr_body,params_lr_head,state,attempts,worker,message$" ||
  fail "unexpected CSV header"
for f in vgg16_hpo.optuna.log vgg16_hpo_history.png vgg16_hpo_history.svg vgg16_hpo_intermediate.png \
  vgg16_hpo_intermediate.svg vgg16_hpo_params.png vgg16_hpo_params.svg; do
  [ -s "$out/$f" ] || fail "missing $f"
done
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["state"]=="complete" and "lr_head" in d["params"], d' \
    "$out/best_vgg16_hpo_trial.json" || fail "best trial JSON does not parse"
fi

# The same total again: nothing to run. One more trial: exactly one.
hpo --trials 2 >"$work/second.log" 2>&1 || { cat "$work/second.log"; fail "second search failed"; }
grep -q "This run: 0 complete" "$work/second.log" || { cat "$work/second.log"; fail "a finished study should run nothing"; }
hpo --trials 3 >"$work/third.log" 2>&1 || { cat "$work/third.log"; fail "third search failed"; }
grep -q "This run: 1 complete" "$work/third.log" || { cat "$work/third.log"; fail "expected exactly one more trial"; }
[ "$(wc -l <"$out/vgg16_hpo_trials.csv")" -eq 4 ] || fail "the trials CSV should have 3 rows"

# Another search space for the same study: a clear error, the database untouched.
cp "$out/hpo_galaxy_vgg16.db" "$work/before.db"
echo '{"layer": {"type": "categorical", "choices": [21]}, "lr_body": {"type": "categorical", "choices": [1e-7]}, "lr_head": {"type": "float", "low": 1e-5, "high": 1e-3, "log": true}}' >"$work/space.json"
if hpo --trials 4 --space "$work/space.json" >"$work/refused.log" 2>&1; then
  fail "a changed search space should be refused"
fi
grep -q "another search space" "$work/refused.log" || { cat "$work/refused.log"; fail "the refusal should say why"; }
cmp -s "$out/hpo_galaxy_vgg16.db" "$work/before.db" || fail "the refused run changed the database"

# SIGTERM in the middle of a trial (once its first epoch is checkpointed): exit status 3,
# and the next run re-runs that trial first, continuing from its checkpoint.
epochs=3
# Not through hpo(): $! must be the program itself, not a subshell.
"$bin/vgg16_hpo" --input_dir "$work/pre" --output_dir "$work/hpo" --image_size 32 --batch_size 8 --epochs 3 \
  --sampler random --seed 4 --num_workers 1 --trials 4 >"$work/stopped.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ -f "$out/checkpoint_vgg16_trial3.pt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -f "$out/checkpoint_vgg16_trial3.pt" ] || { cat "$work/stopped.log"; fail "no checkpoint of trial 3"; }
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 3 ] || { cat "$work/stopped.log"; fail "SIGTERM should exit with status 3, got $status"; }
hpo --trials 4 >"$work/resumed.log" 2>&1 || { cat "$work/resumed.log"; fail "resumed search failed"; }
grep -q "^trial 3 re-run (attempt 2)" "$work/resumed.log" || { cat "$work/resumed.log"; fail "trial 3 should be re-run"; }
grep -q "This run: 1 complete" "$work/resumed.log" || { cat "$work/resumed.log"; fail "expected exactly one trial"; }
[ ! -f "$out/checkpoint_vgg16_trial3.pt" ] || fail "a finished trial's checkpoint should be gone"
# Optuna (Debian's 3.1, and the current one in .venv when scripts/install-optuna.sh made it)
# loads the study from the journal, trial 3's re-run included, and the trials CSV matches
# its trials_dataframe().
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for python in /usr/bin/python3 "$here/../../.venv/bin/python"; do
  [ -x "$python" ] || continue
  status=0
  "$python" "$here/../support/optuna_check.py" "$out/vgg16_hpo.optuna.log" vgg16_hpo "$out/vgg16_hpo_trials.csv" \
    >"$work/optuna.log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 77 ] || { cat "$work/optuna.log"; fail "$python's optuna cannot read the study"; }
  cat "$work/optuna.log"
done
# The same files from the database alone, without running a trial.
"$bin/vgg16_hpo" --storage "$out/hpo_galaxy_vgg16.db" --output_dir "$work/exported" --export_optuna \
  >"$work/export.log" 2>&1 || { cat "$work/export.log"; fail "--export_optuna failed"; }
cmp "$out/vgg16_hpo_trials.csv" "$work/exported/vgg16_hpo_trials.csv" || fail "the exported trials CSV differs"
for f in vgg16_hpo.optuna.log vgg16_hpo_history.png vgg16_hpo_params.svg best_vgg16_hpo_params.txt; do
  [ -s "$work/exported/$f" ] || fail "--export_optuna wrote no $f"
done
if "$bin/vgg16_hpo" --output_dir "$work/nothing" --export_optuna >"$work/export2.log" 2>&1; then
  fail "--export_optuna without a study should fail"
fi
grep -q "no study database" "$work/export2.log" || { cat "$work/export2.log"; fail "the error should name the database"; }

# train_model takes the best parameters.
"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 8 --epochs 1 \
  --params "$out/best_vgg16_hpo_params.txt" >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "train_model --params failed"; }
best=$(sed -n 's/^lr_head: //p' "$out/best_vgg16_hpo_params.txt")
used=$(sed -n 's/.*lr_head \([^ ;]*\).*/\1/p' "$work/train.log" | head -1)
awk -v a="$best" -v b="$used" 'BEGIN { exit !(a + 0 == b + 0 && b != "") }' ||
  { cat "$work/train.log"; fail "train_model used lr_head '$used', not the best '$best'"; }

rm -rf "$work"
echo "vgg16_hpo: all checks passed"
