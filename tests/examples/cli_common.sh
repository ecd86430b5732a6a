# shellcheck shell=bash disable=SC2034  # bin, work and fail are for the sourcing script
# Sourced by the tests of the example programs (tests/examples/*.sh) with their arguments:
#   source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"    # BIN_DIR WORK_DIR
# Strict mode, $bin (the programs' folder), $work (a fresh, empty scratch folder) and
# fail MESSAGE (prints FAILED: MESSAGE and exits 1), run COMMAND... and expect STATUS TEXT...
# (a command's exit status and what it printed; programs_cli.sh has its own expect).
# A test that passes removes $work when it exits (the workflow tests leave about 1 GB each,
# and CI's disk is shared); one that fails keeps it to be read, as does every test with
# GALAXYZOO_KEEP_TEST_OUTPUT=1.
set -euo pipefail
bin=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
trap 'status=$?; [ "$status" -ne 0 ] || [ -n "${GALAXYZOO_KEEP_TEST_OUTPUT:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
# run COMMAND...: runs it, its output in $work/out.log and its exit status in $status.
run() {
  status=0
  "$@" >"$work/out.log" 2>&1 || status=$?
}
# Fails unless the last run exited with $1 and its output holds each of the rest.
expect() {
  local want=$1
  shift
  [ "$status" -eq "$want" ] || { cat "$work/out.log"; fail "expected exit status $want, got $status"; }
  for text in "$@"; do
    grep -qF -- "$text" "$work/out.log" || { cat "$work/out.log"; fail "the output should say: $text"; }
  done
}
