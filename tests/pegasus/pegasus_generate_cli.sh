#!/usr/bin/env bash
# pegasus/galaxyzoo_workflow.py as a Pegasus user runs it, without Pegasus' planner:
#  1. a small configuration (one search job, its study a checkpoint file) and the issue's
#     --num_workers 4 --trials 3 with four search workers on a PostgreSQL study, GPUs, a
#     wall time and a container: the catalogs and the DAG pass the structural checks;
#  2. the checks catch a broken workflow (a missing replica, a cycle, an input taken from a
#     job that is not an ancestor);
#  3. bad flags and --submit without pegasus-plan are clear errors.
#   pegasus_generate_cli.sh BIN_DIR WORK_DIR PYTHON   (PYTHON: the .venv with Pegasus.api)
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../examples/cli_common.sh" "$@"
python=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
generate() { "$python" "$here/../../pegasus/galaxyzoo_workflow.py" --data_path "$work/data" --bin_dir "$bin" "$@"; }
check() { "$python" "$here/check_workflow.py" "$@"; }

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 2 --seed 5 >/dev/null 2>&1

# 1. Two configurations.
generate --output_dir "$work/small" --num_workers 2 --trials 1 --image_size 32 --crop_size 80 --num_class_2 3 --num_class_3 0 \
  >"$work/small.log" 2>&1 || { cat "$work/small.log"; fail "small configuration"; }
for f in workflow.yml replicas.yml transformations.yml sites.yml pegasus.properties full_galaxy_dataset/manifest.csv; do
  [ -s "$work/small/$f" ] || fail "small: missing $f"
done
check "$work/small" --num_workers 2 --num_class_2 3 --num_class_3 0 || fail "small: structural checks"

generate --output_dir "$work/big" --num_workers 4 --trials 3 --hpo_workers 4 --maxwalltime 60 --gpus 1 \
  --study_url postgresql://hpo@dbhost:5432/galaxyzoo --container docker://example/galaxyzoo:1 \
  --weights "$work/data/training_solutions_rev1.csv" >"$work/big.log" 2>&1 || { cat "$work/big.log"; fail "4 workers"; }
check "$work/big" --num_workers 4 --hpo_workers 4 --shared_study --maxwalltime 60 || fail "4 workers: structural checks"
HERE=$here "$python" - "$work/big" <<'PY' || fail "4 workers: jobs, profiles, container"
import os, sys, yaml
sys.path.insert(0, os.environ["HERE"])
import pegasus_dag
d = pegasus_dag.load(sys.argv[1])
w = [j for j in d.jobs.values() if j.id.startswith("vgg16_hpo_worker_")]
assert all(j.profile("pegasus", "gpus") == 1 and "--device" in j.arguments and
           j.arguments[j.arguments.index("--device") + 1] == "cuda" for j in w)
assert all("--trials" in j.arguments and j.arguments[j.arguments.index("--trials") + 1] == "3" for j in w)
assert all("--space" not in j.arguments for j in w), "with weights the original's space"
summary = d.jobs["vgg16_hpo_summary"]
assert summary.profile("pegasus", "gpus") is None and "cuda" not in summary.arguments
assert d.jobs["train_model"].profile("pegasus", "checkpoint.time") == 55
assert "training_solutions_rev1.csv" in d.jobs["train_model"].inputs  # the weights file
crop = lambda job: job.arguments[job.arguments.index("--crop_size") + 1]
assert all(crop(j) == "256" for j in d.jobs.values() if j.id.startswith("preprocess_"))
small = pegasus_dag.load(sys.argv[1] + "/../small")
assert [crop(j) for j in small.jobs.values() if j.id.startswith("preprocess_")] == ["80", "80"]
tc = yaml.safe_load(open(sys.argv[1] + "/transformations.yml"))
assert tc["containers"][0]["image"] == "docker://example/galaxyzoo:1", tc["containers"]
assert all(t["sites"][0]["container"] == "galaxyzoo" for t in tc["transformations"])
PY

# 2. The checks catch what is wrong.
broken() {  # broken NAME PYTHON-EDIT-OF-w  (w: workflow.yml as a dict), then expect a problem
  rm -rf "${work:?}/$1" && cp -r "$work/small" "$work/$1"
  "$python" - "$work/$1/workflow.yml" "$2" <<'PY'
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
jobs = {j["id"]: j for j in w["jobs"]}
exec(sys.argv[2])
yaml.safe_dump(w, open(sys.argv[1], "w"))
PY
  if check "$work/$1" --num_workers 2 --num_class_2 3 --num_class_3 0 >"$work/$1.log" 2>&1; then
    fail "$1: not detected"
  fi
  grep -q "$3" "$work/$1.log" || { cat "$work/$1.log"; fail "$1: expected '$3'"; }
}
broken no_replica 'jobs["preprocess_0"]["uses"].append({"lfn": "nowhere.jpg", "type": "input"})' \
  "input nowhere.jpg is neither in the replica catalog nor an output"
broken cycle 'w["jobDependencies"].append({"id": "eval_model", "children": ["preprocess_0"]})' "cycle among jobs"
broken not_ancestor 'jobs["preprocess_1"]["uses"].append({"lfn": "metrics.json", "type": "input"})' \
  "comes from eval_model, not an ancestor"
"$python" - "$work/small/replicas.yml" <<'PY'
import sys, yaml
r = yaml.safe_load(open(sys.argv[1]))
r["replicas"] = [x for x in r["replicas"] if x["lfn"] != "manifest.csv"]
yaml.safe_dump(r, open(sys.argv[1], "w"))
PY
if check "$work/small" --num_workers 2 --num_class_2 3 --num_class_3 0 >"$work/norc.log"; then fail "missing manifest replica"; fi
grep -q "eval_model: input manifest.csv is neither" "$work/norc.log" || { cat "$work/norc.log"; fail "missing replica message"; }

# 3. Clear errors: usage_error PATTERN FLAGS... expects exit status 2 and PATTERN in the message.
usage_error() {
  local pattern=$1 status=0
  shift
  generate "$@" >"$work/bad.log" 2>&1 || status=$?
  if [ "$status" -ne 2 ] || ! grep -q -- "$pattern" "$work/bad.log"; then
    cat "$work/bad.log"
    fail "expected a usage error '$pattern' (exit 2, got $status) for $*"
  fi
}
usage_error "hpo_workers > 1 needs --study_url" --output_dir "$work/bad" --hpo_workers 2
usage_error "study_url must be" --output_dir "$work/bad" --study_url sqlite:///relative.db
usage_error "image_size must be a positive multiple of 32" --output_dir "$work/bad" --image_size 100
usage_error "crop_size must be at least 1" --output_dir "$work/bad" --crop_size 0
PATH=/usr/bin:/bin usage_error "submit needs pegasus-plan on PATH" --output_dir "$work/submit" --num_workers 2 --submit
[ -s "$work/submit/workflow.yml" ] || fail "--submit without Pegasus should still leave the generated files"

# 4. preprocess_resize --file_list, the staged jobs' way: exactly the listed files.
images="$work/data/images_training_rev1"
first_two=$(find "$images" -name '*.jpg' -printf '%f\n' | sort | head -2)
printf '# two of them\n%s\n\n' "$first_two" >"$work/two.txt"
"$bin/preprocess_resize" --input_dir "$images" --output_dir "$work/pre" --file_list "$work/two.txt" \
  >"$work/pre.log" 2>&1 || { cat "$work/pre.log"; fail "preprocess_resize --file_list"; }
[ "$(find "$work/pre" -name '*_proc.jpg' | wc -l)" -eq 2 ] || fail "--file_list should process exactly 2 files"
for name in $first_two; do [ -s "$work/pre/${name%.jpg}_proc.jpg" ] || fail "missing output of $name"; done
# fails STATUS PATTERN ARGS...: preprocess_resize exits with STATUS and says PATTERN.
fails() {
  local expected=$1 pattern=$2 status=0
  shift 2
  "$bin/preprocess_resize" --input_dir "$images" --output_dir "$work/pre" "$@" >"$work/fails.log" 2>&1 || status=$?
  if [ "$status" -ne "$expected" ] || ! grep -q -- "$pattern" "$work/fails.log"; then
    cat "$work/fails.log"
    fail "preprocess_resize $*: expected exit $expected and '$pattern', got $status"
  fi
}
echo "# nothing" >"$work/none.txt"
fails 1 "none.txt.*names no file" --file_list "$work/none.txt"
echo "missing.jpg" >"$work/missing.txt"
fails 1 "missing.jpg" --file_list "$work/missing.txt"
fails 2 "prefix" --file_list "$work/two.txt" --prefix 1
echo "pegasus generate: all checks passed"
