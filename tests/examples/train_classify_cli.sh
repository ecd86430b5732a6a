#!/usr/bin/env bash
# train_model and classify as a user runs them, including a SIGTERM in the middle of
# training (as a batch system's wall-time limit sends) and the resumed run.
#   train_classify_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 0 --seed 3 >/dev/null 2>&1
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" >/dev/null 2>&1

# A run of many epochs, stopped by SIGTERM once the first checkpoint exists.
"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 \
  --epochs 50 --patience 0 >"$work/first.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ -f "$work/model/checkpoint_vgg16.pt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -f "$work/model/checkpoint_vgg16.pt" ] || { cat "$work/first.log"; fail "no checkpoint after the first epoch"; }
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 3 ] || { cat "$work/first.log"; fail "SIGTERM should exit with status 3, got $status"; }
grep -q -- "--resume" "$work/first.log" || fail "the stopped run should say how to resume"

# Without --resume an existing checkpoint is not overwritten.
if "$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --epochs 2 >/dev/null 2>"$work/refused.log"; then
  fail "a second run without --resume should refuse to start"
fi
grep -q "resume to continue" "$work/refused.log" || fail "the refusal should name --resume"

"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 \
  --epochs 2 --patience 0 --resume >"$work/second.log" 2>&1 || { cat "$work/second.log"; fail "resumed run failed"; }
for f in final_vgg16_model.pt loss_vgg16.png history_vgg16.csv; do
  [ -s "$work/model/$f" ] || fail "missing $f"
done
[ "$(wc -l <"$work/model/history_vgg16.csv")" -eq 3 ] || fail "history should have a header and 2 epochs"

"$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/pred.csv" --device cpu --tta \
  --input_dir "$work/pre" >/dev/null
rows=$(($(wc -l <"$work/pred.csv") - 1))
images=$(ls "$work/pre"/*_proc.jpg | wc -l)
[ "$rows" -eq "$images" ] || fail "classify wrote $rows rows for $images images"
head -1 "$work/pred.csv" | grep -q "^file,GalaxyID,predicted,p0,p1,p2,p3,p4$" || fail "unexpected CSV header"

rm -rf "$work"
echo "train_model and classify: all checks passed"
