#!/usr/bin/env bash
# scripts/make-gz1-task.py on a tiny stand-in for the gz1-real folder (rendered JPEGs with a
# labels.csv in its columns): counts per split and class, file names that train_model reads
# after preprocess_resize, the same choice twice for one seed, another for another seed,
# clear errors for too few galaxies and an existing output folder.
#   make_gz1_task_cli.sh BIN_DIR WORK_DIR PYTHON3
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"
python=$3
script="$(dirname "${BASH_SOURCE[0]}")/../../scripts/make-gz1-task.py"

"$bin/make_test_dataset" --output_dir "$work/rendered" --per_class 4 --unlabeled 0 --seed 2 >/dev/null 2>&1
mkdir -p "$work/gz1/images"
{
  echo "objid,gz1_class,gz1_name,galaxyzoo_class"
  i=0
  for f in "$work"/rendered/images_training_rev1/*.jpg; do
    id=$((587722952767439450 + i))
    cp "$f" "$work/gz1/images/$id.jpg"
    case $((i % 4)) in  # elliptical, edge-on, spiral, merger (no workflow class)
      0) echo "$id,0,elliptical,0" ;;
      1) echo "$id,3,edge-on,3" ;;
      2) echo "$id,1,spiral (clockwise),4" ;;
      3) echo "$id,5,merger," ;;
    esac
    i=$((i + 1))
  done
} >"$work/gz1/labels.csv"
[ "$(grep -c ',4$' "$work/gz1/labels.csv")" -eq 5 ] || fail "the stand-in should have 5 spirals"

make_task() { "$python" "$script" --input_dir "$work/gz1" --per_class 2 1 1 "$@"; }
make_task --output_dir "$work/a" --seed 1 >/dev/null || fail "make-gz1-task failed"
make_task --output_dir "$work/b" --seed 1 >/dev/null || fail "make-gz1-task failed (second run)"
make_task --output_dir "$work/c" --seed 2 >/dev/null || fail "make-gz1-task failed (seed 2)"

[ "$(wc -l <"$work/a/manifest.csv")" -eq 13 ] || fail "manifest.csv should list 12 images"
head -1 "$work/a/manifest.csv" | grep -q "^GalaxyID,original_file,file,split,label,gz1_name$" ||
  fail "manifest.csv header"
for k in 0 3 4; do
  for split in train val test; do
    want=1
    [ "$split" = train ] && want=2
    n=$(find "$work/a" -name "${split}_class_${k}_*.jpg" | wc -l)
    [ "$n" -eq "$want" ] || fail "$split class $k: $n images, $want expected"
  done
done
[ "$(find "$work/a" -name '*.jpg' | wc -l)" -eq 12 ] || fail "images other than classes 0, 3, 4"
cmp -s "$work/a/manifest.csv" "$work/b/manifest.csv" || fail "the same seed chose differently"
cmp -s "$work/a/manifest.csv" "$work/c/manifest.csv" && fail "seeds 1 and 2 chose the same"
objids=$(cut -d, -f1 "$work/a/manifest.csv" | tail -n +2 | sort | uniq -d)
[ -z "$objids" ] || fail "a galaxy in two places: $objids"
f=$(awk -F, 'NR == 2 {print $3}' "$work/a/manifest.csv")
o=$(awk -F, 'NR == 2 {print $1}' "$work/a/manifest.csv")
cmp -s "$work/a/$f" "$work/gz1/images/$o.jpg" || fail "$f is not galaxy $o's image"

"$bin/preprocess_resize" --input_dir "$work/a" --output_dir "$work/pre" --crop_size 256 >/dev/null 2>&1 ||
  fail "preprocess_resize failed on the task"
n=$(find "$work/pre" -name 'train_class_3_*_proc.jpg' | wc -l)
[ "$n" -eq 2 ] || fail "$n train_class_3_N_proc.jpg after preprocess_resize, 2 expected"
[ "$(find "$work/pre" -name '*_proc.jpg' | wc -l)" -eq 12 ] || fail "preprocess_resize should write 12 images"

out=$(make_task --output_dir "$work/a" --seed 1 2>&1) && fail "an existing output folder was overwritten"
grep -q "exists and is not empty" <<<"$out" || fail "unclear message for an existing folder: $out"
make_task --output_dir "$work/a" --seed 2 --replace >/dev/null || fail "--replace failed"
cmp -s "$work/a/manifest.csv" "$work/c/manifest.csv" || fail "--replace did not write seed 2's choice"
out=$("$python" "$script" --input_dir "$work/gz1" --per_class 4 1 1 --output_dir "$work/d" 2>&1) &&
  fail "too few galaxies accepted"
grep -q "class 0 has 5 galaxies, 6 needed" <<<"$out" || fail "unclear message: $out"
[ ! -e "$work/d" ] || fail "a failed run left $work/d"
echo "make-gz1-task: ok"
