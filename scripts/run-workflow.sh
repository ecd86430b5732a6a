#!/usr/bin/env bash
# Runs the galaxyzoo workflow end to end on a synthetic Galaxy Zoo data set that the
# library renders itself, from a fresh clone on Debian 12: installs the Debian packages,
# builds the example programs, renders the data, then runs the workflow's steps.
#
#   scripts/run-workflow.sh                 # everything under ./demo
#   WORK_DIR=/tmp/gz scripts/run-workflow.sh
#
# Steps available today: make_test_dataset -> create_dataset -> preprocess_resize ->
# augment_data (classes 2 and 3) -> train_model -> classify (test split). The HPO search,
# the evaluation report and the one-command driver join as they land (see README.md).
# CPU-friendly settings: 64 x 64 network input, 3 epochs. Set WEIGHTS=/path/to/vgg16
# ImageNet export (README) for transfer learning; without it VGG16 starts from random weights.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GALAXYZOO_BUILD_DIR:-$root/build}
work=${WORK_DIR:-$root/demo}
jobs=${JOBS:-$(nproc)}

step() { printf '\n== %s\n' "$*"; }

step "Installing dependencies"
"$root/scripts/install-deps.sh"

step "Building the example programs ($build)"
generator=()
if command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ]; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$jobs" --target make_test_dataset create_dataset preprocess_resize augment_data train_model classify
bin="$build/examples"

data="$work/galaxy_data"
if [ -f "$data/training_solutions_rev1.csv" ]; then
  step "Synthetic data: reusing $data"
else
  step "Rendering the synthetic Galaxy Zoo data set into $data"
  "$bin/make_test_dataset" --output "$data" --per_class 60 --unlabeled 60 --seed 1
fi

step "Create dataset: label, select, split (stratified 80/10/10)"
"$bin/create_dataset" --data_path "$data" --output_dir "$work/full_galaxy_dataset" \
  --seed 10 --stratified --replace

step "Preprocess: centre-crop 424 -> 256 ($jobs workers)"
"$bin/preprocess_resize" --input_dir "$work/full_galaxy_dataset" --output_dir "$work/preprocessed" \
  --num_workers "$jobs" --expected_size 424

for class in 2 3; do
  step "Augment class $class"
  "$bin/augment_data" --input_dir "$work/preprocessed" --class_str "class_$class" --num 60 \
    --num_workers "$jobs"
done

step "Train VGG16 (64 x 64 input, 3 epochs, early stopping on val)"
weights_flag=()
if [ -n "${WEIGHTS:-}" ]; then weights_flag=(--weights "$WEIGHTS"); fi
rm -f "$work/model/checkpoint_vgg16.pt"   # a fresh run each time (train_model --resume continues one)
"$bin/train_model" --data "$work/preprocessed" --output_dir "$work/model" --image_size 64 --epochs 3 \
  --batch_size 16 --num_workers "$jobs" "${weights_flag[@]}"

step "Classify the test split"
"$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/model/test_predictions.csv" \
  $(ls "$work"/preprocessed/test_class_*_proc.jpg)

step "Done: outputs under $work"
