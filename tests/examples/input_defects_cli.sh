#!/usr/bin/env bash
# The input reproductions of issue 18, as a user runs them: folders with symbolic-link
# loops, dangling links, missing or empty (defects 2 and 7); bad and original --params
# files (5); classify --catalog rows without an image (6); a catalogue with extra columns
# and answers that cannot add up (8, 9). Each must give a clear error or a correct result,
# never an abort.
#   input_defects_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 0 --seed 3 --image_size 64 >/dev/null 2>&1
images="$work/data/images_training_rev1"
good=$(ls "$images" | head -1)

# Defect 7: a missing or empty input folder is an error naming it.
run "$bin/preprocess_resize" --input_dir "$work/nonexistent" --output_dir "$work/o"
expect 1 "'$work/nonexistent'" "does not exist"
mkdir -p "$work/empty"
run "$bin/preprocess_resize" --input_dir "$work/empty" --output_dir "$work/o"
expect 1 "'$work/empty'" "no images"

# Defect 2: a link loop and a dangling link are named and skipped; the good image is done.
mkdir -p "$work/d"
cp "$images/$good" "$work/d/"
ln -s a.jpg "$work/d/b.jpg"
ln -s b.jpg "$work/d/a.jpg"
ln -s gone.jpg "$work/d/dangling.jpg"
run "$bin/preprocess_resize" --input_dir "$work/d" --output_dir "$work/o" --crop_size 32
expect 1 "skipped '$work/d/a.jpg': a symbolic-link loop" "skipped '$work/d/dangling.jpg': a dangling symbolic link" \
  "3 unreadable entries skipped"
[ -f "$work/o/${good%.jpg}_proc.jpg" ] || fail "the readable image should have been processed"

# Defect 2 in create_dataset: a looping link in the image folder is an error naming it.
cp -r "$work/data" "$work/looped"
ln -s 2.jpg "$work/looped/images_training_rev1/1.jpg"
ln -s 1.jpg "$work/looped/images_training_rev1/2.jpg"
run "$bin/create_dataset" --input_dir "$work/looped" --output_dir "$work/looped_split"
expect 1 "images_training_rev1/1.jpg" "symbolic-link loop"
[ ! -e "$work/looped_split" ] || fail "create_dataset should write nothing after the error"

# Defect 8: extra catalogue columns (a number and a text with a comma) are not vote fractions;
# defect 9: answers of a question that cannot add up are a warning naming row and question.
awk -F, 'BEGIN { OFS = "," }
  NR == 1 { print $0, "RA", "Notes"; next }
  NR == 2 { $2 = 0.9; $3 = 0.9; $4 = 0.9 }
  { print $0, 150.25 + NR, "\"merger, bright\"" }' "$work/data/training_solutions_rev1.csv" >"$work/extra.csv"
mkdir -p "$work/extra"
cp "$work/extra.csv" "$work/extra/training_solutions_rev1.csv"
ln -s "$images" "$work/extra/images_training_rev1"
run "$bin/create_dataset" --input_dir "$work/extra" --output_dir "$work/extra_split"
first_id=$(awk -F, 'NR == 2 { print $1 }' "$work/extra.csv")
expect 0 "warning:" "training_solutions_rev1.csv:2: GalaxyID $first_id: the answers of Class1.* sum to 2.7"

# Defect 5: bad --params files are refused before any training, naming file and key.
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" --crop_size 48 >/dev/null 2>&1
train() { run "$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 --epochs 1 "$@"; }
printf 'layer: 21\nlr_body: nan\nlr_head: 1e-4\n' >"$work/nan.txt"
train --params "$work/nan.txt"
expect 1 "nan.txt:2: column 'lr_body'" "finite"
printf 'layre: 10\nlr_body: 1e-7\nlr_head: 1e-4\n' >"$work/typo.txt"
train --params "$work/typo.txt"
expect 1 "typo.txt:1: column 'layre': unknown hyper-parameter"
printf '{}' >"$work/empty_dict.txt"
train --params "$work/empty_dict.txt"
expect 1 "column 'layer': missing"
printf 'layer: 21\nlr_body: 1e-7\nlr_head: 1e-3xyz\n' >"$work/trailing.txt"
train --params "$work/trailing.txt"
expect 1 "column 'lr_head': expected a number, got '1e-3xyz'"
: >"$work/blank.txt"
train --params "$work/blank.txt"
expect 1 "blank.txt: empty file"
[ ! -e "$work/model/final_vgg16_model.pt" ] || fail "a refused --params file should train nothing"
# The original's best_vgg16_hpo_params.txt (a Python dict) is read.
echo "{'trial_id': 0, 'value': 1.5, 'params': {'lr_body': 1e-05, 'lr_head': 0.0003, 'layer': '0'}}" >"$work/best_vgg16_hpo_params.txt"
train --params "$work/best_vgg16_hpo_params.txt"
expect 0 "layer 0, lr_body 1e-05, lr_head 0.0003"
model="$work/model/final_vgg16_model.pt"

# Defect 6: catalogue rows without an image are listed, the rest classified, exit status 4.
printf 'GalaxyID\n%s\n999999\n' "${good%.jpg}" >"$work/c.csv"
run "$bin/classify" --model "$model" --catalog "$work/c.csv" --input_dir "$images" --output "$work/pred.csv" --device cpu
expect 4 "1 catalogue rows were not classified" "GalaxyID 999999 ($work/c.csv:3): no file '$images/999999.jpg'" \
  "classified 1, not classified 1"
[ "$(wc -l <"$work/pred.csv")" -eq 2 ] || fail "classify should write the one row that has an image"
printf 'GalaxyID\n999998\n999999\n' >"$work/none.csv"
run "$bin/classify" --model "$model" --catalog "$work/none.csv" --input_dir "$images" --output "$work/none_pred.csv" --device cpu
expect 1 "none of the 2 catalogue rows of '$work/none.csv' has an image ($images/{id}.jpg)"
# classify --input_dir with a link loop: named, the rest classified, exit status 4.
run "$bin/classify" --model "$model" --input_dir "$work/d" --output "$work/d_pred.csv" --device cpu
expect 4 "'$work/d/a.jpg': a symbolic-link loop" "3 folder entries could not be read"
[ "$(wc -l <"$work/d_pred.csv")" -eq 2 ] || fail "classify should write the readable image's row"

rm -rf "$work"
echo "input defects of issue 18: all checks passed"
