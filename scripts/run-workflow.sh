#!/usr/bin/env bash
# The README's first command: runs the whole galaxyzoo workflow on a synthetic Galaxy Zoo
# data set that the library renders itself, from a fresh clone on Debian 12. It installs
# the Debian packages, builds the example programs, renders the data (once), then runs
# run_workflow: create dataset -> preprocess -> augment classes 2 and 3 -> HPO -> train ->
# evaluate, with CPU-friendly settings (32 x 32 network input from scratch, 64 x 64 with
# ImageNet weights; few epochs and trials). scripts/demo-heldout.sh checks the result on a
# held-out data set.
#
#   scripts/run-workflow.sh                    # everything under ./demo
#   WORK_DIR=/tmp/gz scripts/run-workflow.sh
#   OUTPUT_DIR=/tmp/gz/seed-11 scripts/run-workflow.sh --seed 11   # another training seed
#   WEIGHTS=vgg16_imagenet.pth scripts/run-workflow.sh   # transfer learning (see README)
#   scripts/run-workflow.sh --maxwalltime 5    # extra arguments go to run_workflow
#
# Running it again skips what is done; a changed setting re-runs the steps it affects.
# Exit status 3 means "stopped before the end (wall time, SIGTERM): run me again".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache (when installed) keys objects by paths relative to the clone, so another clone
# of the same sources, CI's included, reuses them.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
build=${GALAXYZOO_BUILD_DIR:-$root/build}
work=${WORK_DIR:-$root/demo}
out=${OUTPUT_DIR:-$work/work}
jobs=${JOBS:-$(nproc)}

step() { printf '\n== %s\n' "$*"; }

step "Installing dependencies"
"$root/scripts/install-deps.sh"

step "Building the example programs ($build)"
generator=()
if command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ]; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$jobs" --target make_test_dataset run_workflow
bin="$build/examples"

data="$work/galaxy_data"
if [ -f "$data/training_solutions_rev1.csv" ]; then
  step "Synthetic data: reusing $data"
else
  step "Rendering the synthetic Galaxy Zoo data set into $data"
  "$bin/make_test_dataset" --output_dir "$data" --per_class 100 --unlabeled 50 --seed 1
fi

step "Running the workflow (outputs in $out)"
if [ -n "${WEIGHTS:-}" ]; then
  # Transfer learning: the original's recipe at 64 x 64, two 3-epoch search trials.
  settings=(--weights "$WEIGHTS" --image_size 64 --batch_size 16 --epochs 10 --hpo_epochs 3
    --trials 2)
else
  # From scratch: an 80-pixel crop (the galaxy fills the frame: round and in-between galaxies
  # differ by their axis ratio) seen at 32 x 32, 40 epochs (with 16 the in-between galaxies
  # are not learnt) and a patience of 10 (the validation loss rests on 47 galaxies); the
  # search is one 1-epoch trial, which the final training continues.
  settings=(--crop_size 80 --image_size 32 --batch_size 16 --epochs 40 --patience 10
    --hpo_epochs 1 --trials 1)
fi
start=$(date +%s)
status=0
"$bin/run_workflow" --input_dir "$data" --output_dir "$out" "${settings[@]}" --num_class_2 80 \
  --num_class_3 40 --num_workers "$jobs" "$@" || status=$?
echo "run_workflow took $(( $(date +%s) - start )) s"
if [ "$status" -eq 3 ]; then
  echo "Stopped before the end; run scripts/run-workflow.sh again to continue." >&2
fi
exit "$status"
