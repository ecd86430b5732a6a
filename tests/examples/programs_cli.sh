#!/usr/bin/env bash
# What every example program shares (examples/support/program.hpp), program by program:
# --help and --version exit 0; the shared flags have one name (--input_dir, --output_dir)
# and one default (--seed 10, --num_workers 0); a bad command line exits 2 with
# "PROGRAM: usage error: ..."; an error while working exits 1 with one line
# "PROGRAM: error: ...", whatever the exception (galaxyzoo::Error or another).
#   programs_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

# expect STATUS LOG PROGRAM ARGS...: runs the program (stdout and stderr to LOG) and
# checks its exit status.
expect() {
  local want=$1 log=$2 program=$3 status=0
  shift 3
  "$bin/$program" "$@" >"$log" 2>&1 </dev/null || status=$?
  [ "$status" -eq "$want" ] || { cat "$log" >&2; fail "$program $*: exit status $status, expected $want"; }
  if grep -q "terminate called" "$log"; then cat "$log" >&2; fail "$program $*: std::terminate"; fi
}
# has LOG TEXT WHAT: LOG contains TEXT (fixed string).
has() { grep -q -F -- "$2" "$1" || { cat "$1" >&2; fail "$3: no '$2'"; }; }

programs=(make_test_dataset create_dataset preprocess_resize augment_data train_model vgg16_hpo
          eval_model classify run_workflow)
for p in "${programs[@]}"; do
  log=$work/$p.log
  expect 0 "$log" "$p" --help
  has "$log" "--version" "$p --help"
  case $p in
    make_test_dataset) ;;
    *) has "$log" "--input_dir" "$p --help" ;;
  esac
  case $p in
    classify) has "$log" "--output " "$p --help" ;;  # a CSV file, not a folder
    *) has "$log" "--output_dir" "$p --help" ;;
  esac
  for old in --data_path --data --work_dir --folder --output; do
    if grep -q -E -- "^ *$old( |$)" "$log" && [ "$p$old" != classify--output ]; then
      cat "$log" >&2
      fail "$p --help still offers $old"
    fi
  done
  case $p in
    preprocess_resize | classify) ;;
    *) grep -q -E -- "--seed UINT(:\[0, 18446744073709551615\])?=10( |$)" "$log" || { cat "$log" >&2; fail "$p: --seed's default is not 10"; } ;;
  esac
  case $p in
    create_dataset) ;;
    *) grep -q -E -- "--num_workers INT(:\[0, 4096\])?=0( |$)" "$log" ||
         { cat "$log" >&2; fail "$p: --num_workers's default is not 0"; } ;;
  esac

  expect 0 "$log" "$p" --version
  has "$log" "$p (galaxyzoo " "$p --version"

  expect 2 "$log" "$p" --no_such_flag
  has "$log" "$p: usage error: " "$p --no_such_flag"
  has "$log" "Run with --help" "$p --no_such_flag"
  case $p in
    create_dataset) expect 2 "$log" "$p" --seed x ;;
    *) expect 2 "$log" "$p" --num_workers -1 ;;
  esac
  has "$log" "$p: usage error: " "$p: a bad flag value"
done

# Bad values the shared checks and the programs' own catch.
for p in train_model vgg16_hpo eval_model classify run_workflow; do
  expect 2 "$work/device.log" "$p" --device gpu
  has "$work/device.log" "expected auto, cpu, cuda or cuda:N" "$p --device gpu"
done
expect 2 "$work/shard.log" preprocess_resize --shard 5/2
has "$work/shard.log" "5/2" "preprocess_resize --shard 5/2"
expect 2 "$work/catalog.log" classify --catalog some.csv
has "$work/catalog.log" "--input_dir" "classify --catalog without --input_dir"
expect 2 "$work/none.log" classify
has "$work/none.log" "classify: usage error: no images to classify" "classify without images"

# Errors while working: a galaxyzoo::Error, and a std::filesystem::filesystem_error that no
# library call wraps (vgg16_hpo creating its output folder under a file).
expect 1 "$work/missing.log" create_dataset --input_dir "$work/no_such_folder" --output_dir "$work/out"
has "$work/missing.log" "create_dataset: error: " "create_dataset on a missing folder"
has "$work/missing.log" "no_such_folder" "create_dataset on a missing folder"
touch "$work/a_file"
expect 1 "$work/fs.log" vgg16_hpo --input_dir "$work" --output_dir "$work/a_file/hpo" --device cpu
[ "$(grep -c "^vgg16_hpo: error: " "$work/fs.log")" -eq 1 ] ||
  { cat "$work/fs.log" >&2; fail "vgg16_hpo: no one-line error for a filesystem_error"; }
has "$work/fs.log" "a_file/hpo" "vgg16_hpo's filesystem error"
[ "$(grep -v -c "^vgg16_hpo: \(error\|warning\): " "$work/fs.log")" -eq 0 ] ||
  { cat "$work/fs.log" >&2; fail "vgg16_hpo: more than one line of error"; }

rm -rf "$work"
echo "example programs' shared flags and exit statuses: all checks passed"
