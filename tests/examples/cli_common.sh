# shellcheck shell=bash disable=SC2034  # bin, work and fail are for the sourcing script
# Sourced by the tests of the example programs (tests/examples/*.sh) with their arguments:
#   source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"    # BIN_DIR WORK_DIR
# Strict mode, $bin (the programs' folder), $work (a fresh, empty scratch folder) and
# fail MESSAGE (prints FAILED: MESSAGE and exits 1).
set -euo pipefail
bin=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
