#!/usr/bin/env bash
# Fault injection: run_workflow killed with SIGKILL at random moments, then restarted.
#
# On the tiny synthetic data set of tests/examples/run_workflow_cli.sh:
#  1. one uninterrupted reference run; its wall time T sets the kill moments;
#  2. for each seed, in a fresh work folder: start run_workflow, kill -9 it, restart, and so
#     on until a run exits 0 by itself (after MAX_KILLS kills the last run is left alone).
#     The first kill of a seed lands in the short data steps: as soon as "[STEP] running"
#     shows in the log, STEP chosen by the seed among create_dataset, preprocess,
#     augment_class_2 and augment_class_3; later kills come after a delay drawn from the
#     seed (bash RANDOM), uniform in 0.05*T .. 0.6*T. Before each
#     restart the steps whose record (WORK/.galaxyzoo-workflow/STEP.json) says "complete"
#     are noted with the size, mtime and SHA-1 of the record and of the step's outputs;
#     the restarted run must report each of them "[STEP] skipped" (never "running" or
#     "resuming") and leave every one of those files as it was; a search trial reported
#     complete is never started again. Every record must parse after every kill;
#  3. at the end of each seed: the artefacts equal the reference run's (model bytes,
#     predictions, exp_results.csv, best parameters, losses and accuracies of the
#     history), every artefact parses, the study database passes PRAGMA integrity_check,
#     no trainer notice says a damaged checkpoint was replaced.
# Failed on too: a temporary file over 1 MB left at the end (a killed writer's checkpoint
# or model file must be removed by the next write of that file).
# Reported, not failed on: small temporary files left by the kills (.NAME.tmp-*,
# .NAME.staging-*, .NAME.old-*, *.previous.link, SQLite journals), and how long restarted
# runs waited for the heartbeat of a trial held by a killed worker to go stale.
#
#   kill_workflow.sh BIN_DIR WORK_DIR [SEEDS]     (SEEDS default "1 2": about 4 minutes on 2 cores)
#   environment: KILL_WORKFLOW_MAX_KILLS (default 8), KILL_WORKFLOW_MIN / _MAX (fractions
#   of T bounding the kill delay, default 0.05 and 0.6), KILL_WORKFLOW_KEEP=1 (keep the work
#   folders, about 1 GB each, of a passing run; a failing run always keeps them)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BIN_DIR WORK_DIR [SEEDS]" >&2
  exit 2
fi
bin=$1
work=$2
seeds=${3:-"1 2"}
max_kills=${KILL_WORKFLOW_MAX_KILLS:-8}
min_frac=${KILL_WORKFLOW_MIN:-0.05}
max_frac=${KILL_WORKFLOW_MAX:-0.6}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
fail() { echo "FAILED: $*" >&2; exit 1; }
script_start=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
usec() { local t=${1:-$EPOCHREALTIME}; echo $((10#${t/./})); }  # an EPOCHREALTIME in microseconds

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 8 --unlabeled 2 --seed 5 >/dev/null 2>&1 ||
  fail "make_test_dataset"
flags=(--input_dir "$work/data" --image_size 32 --epochs 2 --hpo_epochs 2 --trials 2 --batch_size 8
       --num_class_2 6 --num_class_3 6 --num_workers 2)

# Snapshots of the finished steps, and their comparison after a restart.
#   state.py snap WORK OUT     writes OUT: one line per file of each complete step; exit 2 if a record is corrupt
#   state.py compare WORK OUT  exit 1, naming each file, if a file of OUT changed or went missing
cat >"$work/state.py" <<'PY'
import hashlib, json, os, re, sys
mode, w, out = sys.argv[1:4]
rec_dir = os.path.join(w, ".galaxyzoo-workflow")
STEPS = ["create_dataset", "preprocess", "augment_class_2", "augment_class_3", "vgg16_hpo", "train_model", "eval_model"]
AUG = re.compile(r"^train_class_([23])_\d{4,}_proc\.jpg$")

def listing(folder, keep):
    d = os.path.join(w, folder)
    if not os.path.isdir(d):
        return []
    return [os.path.join(folder, n) for n in sorted(os.listdir(d)) if keep(n) and os.path.isfile(os.path.join(d, n))]

def outputs(step):
    plain = lambda n: not n.startswith(".")
    if step == "create_dataset":
        return listing("full_galaxy_dataset", plain)
    if step == "preprocess":
        return listing("preprocessed", lambda n: (plain(n) and not AUG.match(n)) or n == ".galaxyzoo-preprocess.json")
    if step.startswith("augment_class_"):
        k = step[-1]
        return listing("preprocessed", lambda n: (AUG.match(n) and AUG.match(n).group(1) == k)
                       or n == ".galaxyzoo-augment-train_class_%s.json" % k)
    return listing({"vgg16_hpo": "hpo", "train_model": "model", "eval_model": "evaluation"}[step], plain)

def stamp(rel):
    p = os.path.join(w, rel)
    try:
        st = os.stat(p)
        sha = hashlib.sha1(open(p, "rb").read()).hexdigest()
    except FileNotFoundError:
        return "missing"
    return "%d %d %s" % (st.st_size, st.st_mtime_ns, sha)

def snapshot():
    lines = []
    for step in STEPS:
        path = os.path.join(rec_dir, step + ".json")
        if not os.path.exists(path):
            continue
        try:
            record = json.load(open(path))
            state = record["state"]
        except Exception as e:
            print("corrupt record %s: %s" % (path, e))
            sys.exit(2)
        if state != "complete":
            continue
        for rel in [os.path.relpath(path, w)] + outputs(step):
            lines.append("%s\t%s\t%s" % (step, rel, stamp(rel)))
    return lines

if mode == "snap":
    open(out, "w").write("".join(l + "\n" for l in snapshot()))
else:
    before = [l.rstrip("\n").split("\t") for l in open(out)]
    changed = 0
    for step, rel, st in before:
        now = stamp(rel)
        if now != st:
            print("step %s had finished, but %s changed: %s -> %s" % (step, rel, st, now))
            changed += 1
    sys.exit(1 if changed else 0)
PY

# Runs run_workflow in the background on work folder $1, each output line prefixed with the
# time (EPOCHREALTIME) and appended to $2. Sets pid (run_workflow) and logger (the stamper).
start_run() {
  exec 3> >(while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >>"$2")
  logger=$!
  "$bin/run_workflow" "${flags[@]}" --output_dir "$1" >&3 2>&3 &
  pid=$!
  exec 3>&-
}
wait_logger() {
  while kill -0 "$logger" 2>/dev/null; do sleep 0.02; done
}

# 1. Reference run, uninterrupted.
ref="$work/ref"
t0=$EPOCHREALTIME
start_run "$ref" "$work/ref.log"
status=0
wait "$pid" || status=$?
wait_logger
[ "$status" -eq 0 ] || { cut -d' ' -f2- "$work/ref.log" | tail -30; fail "the reference run exited $status"; }
T=$(elapsed "$t0")
echo "reference run: ${T} s"

# Artefacts of run folder $1 equal the reference's.
compare_with_reference() {
  local b=$1 f
  cmp "$ref/model/final_vgg16_model.pt" "$b/model/final_vgg16_model.pt" || { echo "model/final_vgg16_model.pt differs"; return 1; }
  cmp <(sed "s#$ref/##" "$ref/evaluation/predictions.csv") <(sed "s#$b/##" "$b/evaluation/predictions.csv") ||
    { echo "evaluation/predictions.csv differs"; return 1; }
  for f in evaluation/exp_results.csv evaluation/metrics.json hpo/best_vgg16_hpo_params.txt full_galaxy_dataset/manifest.csv; do
    cmp "$ref/$f" "$b/$f" || { echo "$f differs"; return 1; }
  done
  cmp <(cut -d, -f1-5 "$ref/model/history_vgg16.csv") <(cut -d, -f1-5 "$b/model/history_vgg16.csv") ||
    { echo "model/history_vgg16.csv (columns 1-5) differs"; return 1; }
  diff -r -x '.*' "$ref/preprocessed" "$b/preprocessed" >/dev/null || { echo "preprocessed/ differs"; return 1; }
}

# Every artefact of run folder $1 parses; the study database is intact.
check_artefacts() {
  /usr/bin/python3 - "$1" <<'PY'
import csv, json, sqlite3, sys
w = sys.argv[1]
s = json.load(open(w + "/workflow_summary.json"))
assert [x["name"] for x in s["steps"]] == ["create_dataset", "preprocess", "augment_class_2", "augment_class_3",
                                           "vgg16_hpo", "train_model", "eval_model"], s["steps"]
assert all(x["status"] in ("ran", "skipped") for x in s["steps"]), s["steps"]
assert 0 <= s["eval_model"]["accuracy"] <= 1 and 0 < s["eval_model"]["majority_rate"] <= 1
assert s["vgg16_hpo"]["finished_trials"] == 2, s["vgg16_hpo"]
m = json.load(open(w + "/evaluation/metrics.json"))
assert abs(m["accuracy"] - s["eval_model"]["accuracy"]) < 1e-12
rows = list(csv.DictReader(open(w + "/evaluation/predictions.csv")))
assert len(rows) == sum(map(sum, m["confusion_matrix"])) > 0
trials = list(csv.DictReader(open(w + "/hpo/vgg16_hpo_trials.csv")))
assert sum(t["state"] == "COMPLETE" for t in trials) == 2, trials
json.load(open(w + "/hpo/best_vgg16_hpo_trial.json"))
keys = {l.split(":")[0].strip() for l in open(w + "/hpo/best_vgg16_hpo_params.txt") if ":" in l}
assert {"layer", "lr_body", "lr_head"} <= keys, keys
for p in ("model/loss_vgg16.png", "evaluation/final_confusion_matrix_norm.png", "evaluation/final_confusion_matrix.png"):
    assert open(w + "/" + p, "rb").read(8) == b"\x89PNG\r\n\x1a\n", p
for step in s["steps"]:
    r = json.load(open(w + "/.galaxyzoo-workflow/" + step["name"] + ".json"))
    assert r["state"] == "complete", r
db = sqlite3.connect("file:" + w + "/hpo/hpo_galaxy_vgg16.db?mode=ro", uri=True)
ic = db.execute("PRAGMA integrity_check").fetchall()
assert ic == [("ok",)], ic
states = db.execute("SELECT state, COUNT(*) FROM trials GROUP BY state").fetchall()
print("    study: integrity ok; trials by state: %s" % ", ".join("%s %d" % r for r in states))
PY
}

check_artefacts "$ref" >/dev/null || fail "the reference run's artefacts do not parse"

# The step a run was in when it was killed, and where in it (from its stamped log $1).
landed() {
  awk '{ sub(/^[^ ]+ /, "") }
       /^\[[a-z_0-9]+\] (running|resuming)/ { step = $1; trial = ""; epoch = ""; next }
       /^\[[a-z_0-9]+\] / { step = ""; trial = ""; epoch = ""; next }
       /^trial [0-9]+ (started|re-run)/ { trial = ", trial " $2; epoch = "" }
       /^ +epoch [0-9]+\// { epoch = " after epoch " $2 }
       END { gsub(/[][]/, "", step); if (step == "") step = "startup or between steps";
             printf "%s%s%s", step, trial, epoch }' "$1"
}

summary=()
total_kills=0
total_wait_runs=0
total_wait_s=0
for seed in $seeds; do
  seed_start=$EPOCHREALTIME
  w="$work/seed$seed"
  RANDOM=$seed
  kills=0
  runs=0
  wait_runs=0
  wait_s=0
  places=()
  while :; do
    runs=$((runs + 1))
    log="$work/seed$seed.run$runs.log"
    : >"$log"
    snap="$work/seed$seed.snap$runs"
    if [ "$runs" -gt 1 ]; then
      /usr/bin/python3 "$work/state.py" snap "$w" "$snap" || fail "seed $seed: before run $runs: a workflow record is corrupt"
    fi
    started=$EPOCHREALTIME
    start_run "$w" "$log"
    delay=
    if [ "$kills" -lt "$max_kills" ]; then
      if [ "$kills" -eq 0 ]; then
        # The first kill: as soon as a data step starts.
        data_steps=(create_dataset preprocess augment_class_2 augment_class_3)
        target=${data_steps[$(((seed - 1) % 4))]}
        delay="[$target] running"
        end=$(($(usec "$started") + ${T%.*} * 1000000))
        while kill -0 "$pid" 2>/dev/null && [ $((10#${EPOCHREALTIME/./})) -lt "$end" ] && ! grep -q "^[0-9.]* \[$target\] running" "$log"; do
          sleep 0.01
        done
      else
        delay=$(awk -v t="$T" -v r="$RANDOM" -v lo="$min_frac" -v hi="$max_frac" 'BEGIN { printf "%.2f", t * (lo + (hi - lo) * r / 32767) }')
        end=$(($(usec "$started") + $(awk -v d="$delay" 'BEGIN { printf "%d", d * 1000000 }')))
        while kill -0 "$pid" 2>/dev/null && [ $((10#${EPOCHREALTIME/./})) -lt "$end" ]; do
          sleep 0.05
        done
        delay="drawn ${delay} s"
      fi
      moment=$(elapsed "$started")
      kill -9 "$pid" 2>/dev/null || true
    fi
    status=0
    wait "$pid" 2>/dev/null || status=$?
    [ -n "$delay" ] && [ "$status" -eq 137 ] && status=killed
    wait_logger
    cat "$log" >>"$work/seed$seed.log"
    text=$(cut -d' ' -f2- "$log")

    # Steps that had finished before this run were not redone and not touched.
    if [ "$runs" -gt 1 ]; then
      for s in $(cut -f1 "$snap" | sort -u); do
        if grep -Eq "^\[$s\] (running|resuming)" <<<"$text"; then
          fail "seed $seed, run $runs: step $s had finished (record complete) but was run again; log: $log"
        fi
        if [ "$status" = 0 ] || grep -q "^\[$s\] " <<<"$text"; then
          grep -q "^\[$s\] skipped" <<<"$text" ||
            fail "seed $seed, run $runs: step $s had finished but is not reported skipped; log: $log"
        fi
      done
      /usr/bin/python3 "$work/state.py" compare "$w" "$snap" ||
        fail "seed $seed, run $runs ($status): outputs of finished steps changed; log: $log"
    fi
    if grep -q "warning: " <<<"$text"; then
      grep "warning: " <<<"$text" >&2
      fail "seed $seed, run $runs: a trainer notice says a damaged checkpoint was found after kill -9; log: $log"
    fi

    # A search trial that had finished ("trial N complete" in an earlier run's log) is not run again.
    for n in $(sed -n 's/^[0-9.]* trial \([0-9]*\) complete .*/\1/p' "$work/seed$seed.done" 2>/dev/null | sort -u); do
      if grep -Eq "^trial $n (started|re-run)" <<<"$text"; then
        fail "seed $seed, run $runs: search trial $n had finished in an earlier run but was run again; log: $log"
      fi
    done
    grep -E '^[0-9.]* trial [0-9]+ complete ' "$log" >>"$work/seed$seed.done" || true

    # Waits for the heartbeat of a trial held by a killed run to go stale. The notices are
    # not flushed when printed: the wait runs from the line before the first of them to the
    # line after the last; a killed run loses them, so a kill in vgg16_hpo before any trial
    # line of a resumed search counts as a wait up to the kill.
    read -r n_wait first_wait end_wait resumed_at trial_seen < <(awk '
      /waiting for a trial another worker holds/ { n++; if (!f) f = prev; next }
      f && !e { e = $1 }
      / \[vgg16_hpo\] resuming/ { r = $1; t = 0 }
      / trial [0-9]+ (started|re-run)/ { t = 1 }
      { prev = $1 }
      END { printf "%d %s %s %s %d\n", n, (f ? f : 0), (e ? e : 0), (r ? r : 0), t }' "$log")
    waited=
    if [ "$n_wait" -gt 0 ]; then
      [ "$end_wait" = 0 ] && end_wait=$EPOCHREALTIME
      waited=$(awk -v a="$first_wait" -v b="$end_wait" 'BEGIN { printf "%.1f", b - a }')
      echo "  seed $seed run $runs: waited ${waited} s for a stale trial heartbeat ($n_wait notices)"
    elif [ "$status" = killed ] && [ "$resumed_at" != 0 ] && [ "$trial_seen" = 0 ] && grep -q '^\[vgg16_hpo\] resuming' <<<"$(tail -1 <<<"$text")"; then
      waited=$(awk -v a="$resumed_at" -v b="$started" -v m="$moment" 'BEGIN { printf "%.1f", b + m - a }')
      echo "  seed $seed run $runs: killed after waiting ${waited} s in a resumed search without starting a trial"
    fi
    if [ -n "$waited" ]; then
      wait_runs=$((wait_runs + 1))
      wait_s=$(awk -v a="$wait_s" -v b="$waited" 'BEGIN { printf "%.1f", a + b }')
    fi

    if [ "$status" = killed ]; then
      kills=$((kills + 1))
      where=$(landed "$log")
      places+=(" ${moment} s: $where ")
      echo "  seed $seed run $runs: killed at ${moment} s (${delay}) in $where"
      continue
    fi
    [ "$status" -eq 0 ] || { tail -30 <<<"$text"; fail "seed $seed, run $runs: run_workflow exited $status (expected 0); log: $log"; }
    echo "  seed $seed run $runs: finished by itself (exit 0)"
    break
  done

  # Temporary files left by the kills (listed before the checks below open the database).
  leftovers=$(cd "$w" && find . \( -name '.*.tmp-*' -o -name '.*.staging-*' -o -name '.*.old-*' \
                                  -o -name '*.previous.link' -o -name '*-journal' -o -name '*-wal' -o -name '*-shm' \) \
                                  -printf '%p %s bytes, %n links\n' | sort)
  if [ -n "$leftovers" ]; then
    echo "  seed $seed: leftover temporary files:"
    sed 's/^/    /' <<<"$leftovers"
  fi
  # A killed writer's temporary is removed by the next write of the same file (or the
  # next run of a step that writes a folder of files): none of checkpoint size may stay.
  big=$(cd "$w" && find . -name '.*.tmp-*' -size +1M -printf '%p %s bytes\n')
  [ -z "$big" ] || fail "seed $seed: large temporary files left behind: $big"

  # The end state equals the reference's and is intact.
  why=$(compare_with_reference "$w") || fail "seed $seed: after $kills kills: $why; logs: $work/seed$seed.log"
  study=$(check_artefacts "$w") || fail "seed $seed: after $kills kills the artefacts do not parse"
  echo "$study"
  grep -q "Test metrics" <<<"$text" || fail "seed $seed: no final summary"
  line="seed $seed: $kills kills, $((runs - 1)) restarts, equal to the reference; $(elapsed "$seed_start") s; kills at: $(IFS='|'; echo "${places[*]:-none}")"
  echo "$line"
  summary+=("$line; heartbeat waits: $wait_runs runs, ${wait_s} s; leftovers: $(grep -c . <<<"$leftovers" || true)")
  # About 1 GB a seed (checkpoints): kept only when asked; the logs stay.
  [ -n "${KILL_WORKFLOW_KEEP:-}" ] || rm -rf "$w"
  total_kills=$((total_kills + kills))
  total_wait_runs=$((total_wait_runs + wait_runs))
  total_wait_s=$(awk -v a="$total_wait_s" -v b="$wait_s" 'BEGIN { printf "%.1f", a + b }')
done

echo
echo "== kill_workflow summary (reference run ${T} s)"
printf '%s\n' "${summary[@]}"
echo "kills survived: $total_kills; runs that waited for a stale heartbeat: $total_wait_runs (${total_wait_s} s in all)"
[ -n "${KILL_WORKFLOW_KEEP:-}" ] || rm -rf "$ref"
echo "kill_workflow: all checks passed in $(elapsed "$script_start") s"
