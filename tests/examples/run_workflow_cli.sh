#!/usr/bin/env bash
# run_workflow as a user and a batch system run it, on a tiny synthetic data set:
#  1. one uninterrupted run writes every artefact, and each parses;
#  2. the single-step programs with the same settings make the same artefacts;
#  3. a run cut by --maxwalltime again and again (exit status 3 each time) and restarted
#     until it finishes ends with the same predictions and metrics as run 1;
#  4. a second run with the same flags skips every step;
#  5. a changed flag (--num_class_3) re-runs exactly the steps it affects.
#   run_workflow_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 8 --unlabeled 2 --seed 5 >/dev/null 2>&1
flags=(--input_dir "$work/data" --image_size 32 --epochs 2 --hpo_epochs 2 --trials 2 --batch_size 8
       --num_class_2 6 --num_class_3 6 --num_workers 2)

# 1. Uninterrupted.
"$bin/run_workflow" "${flags[@]}" --output_dir "$work/a" >"$work/a.log" 2>&1 || { cat "$work/a.log"; fail "first run"; }
for f in full_galaxy_dataset/manifest.csv preprocessed/train_class_3_4005_proc.jpg \
         hpo/hpo_galaxy_vgg16.db hpo/best_vgg16_hpo_params.txt hpo/best_vgg16_hpo_trial.json hpo/vgg16_hpo_trials.csv \
         hpo/early_stopping_vgg16_model_trial0.pt hpo/early_stopping_vgg16_model_trial1.pt hpo/loss_vgg16_trial1.png \
         model/final_vgg16_model.pt model/loss_vgg16.png model/history_vgg16.csv \
         evaluation/exp_results.csv evaluation/metrics.json evaluation/predictions.csv \
         evaluation/final_confusion_matrix_norm.png evaluation/final_confusion_matrix.png workflow_summary.json; do
  [ -s "$work/a/$f" ] || fail "missing or empty: $f"
done
[ -e "$work/a/preprocessed/train_class_3_4006_proc.jpg" ] && fail "more class-3 images than --num_class_3"
/usr/bin/python3 - "$work/a" <<'PY' || fail "artefacts do not parse"
import csv, json, sys
w = sys.argv[1]
s = json.load(open(w + "/workflow_summary.json"))
assert [x["name"] for x in s["steps"]] == ["create_dataset", "preprocess", "augment_class_2", "augment_class_3",
                                           "vgg16_hpo", "train_model", "eval_model"], s["steps"]
assert all(x["status"] == "ran" for x in s["steps"]), s["steps"]
assert 0 <= s["eval_model"]["accuracy"] <= 1 and 0 < s["eval_model"]["majority_rate"] <= 1
assert s["vgg16_hpo"]["finished_trials"] == 2
# The final training continued the best trial's checkpoint (same settings, 2 epochs each):
# no epoch trained twice; only that trial's checkpoint is kept.
best = s["vgg16_hpo"]["best_trial"]
assert s["train_model"]["reused_epochs"] == 2, s["train_model"]
assert s["time_saved_seconds"] == s["train_model"]["reused_seconds"] > 0, s
import os
assert os.path.exists("%s/hpo/checkpoint_vgg16_trial%d.pt" % (w, best))
assert not os.path.exists("%s/hpo/checkpoint_vgg16_trial%d.pt" % (w, 1 - best))
m = json.load(open(w + "/evaluation/metrics.json"))
assert abs(m["accuracy"] - s["eval_model"]["accuracy"]) < 1e-12
rows = list(csv.DictReader(open(w + "/evaluation/predictions.csv")))
assert len(rows) == sum(map(sum, m["confusion_matrix"])) > 0
names = [c["name"] for c in m["per_class"]]
assert [k for k in rows[0] if k.startswith("p_")] == ["p_" + n for n in names], rows[0].keys()
for r in rows:  # the predicted class is the most probable one (the first on a tie)
    assert r["predicted_class"] == max(names, key=lambda n: float(r["p_" + n])), r
    assert r["true_class"] == names[int(r["true"])], r
trials = list(csv.DictReader(open(w + "/hpo/vgg16_hpo_trials.csv")))
assert len(trials) == 2 and all(t["state"] == "COMPLETE" for t in trials), trials
keys = {l.split(":")[0].strip() for l in open(w + "/hpo/best_vgg16_hpo_params.txt") if ":" in l}
assert {"layer", "lr_body", "lr_head"} <= keys, keys
for p in ("model/loss_vgg16.png", "evaluation/final_confusion_matrix_norm.png"):
    assert open(w + "/" + p, "rb").read(8) == b"\x89PNG\r\n\x1a\n", p
PY
grep -q "Test metrics" "$work/a.log" || fail "no final summary"

# 2. The single-step programs, given the same settings, make the same artefacts.
s="$work/steps"
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$s/full_galaxy_dataset" --seed 10 --stratified >/dev/null
cmp "$work/a/full_galaxy_dataset/manifest.csv" "$s/full_galaxy_dataset/manifest.csv" || fail "create_dataset differs"
"$bin/preprocess_resize" --input_dir "$s/full_galaxy_dataset" --output_dir "$s/preprocessed" --num_workers 2 >/dev/null
for class in 2 3; do
  "$bin/augment_data" --input_dir "$s/preprocessed" --class_str "class_$class" --num 6 --num_workers 2 \
    --soft_targets "$s/full_galaxy_dataset/soft_targets.csv" >/dev/null
done
diff -r -x '.galaxyzoo-*' "$work/a/preprocessed" "$s/preprocessed" >/dev/null || fail "preprocess/augment differ"
# Without --weights the driver trains from scratch with milder jitter and rotations.
"$bin/train_model" --input_dir "$s/preprocessed" --output_dir "$s/model" --params "$work/a/hpo/best_vgg16_hpo_params.txt" \
  --image_size 32 --epochs 2 --batch_size 8 --seed 10 --num_workers 2 --threads 2 \
  --jitter 0.8 1.2 0.8 1.2 --rotations --soft_targets "$s/full_galaxy_dataset/soft_targets.csv" \
  "$s/preprocessed/soft_targets_train_class_2.csv" "$s/preprocessed/soft_targets_train_class_3.csv" \
  >"$work/steps_train.log" 2>&1 || { cat "$work/steps_train.log"; fail "train_model"; }
cmp <(cut -d, -f1-5 "$work/a/model/history_vgg16.csv") <(cut -d, -f1-5 "$s/model/history_vgg16.csv") ||
  fail "train_model's history differs from the driver's"
cmp "$work/a/model/final_vgg16_model.pt" "$s/model/final_vgg16_model.pt" || fail "train_model's model differs from the driver's"
grep -q "^Saved: " "$work/a.log" || fail "the summary does not show the time saved"
"$bin/eval_model" --model "$s/model/final_vgg16_model.pt" --input_dir "$s/preprocessed" --output_dir "$s/evaluation" \
  --manifest "$s/full_galaxy_dataset/manifest.csv" --batch_size 8 --seed 10 --num_workers 2 --threads 2 >/dev/null 2>&1 ||
  fail "eval_model"
cmp "$work/a/evaluation/exp_results.csv" "$s/evaluation/exp_results.csv" || fail "eval_model's exp_results.csv differs"
cmp <(sed "s#$work/a/##" "$work/a/evaluation/predictions.csv") <(sed "s#$s/##" "$s/evaluation/predictions.csv") ||
  fail "eval_model's predictions differ from the driver's"

# 3. Cut by the wall-time limit (about 4 s of work per run) until done.
stops=0
for attempt in $(seq 80); do
  status=0
  "$bin/run_workflow" "${flags[@]}" --output_dir "$work/b" --maxwalltime 0.07 >>"$work/b.log" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then break; fi
  [ "$status" -eq 3 ] || { tail -30 "$work/b.log"; fail "a run stopped by the wall time should exit 3, got $status"; }
  stops=$((stops + 1))
done
[ "$status" -eq 0 ] || fail "the workflow did not finish in 80 restarts"
[ "$stops" -ge 2 ] || fail "expected at least 2 wall-time stops, got $stops"
grep -q "resuming" "$work/b.log" || fail "no step was resumed"
cmp "$work/a/model/final_vgg16_model.pt" "$work/b/model/final_vgg16_model.pt" || fail "the model differs after $stops restarts"
for f in evaluation/predictions.csv evaluation/exp_results.csv hpo/best_vgg16_hpo_params.txt model/history_vgg16.csv; do
  if [ "$f" = model/history_vgg16.csv ]; then
    # Times differ; losses and accuracies must not.
    cmp <(cut -d, -f1-5 "$work/a/$f") <(cut -d, -f1-5 "$work/b/$f") || fail "$f differs after $stops restarts"
  elif [ "$f" = evaluation/predictions.csv ]; then
    # The file column names each work folder.
    cmp <(sed "s#$work/a/##" "$work/a/$f") <(sed "s#$work/b/##" "$work/b/$f") || fail "$f differs after $stops restarts"
  else
    cmp "$work/a/$f" "$work/b/$f" || fail "$f differs after $stops restarts"
  fi
done
echo "wall-time stops survived: $stops"

# 4. Nothing to do.
"$bin/run_workflow" "${flags[@]}" --output_dir "$work/a" >"$work/again.log" 2>&1 || { cat "$work/again.log"; fail "re-run"; }
[ "$(grep -c '\] skipped' "$work/again.log")" -eq 7 ] || { cat "$work/again.log"; fail "a re-run should skip all 7 steps"; }

# 5. A changed flag re-runs the steps downstream of it, and only those.
"$bin/run_workflow" "${flags[@]:0:14}" --num_class_3 4 --num_workers 2 --output_dir "$work/a" >"$work/changed.log" 2>&1 ||
  { cat "$work/changed.log"; fail "run with a changed flag"; }
for s in create_dataset preprocess augment_class_2; do
  grep -q "\[$s\] skipped" "$work/changed.log" || { cat "$work/changed.log"; fail "$s should be skipped"; }
done
for s in augment_class_3 vgg16_hpo train_model eval_model; do
  grep -q "\[$s\] ran" "$work/changed.log" || { cat "$work/changed.log"; fail "$s should run again"; }
done
[ -e "$work/a/preprocessed/train_class_3_4004_proc.jpg" ] && fail "stale class-3 images left behind"
[ -e "$work/a/preprocessed/train_class_3_4003_proc.jpg" ] || fail "class-3 images missing"
echo "run_workflow: all checks passed"
