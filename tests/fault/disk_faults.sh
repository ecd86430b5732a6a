#!/usr/bin/env bash
# Fault injection: a full or read-only disk under the example programs' outputs.
#
# What is tested (each program as a user runs it, on tiny generated data):
#   1. preprocess_resize into a folder with room for only part of its outputs, then into
#      a read-only one: a clear error naming a file (or the folder) and the cause, no
#      half-written or temporary file left, and after space comes back a re-run whose
#      folder equals a run on a normal disk byte for byte.
#   2. train_model checkpointing: a checkpoint and its .previous copy on disk (SIGTERM
#      once the second checkpoint is being written), then --resume with the disk full and
#      with only part of a checkpoint's room: a clear error naming the file, the
#      checkpoint and its .previous copy byte-identical to before, no temporary files;
#      once space is back --resume finishes with the same model file (cmp) and the same
#      losses as an uninterrupted run, and the .previous copy is gone. Then (2c) no room
#      for the final model of the finished run: a clear error, no file, and the model
#      written once space is back equals the uninterrupted run's.
#   3. vgg16_hpo study storage: one finished trial, then a full disk under the SQLite
#      study (a) with the per-trial files elsewhere, (b) with them there too, and (c) a
#      full disk under the per-trial files only: a clear error naming the database (or
#      file), a database that passes PRAGMA integrity_check and keeps the finished trial;
#      (a) also a read-only folder; (d) as (c) with 64 KiB free. No trial is recorded as
#      failed for a full disk. Once space is back the study reaches 2 finished trials
#      with the same best parameters as an undisturbed search.
#
# How: the script re-executes itself in a private mount namespace (unshare; as root
# `--mount`, else `--user --map-root-user --mount`) and mounts small tmpfs folders there.
# A disk is made full with a filler file (fallocate, else dd, until ENOSPC) and given
# back by deleting it; `mount -o remount,size=` and `remount,ro` do the rest. The
# namespace, and with it every mount, disappears when the script exits.
#
#   tests/fault/disk_faults.sh BIN_DIR WORK_DIR
#     BIN_DIR: the example programs (make_test_dataset, create_dataset, preprocess_resize,
#              train_model, vgg16_hpo); WORK_DIR: scratch folder (deleted first, and on
#              success). Exit status: 0 all checks passed, 1 a check failed, 77 this
#              machine cannot make private mounts (the reason is printed).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BIN_DIR WORK_DIR" >&2
  exit 2
fi

# --- Into a private mount namespace -------------------------------------------------
if [ "${GALAXYZOO_DISK_FAULTS_NAMESPACE:-}" != 1 ]; then
  export GALAXYZOO_DISK_FAULTS_NAMESPACE=1
  self=$(readlink -f "$0")
  if ! command -v unshare >/dev/null; then
    echo "SKIP: no unshare(1) (util-linux): cannot make a private mount namespace" >&2
    exit 77
  fi
  why_root="" why_user=""
  if [ "$(id -u)" -eq 0 ]; then
    if why_root=$(unshare --mount true 2>&1); then exec unshare --mount -- bash "$self" "$@"; fi
  fi
  if why_user=$(unshare --user --map-root-user --mount true 2>&1); then
    exec unshare --user --map-root-user --mount -- bash "$self" "$@"
  fi
  echo "SKIP: cannot make a private mount namespace (unshare --mount: ${why_root:-not root};" \
       "unshare --user --map-root-user --mount: $why_user)" >&2
  exit 77
fi

bin=$(readlink -f "$1")
work=$2
for program in make_test_dataset create_dataset preprocess_resize train_model vgg16_hpo; do
  [ -x "$bin/$program" ] || { echo "FAILED: $bin/$program is missing (build the examples first)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/logs"
work=$(readlink -f "$work")
logs=$work/logs
start_time=$SECONDS
# On failure keep only the logs (the models and checkpoints left would take ~0.5 GB).
trap 'status=$?; [ "$status" -eq 0 ] || [ "$status" -eq 77 ] ||
      find "$work" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} + 2>/dev/null || true' EXIT

# The mounts are private to this namespace; make sure of it before mounting anything.
mount --make-rprivate / 2>/dev/null || true
probe=$work/probe
mkdir -p "$probe"
if ! why=$(mount -t tmpfs -o size=64k tmpfs "$probe" 2>&1); then
  echo "SKIP: cannot mount a tmpfs in the private namespace: $why" >&2
  exit 77
fi
# remount DIR OPTIONS: `mount -o remount,OPTIONS`. In a user namespace mount(8) must not
# merge the options it reads back (tmpfs shows uid/gid as the initial namespace sees
# them, which this one cannot map), hence --options-mode ignore where mount has it.
remount() {
  mount --options-mode ignore -o "remount,$2" "$1" 2>/dev/null || mount -o "remount,$2" "$1"
}
if ! why=$(remount "$probe" size=128k 2>&1) || ! why=$(remount "$probe" ro 2>&1) ||
   ! why=$(remount "$probe" rw 2>&1); then
  echo "SKIP: cannot remount a tmpfs (size, ro, rw) in the private namespace: $why" >&2
  exit 77
fi
umount "$probe"
rmdir "$probe"

# --- Helpers --------------------------------------------------------------------------
failures=0
summary=()
fail() {  # a failed check: reported, counted, and the script goes on
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}
fatal() {  # a failed check after which the scenario cannot go on
  echo "FAILED: $*" >&2
  echo "disk faults: stopped after $((failures + 1)) failed check(s)" >&2
  exit 1
}
show() {  # the end of a log, indented, for a failure message
  echo "---- $1 (last lines) ----" >&2
  tr '\r' '\n' <"$1" | grep -v '^ *batch [0-9]' | tail -n "${2:-15}" | sed 's/^/    /' >&2
}
note() { echo "  $*"; }

limit=300  # seconds any one program may take before it counts as hung
# run LOG PROGRAM ARGS...: runs an example program, output to LOG; sets $status.
run() {
  local log=$1
  shift
  status=0
  timeout -k 10 "$limit" "$bin/$@" >"$log" 2>&1 </dev/null || status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then fatal "$1 did not finish within $limit s (log: $log)"; fi
}
# expect_ok LOG WHAT: the last run() exited 0.
expect_ok() {
  if [ "$status" -ne 0 ]; then
    show "$1"
    fatal "$2: expected exit status 0, got $status"
  fi
}
# expect_error LOG WHAT PATH REGEX: the last run() failed (status not 0 or 3) with a
# message naming PATH and matching REGEX (grep -E -i).
expect_error() {
  local log=$1 what=$2 path=$3 regex=$4
  if [ "$status" -eq 0 ] || [ "$status" -eq 3 ]; then
    show "$log"
    fail "$what: expected a failure (exit status other than 0 and 3), got $status"
    return
  fi
  if ! grep -F -- "$path" "$log" | grep -E -i -q -- "$regex"; then
    show "$log"
    fail "$what: expected an error line naming '$path' and saying /$regex/ (exit status $status)"
    return
  fi
  note "$what: exit $status, message: $(grep -F -- "$path" "$log" | grep -E -i -- "$regex" | head -1)"
}
# tmpfs DIR SIZE: a fresh tmpfs at DIR.
tmpfs() {
  mkdir -p "$1"
  mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" || fatal "cannot mount a tmpfs of $2 at $1"
}
free_bytes() { df --output=avail -B1 "$1" | tail -1 | tr -d ' '; }
# fill MOUNT [KEEP]: fill the file system at MOUNT with MOUNT/filler.N until only KEEP
# bytes (default 0) are free.
fill() {
  local mount=$1 keep=${2:-0} n=0 avail
  avail=$(free_bytes "$mount")
  while [ "$avail" -gt "$keep" ] && [ "$n" -lt 8 ]; do
    local want=$(((avail - keep) / 4096 * 4096))
    [ "$want" -gt 0 ] || break
    if ! fallocate -l "$want" "$mount/filler.$n" 2>/dev/null; then
      rm -f "$mount/filler.$n"
      if [ "$keep" -eq 0 ]; then
        dd if=/dev/zero of="$mount/filler.$n" bs=64k 2>/dev/null || true  # until ENOSPC
      else
        dd if=/dev/zero of="$mount/filler.$n" bs=4096 count=$((want / 4096)) 2>/dev/null || true
      fi
    fi
    n=$((n + 1))
    avail=$(free_bytes "$mount")
  done
  if [ "$keep" -eq 0 ] && [ "$avail" -ne 0 ]; then fatal "could not fill $mount ($avail bytes still free)"; fi
  if [ "$keep" -gt 0 ] && { [ "$avail" -gt $((keep + 65536)) ] || [ "$avail" -lt $((keep - 65536)) ]; }; then
    fatal "could not leave $keep bytes free on $mount ($avail free)"
  fi
}
unfill() { rm -f "$1"/filler.*; }
# leftovers DIR: temporary or half-written files the atomic writers may leave (dot files
# but the preprocessing stamp).
leftovers() { find "$1" -name '.*' ! -name .galaxyzoo-preprocess.json ! -path "$1" -print 2>/dev/null | sort; }
hash_of() { if [ -e "$1" ]; then md5sum <"$1" | cut -d' ' -f1; else echo absent; fi; }
# sql DB QUERY: rows as a|b|c, with sqlite3 or python3's sqlite3 module.
sql() {
  if command -v sqlite3 >/dev/null; then
    sqlite3 "$1" "$2"
  else
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
  fi
}
# check_study DB WHAT EXPECTED_TRIALS: PRAGMA integrity_check on a copy of DB (and its
# WAL) on the normal disk, and the trials as "number|state|value" lines.
check_study() {
  local db=$1 what=$2 expected=$3 copy=$work/dbcheck
  rm -rf "$copy"
  mkdir -p "$copy"
  cp "$db" "$copy/study.db" || { fail "$what: cannot copy $db"; return; }
  [ ! -s "$db-wal" ] || cp "$db-wal" "$copy/study.db-wal"
  local integrity trials
  integrity=$(sql "$copy/study.db" 'PRAGMA integrity_check' 2>&1) || true
  [ "$integrity" = ok ] || fail "$what: PRAGMA integrity_check of $db says: $integrity"
  trials=$(sql "$copy/study.db" 'SELECT number, state, value FROM trials ORDER BY number' 2>&1) || true
  [ "$trials" = "$expected" ] ||
    fail "$what: the study's trials changed; expected:"$'\n'"$expected"$'\n'"got:"$'\n'"$trials"
  note "$what: integrity_check $integrity; trials: $(echo "$trials" | tr '\n' ' ')"
}

# --- Data: a tiny synthetic data set on the normal disk -------------------------------
run "$logs/make_test_dataset.log" make_test_dataset --output_dir "$work/data" --per_class 6 --unlabeled 0 --seed 3 \
  --image_size 128 --num_workers 1
expect_ok "$logs/make_test_dataset.log" make_test_dataset
run "$logs/create_dataset.log" create_dataset --input_dir "$work/data" --output_dir "$work/split" --stratified
expect_ok "$logs/create_dataset.log" create_dataset

# =====================================================================================
# 1. Preprocessing
# =====================================================================================
echo "== 1. preprocess_resize: full disk, read-only folder"
s1_failures=$failures
pre() { run "$1" preprocess_resize --input_dir "$work/split" --crop_size 96 --quality 90 "${@:2}"; }
pre "$logs/pre_reference.log" --output_dir "$work/pre_reference" --num_workers 1
expect_ok "$logs/pre_reference.log" "preprocess_resize (reference, normal disk)"
outputs=$(find "$work/pre_reference" -name '*_proc.jpg' | wc -l)
[ "$outputs" -ge 20 ] || fatal "the reference preprocessing wrote $outputs images, expected 28"

m1=$work/mnt1
tmpfs "$m1" 48k  # 12 pages: room for about 11 of the 28 outputs (one page each)
out=$m1/pre
pre "$logs/pre_full.log" --output_dir "$out" --num_workers 2
expect_error "$logs/pre_full.log" "1a full disk" "$out/" "No space left on device"
written=0
for f in "$out"/*; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  if [ ! -f "$work/pre_reference/$name" ]; then
    fail "1a full disk: unexpected output $f"
  elif ! cmp -s "$f" "$work/pre_reference/$name"; then
    fail "1a full disk: $f differs from the reference run's (a partial or damaged JPEG)"
  else
    written=$((written + 1))
  fi
done
left=$(leftovers "$out")
[ -z "$left" ] || fail "1a full disk: temporary files left in $out: $left"
[ "$written" -lt "$outputs" ] || fail "1a full disk: all $written outputs fit: the fault was not injected"
note "1a full disk: $written of $outputs outputs written, each identical to the reference"

remount "$m1" size=1m
pre "$logs/pre_again.log" --output_dir "$out" --num_workers 2
expect_ok "$logs/pre_again.log" "1a re-run after space came back"
if ! diff -r "$work/pre_reference" "$out" >"$logs/pre_diff.log" 2>&1; then
  show "$logs/pre_diff.log"
  fail "1a: after the re-run $out differs from the reference run's folder"
fi

# Read-only: a new folder there, and --force over the existing outputs.
listing() { (cd "$1" && find . -printf '%p %s %T@\n' | sort && find . -type f -exec md5sum {} + | sort); }
before=$(listing "$out")
remount "$m1" ro
pre "$logs/pre_ro_new.log" --output_dir "$m1/new" --num_workers 1
expect_error "$logs/pre_ro_new.log" "1b read-only, new folder" "$m1/new" "read-only"
pre "$logs/pre_ro_force.log" --output_dir "$out" --num_workers 1 --force
expect_error "$logs/pre_ro_force.log" "1b read-only, --force over outputs" "$out" "read-only"
[ "$(listing "$out")" = "$before" ] || fail "1b read-only: the outputs in $out changed"
[ ! -e "$m1/new" ] || fail "1b read-only: $m1/new exists"
umount "$m1"
if [ "$failures" -eq "$s1_failures" ]; then r=passed; else r="FAILED ($((failures - s1_failures)) checks)"; fi
summary+=("1 preprocessing: faults: tmpfs with room for $written/$outputs outputs, then read-only (new folder, --force); $r")

# =====================================================================================
# 2. Checkpointing
# =====================================================================================
echo "== 2. train_model: full disk at checkpoints and at the final model"
s2_failures=$failures
pre "$logs/pre32.log" --output_dir "$work/pre32" --num_workers 1 --crop_then_resize 32
expect_ok "$logs/pre32.log" "preprocess_resize (32 px)"
epochs=4
train_args=(--input_dir "$work/pre32" --image_size 32 --batch_size 4 --epochs "$epochs" --patience 0 --num_workers 1
            --threads 2 --device cpu --seed 5)
run "$logs/train_reference.log" train_model "${train_args[@]}" --output_dir "$work/train_reference"
expect_ok "$logs/train_reference.log" "train_model (reference, uninterrupted)"

m2=$work/mnt2
tmpfs "$m2" 900m  # up to 4 checkpoints (pinned ones included) and a model
model=$m2/model
ckpt=$model/checkpoint_vgg16.pt
prev=$ckpt.previous
# A run stopped by SIGTERM once the second checkpoint is being written (the first one
# becomes the previous copy): it stops after that epoch, or in the middle of the next one
# (exit status 3), with a checkpoint and a different .previous on disk.
"$bin/train_model" "${train_args[@]}" --output_dir "$model" >"$logs/train_first.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1200); do
  [ -f "$prev" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -f "$prev" ] || { show "$logs/train_first.log"; fatal "2: no $prev after two epochs"; }
kill -TERM "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
[ "$status" -eq 3 ] || { show "$logs/train_first.log"; fatal "2: SIGTERM should exit with status 3, got $status"; }

# resume_with_fault LOG WHAT FILE: --resume on the prepared disk must fail naming FILE
# with "No space left"; checkpoint and .previous unchanged, no leftovers.
resume_with_fault() {
  local log=$1 what=$2 file=$3 ckpt_before prev_before
  ckpt_before=$(hash_of "$ckpt")
  prev_before=$(hash_of "$prev")
  run "$log" train_model "${train_args[@]}" --output_dir "$model" --resume
  expect_error "$log" "$what" "$file" "No space left on device"
  [ "$(hash_of "$ckpt")" = "$ckpt_before" ] || fail "$what: $ckpt changed (it should be byte-identical to before)"
  [ "$(hash_of "$prev")" = "$prev_before" ] ||
    fail "$what: $prev changed (it should be byte-identical to before; before: $prev_before, now: $(hash_of "$prev"))"
  local left
  left=$(leftovers "$model")
  [ -z "$left" ] || fail "$what: temporary files left in $model: $left"
}
[ -f "$ckpt" ] || fatal "2: no $ckpt after the stopped run"
# The previous copy is pinned by a second hard link outside the model folder, so that
# rotating it frees no space: the checkpoint write itself must meet the full disk.
pin() { rm -f "$m2/pin"; [ ! -f "$prev" ] || ln "$prev" "$m2/pin"; }

# 2a: the disk full.
pin
fill "$m2"
resume_with_fault "$logs/train_full.log" "2a resume on a full disk" "$ckpt"
unfill "$m2"

# 2b: room for part of a checkpoint only (a write that starts, then fails).
pin
fill "$m2" $((48 << 20))
resume_with_fault "$logs/train_partial.log" "2b resume with 48 MiB free" "$ckpt"
unfill "$m2"
rm -f "$m2/pin"

# Space back: the resumed run finishes as the uninterrupted one did.
run "$logs/train_resumed.log" train_model "${train_args[@]}" --output_dir "$model" --resume
expect_ok "$logs/train_resumed.log" "2 --resume after space came back"
cmp "$model/final_vgg16_model.pt" "$work/train_reference/final_vgg16_model.pt" ||
  fail "2: the resumed run's final model differs from the uninterrupted run's"
if ! diff <(cut -d, -f1-5 "$work/train_reference/history_vgg16.csv") <(cut -d, -f1-5 "$model/history_vgg16.csv") \
     >"$logs/history_diff.log"; then
  show "$logs/history_diff.log"
  fail "2: the resumed run's history (epoch and losses, columns 1-5) differs from the uninterrupted run's"
fi
[ ! -e "$prev" ] || fail "2: the previous checkpoint copy $prev is left after training finished"

# 2c: no room for the final model. The finished checkpoint trains nothing more, so a
# resumed run only writes its outputs: the final model's write fails on a full disk,
# leaves nothing behind, and succeeds once space is back.
rm -f "$model/final_vgg16_model.pt"
fill "$m2"
run "$logs/train_final_full.log" train_model "${train_args[@]}" --output_dir "$model" --resume
expect_error "$logs/train_final_full.log" "2c no room for the final model" "$model/final_vgg16_model.pt" \
  "No space left on device"
left=$(leftovers "$model")
[ -z "$left" ] || fail "2c: temporary files left in $model: $left"
[ ! -e "$model/final_vgg16_model.pt" ] || fail "2c: a final model file exists after its write failed"
unfill "$m2"
run "$logs/train_final_again.log" train_model "${train_args[@]}" --output_dir "$model" --resume
expect_ok "$logs/train_final_again.log" "2c --resume after space came back"
cmp "$model/final_vgg16_model.pt" "$work/train_reference/final_vgg16_model.pt" ||
  fail "2c: the final model written after space came back differs from the uninterrupted run's"
umount "$m2"
if [ "$failures" -eq "$s2_failures" ]; then r=passed; else r="FAILED ($((failures - s2_failures)) checks)"; fi
summary+=("2 checkpointing: faults: full disk at a checkpoint, 48 MiB free at a checkpoint, full at the final model; $r")

# =====================================================================================
# 3. HPO study storage
# =====================================================================================
echo "== 3. vgg16_hpo: full disk under the study database and the per-trial files"
s3_failures=$failures
hpo_args=(--input_dir "$work/pre32" --image_size 32 --batch_size 8 --epochs 1 --patience 0 --sampler random --seed 4
          --num_workers 1 --threads 2 --device cpu)
run "$logs/hpo_reference.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$work/hpo_reference"
expect_ok "$logs/hpo_reference.log" "vgg16_hpo (reference, 2 trials)"
reference_best=$work/hpo_reference/best_vgg16_hpo_params.txt

m3=$work/mnt3
tmpfs "$m3" 8m
m4=$work/mnt4
tmpfs "$m4" 400m

# 3a: the database on a tmpfs, the per-trial files on the normal disk.
db_a=$m3/study.db
out_a=$work/hpo_a
run "$logs/hpo_a_first.log" vgg16_hpo "${hpo_args[@]}" --trials 1 --output_dir "$out_a" --storage "$db_a"
expect_ok "$logs/hpo_a_first.log" "3a first trial"
trial0=$(sql "$db_a" 'SELECT number, state, value FROM trials ORDER BY number')
[ "$(echo "$trial0" | cut -d'|' -f2)" = complete ] || fatal "3a: trial 0 is not complete: $trial0"
# The other variants start from this study (one finished trial), copied.
cp "$db_a" "$work/study_one_trial.db"
cp -r "$out_a" "$work/hpo_one_trial"

fill "$m3"
run "$logs/hpo_a_full.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_a" --storage "$db_a"
expect_error "$logs/hpo_a_full.log" "3a full disk under the database" "$db_a" "full|no space"
check_study "$db_a" "3a full disk under the database" "$trial0"
unfill "$m3"

remount "$m3" ro
run "$logs/hpo_a_ro.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_a" --storage "$db_a"
expect_error "$logs/hpo_a_ro.log" "3a read-only database folder" "$db_a" "read-only|readonly"
check_study "$db_a" "3a read-only database folder" "$trial0"
remount "$m3" rw

# check_finished LOG DB OUT WHAT STRICT: the study has 2 finished trials; with STRICT the
# best parameters equal the undisturbed search's, else a difference is only reported.
check_finished() {
  local log=$1 db=$2 out=$3 what=$4 strict=$5 finished
  grep -q "the study has 2 finished trials" "$log" || { show "$log"; fail "$what: expected 'the study has 2 finished trials'"; }
  finished=$(sql "$db" "SELECT COUNT(*) FROM trials WHERE state IN ('complete', 'pruned')")
  [ "$finished" = 2 ] || fail "$what: $db has $finished finished trials, expected 2"
  if ! cmp -s "$out/best_vgg16_hpo_params.txt" "$reference_best"; then
    if [ "$strict" = strict ]; then
      fail "$what: best parameters differ from the undisturbed search's: $(grep -v '^#' "$out/best_vgg16_hpo_params.txt" | tr '\n' ' ') vs $(grep -v '^#' "$reference_best" | tr '\n' ' ')"
    else
      note "$what: NOTE: best parameters differ from the undisturbed search's ($(grep -v '^#' "$out/best_vgg16_hpo_params.txt" | tr '\n' ' ') vs $(grep -v '^#' "$reference_best" | tr '\n' ' '))"
    fi
  fi
  note "$what: trials now: $(sql "$db" 'SELECT number || ":" || state FROM trials ORDER BY number' | tr '\n' ' ')"
}
run "$logs/hpo_a_again.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_a" --storage "$db_a"
expect_ok "$logs/hpo_a_again.log" "3a after space came back"
check_finished "$logs/hpo_a_again.log" "$db_a" "$out_a" "3a after space came back" strict

# 3b: the database and the per-trial files on one tmpfs.
db_b=$m4/b/study.db
out_b=$m4/b/out
mkdir -p "$m4/b"
cp "$work/study_one_trial.db" "$db_b"
cp -r "$work/hpo_one_trial" "$out_b"
fill "$m4"
run "$logs/hpo_b_full.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_b" --storage "$db_b"
expect_error "$logs/hpo_b_full.log" "3b full disk under database and trial files" "$db_b" "full|no space"
check_study "$db_b" "3b full disk under database and trial files" "$trial0"
left=$(leftovers "$m4/b")
[ -z "$left" ] || fail "3b: temporary files left in $m4/b: $left"
unfill "$m4"
run "$logs/hpo_b_again.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_b" --storage "$db_b"
expect_ok "$logs/hpo_b_again.log" "3b after space came back"
check_finished "$logs/hpo_b_again.log" "$db_b" "$out_b" "3b after space came back" strict
rm -rf "${m4:?}/b"

# 3c: the database on the normal disk, the per-trial files on a full tmpfs.
db_c=$work/hpo_c.db
out_c=$m4/c
cp "$work/study_one_trial.db" "$db_c"
cp -r "$work/hpo_one_trial" "$out_c"
fill "$m4"
run "$logs/hpo_c_full.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_c" --storage "$db_c"
expect_error "$logs/hpo_c_full.log" "3c full disk under the trial files" "$out_c/" "No space left on device"
integrity=$(sql "$db_c" 'PRAGMA integrity_check' 2>&1) || true
[ "$integrity" = ok ] || fail "3c: PRAGMA integrity_check of $db_c says: $integrity"
[ "$(sql "$db_c" 'SELECT number, state, value FROM trials WHERE number = 0')" = "$trial0" ] ||
  fail "3c: trial 0 changed in $db_c"
# A full output folder is the machine's fault, not the parameters': no trial is failed.
[ "$(sql "$db_c" "SELECT COUNT(*) FROM trials WHERE state = 'failed'")" = 0 ] ||
  fail "3c: a trial was recorded as failed for a full disk"
note "3c full disk under the trial files: trials now: $(sql "$db_c" "SELECT number || ':' || state || ':' || message FROM trials ORDER BY number" | tr '\n' ' ')"
left=$(leftovers "$out_c")
[ -z "$left" ] || fail "3c: temporary files left in $out_c: $left"
unfill "$m4"
# 3d: as 3c, but with 64 KiB free: room for the small summary files, not a checkpoint.
fill "$m4" 65536
run "$logs/hpo_d_nearly_full.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_c" --storage "$db_c"
expect_error "$logs/hpo_d_nearly_full.log" "3d 64 KiB free under the trial files" "$out_c/" "No space left on device"
integrity=$(sql "$db_c" 'PRAGMA integrity_check' 2>&1) || true
[ "$integrity" = ok ] || fail "3d: PRAGMA integrity_check of $db_c says: $integrity"
[ "$(sql "$db_c" 'SELECT number, state, value FROM trials WHERE number = 0')" = "$trial0" ] ||
  fail "3d: trial 0 changed in $db_c"
# A full output folder is the machine's fault, not the parameters': no trial is failed.
[ "$(sql "$db_c" "SELECT COUNT(*) FROM trials WHERE state = 'failed'")" = 0 ] ||
  fail "3d: a trial was recorded as failed for a full disk"
note "3d 64 KiB free under the trial files: trials now: $(sql "$db_c" "SELECT number || ':' || state FROM trials ORDER BY number" | tr '\n' ' ')"
left=$(leftovers "$out_c")
[ -z "$left" ] || fail "3d: temporary files left in $out_c: $left"
unfill "$m4"
run "$logs/hpo_c_again.log" vgg16_hpo "${hpo_args[@]}" --trials 2 --output_dir "$out_c" --storage "$db_c"
expect_ok "$logs/hpo_c_again.log" "3c after space came back"
check_finished "$logs/hpo_c_again.log" "$db_c" "$out_c" "3c/3d after space came back" strict
umount "$m3" "$m4"
if [ "$failures" -eq "$s3_failures" ]; then r=passed; else r="FAILED ($((failures - s3_failures)) checks)"; fi
summary+=("3 HPO storage: faults: full disk under the database (a: trial files elsewhere, b: there too), read-only database folder, full disk (c) and 64 KiB free (d) under the trial files only; $r")

# --- Summary --------------------------------------------------------------------------
echo "== summary ($((SECONDS - start_time)) s)"
for line in "${summary[@]}"; do echo "  $line"; done
if [ "$failures" -ne 0 ]; then
  echo "disk faults: $failures check(s) FAILED; logs in $logs" >&2
  exit 1
fi
rm -rf "$work"
echo "disk faults: all checks passed"
