#!/usr/bin/env bash
# Every numeric flag of every example program refuses a bad value at the door (issue 18):
# before any work, with exit status 2, a message naming the flag, the value and the range,
# and nothing written. The flags and their ranges are read from each program's --help
# (Program shows a numeric flag as "--flag INT:[MIN, MAX]=DEFAULT"); flag_ranges.txt lists
# them all, so that a numeric flag added without a range, or without a row there, fails
# this test. For each flag it tries, all derived from the range: -1, 0 and MIN - 1 where
# out of range, MAX + 1 (just above), 99999999999999999999 (more than 64 bits), 1e30, text
# ("x", "12abc") and, for real numbers, nan and inf, for whole numbers 1.5; plus the extra
# values of the flag's row. Then the issue's reproductions, by name.
#   flag_ranges.sh BIN_DIR WORK_DIR TABLE PROGRAM_CASES
# Every executable in BIN_DIR is an example program. Each case runs in an empty folder of
# its own (the programs' default outputs are relative paths) that must stay empty. The
# cases run through PROGRAM_CASES (tests/examples/program_cases.cpp), each in a child
# forked from it, so that LibTorch starts once rather than once a case; the --help texts
# and the reproductions use the programs' executables.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"
table=$3
runner=$4
bin=$(cd "$bin" && pwd)  # the cases run in folders of their own
[ -f "$table" ] || fail "no table $table"
[ -x "$runner" ] || fail "no program_cases $runner"

# The numeric flags of one program's --help: "FLAG TYPE RANGE COUNT" lines (RANGE without
# spaces, "-" if none; COUNT: how many values the flag takes, 1 for a list of any length).
numeric_flags() {
  local re='^ +(-[a-zA-Z], *)?(--[a-z0-9_]+) (INT|UINT|FLOAT)(:([[(][^])]*[])]))?(=[^ ]*)?( x ([0-9]+))?'
  local line
  "$bin/$1" --help | while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      local range=${BASH_REMATCH[5]:--}
      echo "${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${range// /} ${BASH_REMATCH[8]:-1}"
    fi
  done
}

# bad_values TYPE RANGE EXTRA...: the values to try.
bad_values() {
  local type=$1 range=$2
  shift 2
  local lo=${range:1} hi=${range#*,}
  lo=${lo%%,*}
  hi=${hi%?}
  local values=(99999999999999999999 1e30 x 12abc "$@")
  [ "${lo:0:1}" = - ] || values+=(-1)
  if [ "$type" = FLOAT ]; then
    values+=(nan inf "$(awk -v m="$hi" 'BEGIN { print m * 2 + 1 }')")
    [ "${range:0:1}" = "(" ] && values+=("$lo")
    [ "${range: -1}" = ")" ] && values+=("$hi")
    [ "$lo" != 0 ] && [ "${lo:0:1}" != - ] && values+=(0)
  else
    values+=(1.5 0x10)
    if [ "$hi" = 18446744073709551615 ]; then values+=(18446744073709551616); else values+=($((hi + 1))); fi
    [ "$lo" -gt 0 ] && values+=(0)
    [ "$lo" -gt 1 ] && values+=($((lo - 1)))
  fi
  printf '%s\n' "${values[@]}"
}

# case_args FLAG VALUE COUNT RANGE: sets args to a case's arguments, the flag with the bad
# value and, for a flag of COUNT values, the range's minimum for the others.
case_args() {
  local flag=$1 value=$2 count=$3 range=$4
  args=("$flag" "$value")
  local i filler=${range:1}
  filler=${filler%%,*}
  for ((i = 1; i < count; i++)); do args+=("$filler"); done
}

# check_case DIR STATUS PROGRAM FLAG VALUE COUNT RANGE: a case that ran in DIR with its
# output in DIR/out.log and exit status STATUS. Prints a line saying what went wrong, if
# anything. (No command substitutions: ~1000 cases, and a fork each costs.)
check_case() {
  local dir=$1 status=$2 program=$3 flag=$4 value=$5 count=$6 range=$7
  local log="" entries entry left=()
  IFS= read -r -d '' log <"$dir/out.log" || true
  while [[ $log == *$'\n' ]]; do log=${log%$'\n'}; done
  shopt -s nullglob dotglob
  entries=("$dir"/*)
  shopt -u nullglob dotglob
  for entry in "${entries[@]}"; do
    [ "${entry##*/}" = out.log ] || left+=("${entry##*/}")
  done
  case_args "$flag" "$value" "$count" "$range"
  local what="$program ${args[*]}"
  if [ "$status" -ne 2 ]; then
    echo "$what: exit status $status, expected 2: $log"
  elif [[ $log != *"$program: usage error: "* ]]; then
    echo "$what: no usage error: $log"
  elif [[ $log != *"$flag: got '$value', expected "*" in ${range/,/, }"* ]]; then
    echo "$what: the message does not name flag, value and range ${range/,/, }: $log"
  elif [ ${#left[@]} -gt 0 ]; then
    echo "$what: wrote ${left[*]}"
  fi
}

# The programs, their numeric flags, the table.
programs=()
for exe in "$bin"/*; do
  [ -f "$exe" ] && [ -x "$exe" ] && programs+=("$(basename "$exe")")
done
[ ${#programs[@]} -ge 9 ] || fail "only ${#programs[@]} programs in $bin"
cases=$work/cases
: >"$cases"
flags=0
for program in "${programs[@]}"; do
  numeric_flags "$program" >"$work/$program.flags"
  while read -r flag type range count; do
    flags=$((flags + 1))
    row=$(grep -E "^$program $flag( |$)" "$table") ||
      fail "$program $flag ($type $range) has no row in $(basename "$table")"
    [ "$range" != - ] || fail "$program $flag ($type) has no declared range in --help"
    read -r -a extra <<<"${row#"$program $flag"}"
    while IFS= read -r value; do
      printf '%s\t%s\t%s\t%s\t%s\n' "$program" "$flag" "$value" "$count" "$range" >>"$cases"
    done < <(bad_values "$type" "$range" "${extra[@]}")
  done <"$work/$program.flags"
done
# Every row of the table is a numeric flag in its program's --help.
while read -r program flag _; do
  [ -z "$program" ] || [ "${program:0:1}" = "#" ] && continue
  [ -f "$work/$program.flags" ] || fail "$(basename "$table"): no program $program"
  grep -q -E "^$flag " "$work/$program.flags" ||
    fail "$(basename "$table"): $program has no numeric flag $flag"
done <"$table"

echo "flag_ranges: ${#programs[@]} programs, $flags numeric flags, $(wc -l <"$cases") cases"
# Case N runs in the empty folder $work/case.N; program_cases prints the statuses in order.
input=$work/program_cases.in
statuses=$work/statuses
n=0
dirs=()
while IFS=$'\t' read -r program flag value count range; do
  n=$((n + 1))
  case_args "$flag" "$value" "$count" "$range"
  dirs+=("$work/case.$n")
  printf '%s\t%s' "$work/case.$n" "$program"
  printf '\t%s' "${args[@]}"
  echo
done <"$cases" >"$input"
mkdir "${dirs[@]}"
"$runner" "$(nproc)" <"$input" >"$statuses" || fail "program_cases: exit status $?"
[ "$(wc -l <"$statuses")" -eq "$n" ] || fail "program_cases: $(wc -l <"$statuses") statuses for $n cases"
failures=$work/failures
n=0
while IFS=$'\t' read -r program flag value count range && read -r status <&3; do
  n=$((n + 1))
  check_case "$work/case.$n" "$status" "$program" "$flag" "$value" "$count" "$range"
done <"$cases" 3<"$statuses" >"$failures"
rm -rf "${dirs[@]}"
if [ -s "$failures" ]; then
  head -40 "$failures" >&2
  fail "$(wc -l <"$failures") of $(wc -l <"$cases") cases"
fi

# The issue's reproductions, each with the output or database it must not write.
repro() {
  local expected=$1 must_not_exist=$2 status=0
  shift 2
  (cd "$work" && timeout 120 "$@" >"$work/repro.log" 2>&1 </dev/null) || status=$?
  [ "$status" -eq 2 ] || { cat "$work/repro.log" >&2; fail "$*: exit status $status, expected 2"; }
  grep -q -F -- "$expected" "$work/repro.log" || { cat "$work/repro.log" >&2; fail "$*: no '$expected'"; }
  [ ! -e "$work/$must_not_exist" ] || fail "$*: wrote $must_not_exist"
}
repro "--num: got '-3', expected a whole number in [0, 1000000]" o \
  "$bin/augment_data" --input_dir pre --class_str class_3 --num -3 --output_dir o
repro "--num_class_2: got '-1'" work "$bin/run_workflow" --num_class_2 -1 --output_dir work
repro "--max_img: got '-1'" split "$bin/create_dataset" --max_img -1 5 5 5 5 --output_dir split
repro "--batch_size: got '-1'" results "$bin/eval_model" --batch_size -1 --output_dir results
repro "--resamples: got '-1'" results "$bin/eval_model" --resamples -1 --output_dir results
repro "--batch_size: got '-1'" model "$bin/train_model" --batch_size -1 --output_dir model
repro "train_model: usage error: --num_workers: got '-1', expected a whole number in [0, 4096]" model \
  "$bin/train_model" --num_workers -1 --output_dir model
repro "--epochs: got '0', expected a whole number in [1, 100000]" hpo \
  "$bin/vgg16_hpo" --epochs 0 --output_dir hpo
repro "--image_size: got '48', expected a whole number in [32, 1024], a multiple of 32" model \
  "$bin/train_model" --image_size 48 --output_dir model
repro "--grace must be more than --heartbeat" hpo "$bin/vgg16_hpo" --heartbeat 10 --grace 5 --output_dir hpo
repro "--clip_percentiles: got 99,1, expected LOW,HIGH with LOW < HIGH" predictions.csv \
  "$bin/classify" --clip_percentiles 99,1 galaxy.fits
[ -z "$(ls -A "$work" | grep -v -E '^(cases|failures|program_cases.in|statuses|repro.log|.*\.flags)$')" ] ||
  fail "something was written in $work: $(ls -A "$work")"

rm -rf "$work"
echo "flag ranges: all checks passed"
