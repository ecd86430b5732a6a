#!/usr/bin/env bash
# Reproduces the README's held-out figures of the synthetic demo. For each seed in SEEDS it
# runs scripts/run-workflow.sh (the README's first command, data rendered with seed 1) with
# run_workflow --seed SEED (split, augmentation, search and training), renders a held-out
# data set with another seed (make_test_dataset --seed 2, the same sizes), puts all of its
# labelled galaxies in one split (create_dataset --train_fraction 0 --val_fraction 0),
# preprocesses them with the crop the workflow used, evaluates each seed's model on them
# (eval_model, 1000 bootstrap resamples) and prints accuracy and per-class recall with their
# 95 % intervals, then the mean over the seeds.
#
#   scripts/demo-heldout.sh                       # seeds 10 11 12, everything under ./demo
#   SEEDS="10" WORK_DIR=/tmp/gz scripts/demo-heldout.sh
#
# Running it again skips what is done (trained models, the held-out set).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${WORK_DIR:-$root/demo}
seeds=${SEEDS:-10 11 12}
build=${GALAXYZOO_BUILD_DIR:-$root/build}
heldout="$work/heldout"

for seed in $seeds; do
  WORK_DIR="$work" OUTPUT_DIR="$work/seed-$seed" "$root/scripts/run-workflow.sh" --seed "$seed"
done

cmake --build "$build" --target create_dataset preprocess_resize eval_model >/dev/null
bin="$build/examples"
if [ ! -f "$heldout/data/training_solutions_rev1.csv" ]; then
  "$bin/make_test_dataset" --output_dir "$heldout/data" --per_class 100 --unlabeled 50 --seed 2 \
    --replace --quiet
fi
if [ ! -f "$heldout/dataset/manifest.csv" ]; then
  "$bin/create_dataset" --input_dir "$heldout/data" --output_dir "$heldout/dataset" \
    --train_fraction 0 --val_fraction 0 --replace --quiet
fi
reports=()
for seed in $seeds; do
  out="$work/seed-$seed"
  # The held-out galaxies are cropped as this run's workflow cropped its own.
  crop=$(sed -n 's/.*"crop_size": "\([0-9]*\)".*/\1/p' "$out/.galaxyzoo-workflow/preprocess.json")
  "$bin/preprocess_resize" --input_dir "$heldout/dataset" --output_dir "$heldout/crop-$crop" \
    --crop_size "$crop" --quiet
  "$bin/eval_model" --model "$out/model/final_vgg16_model.pt" --input_dir "$heldout/crop-$crop" \
    --manifest "$heldout/dataset/manifest.csv" --split test --output_dir "$out/heldout" \
    --resamples 1000 --quiet
  reports+=("$seed=$out/heldout/metrics.json")
done

python3 - "${reports[@]}" <<'EOF'
import json, sys
runs = [(a.split("=", 1)[0], json.load(open(a.split("=", 1)[1]))) for a in sys.argv[1:]]
names = runs[0][1]["class_names"]
span = lambda v, i: f"{v:.3f} [{i[0]:.3f}, {i[1]:.3f}]"
print(f"\nHeld-out synthetic set (seed 2, {runs[0][1]['samples']} labelled galaxies):")
for seed, m in runs:
    b = m["bootstrap"]
    recall = ", ".join(f"{c['name']} {span(c['recall'], i)}"
                       for c, i in zip(m["per_class"], b["recall"]))
    print(f"run_workflow --seed {seed}: accuracy {span(m['accuracy'], b['accuracy'])}; "
          f"recall {recall}")
mean = lambda values: sum(values) / len(values)
accuracy = mean([m["accuracy"] for _, m in runs])
recalls = [mean([m["per_class"][k]["recall"] for _, m in runs]) for k in range(len(names))]
print(f"mean of {len(runs)}: accuracy {accuracy:.3f}; recall " +
      ", ".join(f"{n} {r:.3f}" for n, r in zip(names, recalls)))
EOF
