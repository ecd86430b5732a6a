#!/usr/bin/env bash
# eval_model as a user runs it: a tiny model trained on a rendered data set, evaluated on
# its test split; the report files must exist and parse, and bad input must fail clearly.
#   eval_model_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 10 --unlabeled 0 --seed 5 >/dev/null 2>&1
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" >/dev/null 2>&1
"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 8 \
  --epochs 1 >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "train_model failed"; }

"$bin/eval_model" --model "$work/model/final_vgg16_model.pt" --input_dir "$work/pre" --split test --device cpu \
  --batch_size 4 --seed 3 --tta --manifest "$work/split/manifest.csv" --output_dir "$work/results" \
  >"$work/eval.log" 2>&1 || { cat "$work/eval.log"; fail "eval_model failed"; }
grep -q "macro avg" "$work/eval.log" || fail "no summary table printed"
grep -q "accuracy" "$work/eval.log" || fail "no accuracy printed"

r="$work/results"
for f in exp_results.csv metrics.json predictions.csv final_confusion_matrix_norm.png final_confusion_matrix.png; do
  [ -s "$r/$f" ] || fail "missing $f"
done
for f in final_confusion_matrix_norm.png final_confusion_matrix.png; do
  [ "$(head -c 8 "$r/$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$f is not a PNG"
done
head -1 "$r/exp_results.csv" | grep -q "^accuracy,precision,recall,f1,confusion_matrix$" || fail "exp_results.csv header"
[ "$(wc -l <"$r/exp_results.csv")" -eq 2 ] || fail "exp_results.csv should have one row"
head -1 "$r/predictions.csv" | grep -q "^file,GalaxyID,true,predicted,true_class,predicted_class,p_completely round smooth,p_in-between smooth,p_cigar-shaped smooth,p_edge-on disk,p_spiral$" ||
  fail "predictions.csv header"
rows=$(($(wc -l <"$r/predictions.csv") - 1))
images=$(ls "$work/pre"/test_class_*_proc.jpg | wc -l)
[ "$rows" -eq "$images" ] || fail "predictions.csv has $rows rows for $images test images"
# Every row has its GalaxyID from the manifest.
[ "$(cut -d, -f2 "$r/predictions.csv" | tail -n +2 | grep -c '^[0-9][0-9]*$')" -eq "$images" ] || fail "GalaxyIDs missing"
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 - "$r/metrics.json" "$images" <<'EOF' || fail "metrics.json does not parse or is inconsistent"
import json, math, sys
m = json.load(open(sys.argv[1]))
assert m["samples"] == int(sys.argv[2]), m["samples"]
assert m["split"] == "test" and m["tta"] is True
assert 0 <= m["accuracy"] <= 1 and math.isfinite(m["log_loss"])
assert len(m["per_class"]) == 5 and len(m["confusion_matrix"]) == 5
assert sum(map(sum, m["confusion_matrix"])) == m["samples"]
assert m["bootstrap"]["seed"] == 3
lo, hi = m["bootstrap"]["accuracy"]
assert lo <= m["accuracy"] <= hi
EOF
fi

# The same seed gives the same report.
"$bin/eval_model" --model "$work/model/final_vgg16_model.pt" --input_dir "$work/pre" --device cpu --batch_size 4 \
  --seed 3 --tta --manifest "$work/split/manifest.csv" --output_dir "$work/again" >/dev/null 2>&1
cmp -s "$r/metrics.json" "$work/again/metrics.json" || fail "a second run with the same seed differs"

# Bad input: no images of the split, a missing model.
mkdir -p "$work/empty"
if "$bin/eval_model" --model "$work/model/final_vgg16_model.pt" --input_dir "$work/empty" --device cpu \
  --output_dir "$work/none" >/dev/null 2>"$work/empty.log"; then
  fail "an empty test set should fail"
fi
grep -q "no test images" "$work/empty.log" || { cat "$work/empty.log"; fail "the error should say there are no test images"; }
if "$bin/eval_model" --model "$work/missing.pt" --input_dir "$work/pre" --device cpu --output_dir "$work/none" \
  >/dev/null 2>"$work/missing.log"; then
  fail "a missing model should fail"
fi
grep -q "missing.pt" "$work/missing.log" || fail "the error should name the missing model"
[ ! -e "$work/none" ] || fail "a failed run should write no report"

rm -rf "$work"
echo "eval_model: all checks passed"
