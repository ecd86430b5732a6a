#!/usr/bin/env bash
# create_dataset --split_rng numpy against the original's pandas code
# (tests/support/original_split.py) on generated catalogues of several sizes and seeds.
#   original_split_cli.sh BIN_DIR WORK_DIR FIXTURE_PROGRAM PYTHON3
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"
fixture=$3
python=$4
check=$(dirname "${BASH_SOURCE[0]}")/../support/original_split.py

"$fixture" "$work/kaggle" 30 2 >/dev/null
for case in "10 none" "3 none" "123 7 25 4 30 12" "4294967295 30 30 30 30 30"; do
  read -r seed caps <<<"$case"
  cap_flag=()
  if [ "$caps" != none ]; then read -ra caps_array <<<"$caps"; cap_flag=(--max_img "${caps_array[@]}"); fi
  out="$work/split_$seed"
  "$bin/create_dataset" --input_dir "$work/kaggle" --output_dir "$out" --seed "$seed" \
    --split_rng numpy "${cap_flag[@]}" >/dev/null || fail "create_dataset --seed $seed"
  "$python" "$check" "$out/manifest.csv" "$seed" || fail "seed $seed differs from pandas"
done

status=0
"$bin/create_dataset" --input_dir "$work/kaggle" --output_dir "$work/refused" --split_rng numpy \
  --stratified >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "--split_rng numpy --stratified should be a usage error (got $status)"
echo "original_split_cli: 4 splits equal pandas' split"
