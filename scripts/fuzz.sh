#!/usr/bin/env bash
# Fuzzes each libFuzzer target of fuzz/ for a while, starting from its seed corpus
# (make_fuzz_corpus) and its saved regressions (fuzz/regressions/TARGET/), and prints a
# table: executions, seconds, executions per second, corpus size, result.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   # default 60 s; image, model_file,
#                                                      # search_space, vote_table, catalog,
#                                                      # hyperparameters, torch_save,
#                                                      # command_line
#   scripts/fuzz.sh 600 torch_archive                  # behind the model file's seal: finds
#                                                      # a LibTorch 1.13 crash (docs/reliability.md)
#
# Needs a build with GALAXYZOO_FUZZ=ON (scripts/test-sanitizers.sh makes one in
# build-asan; GALAXYZOO_FUZZ_BUILD_DIR chooses another). A crash, a sanitizer report, an
# uncaught exception or a hang stops that target and fails the script; the input that
# did it is saved as build-asan/fuzz/findings/TARGET/crash-* (or timeout-*, oom-*): fix the
# bug, then copy the input into fuzz/regressions/TARGET/ so that ctest runs it forever
# after. The growing corpus is kept in build-asan/fuzz/work/TARGET, so a second run goes
# on where the first stopped. Longer runs: scripts/fuzz.sh 3600 image.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GALAXYZOO_FUZZ_BUILD_DIR:-$root/build-asan}
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(image model_file search_space vote_table catalog hyperparameters torch_save command_line)

[ -x "$build/fuzz/make_fuzz_corpus" ] || { echo "fuzz.sh: no fuzz build in $build (run scripts/test-sanitizers.sh)" >&2; exit 1; }
"$build/fuzz/make_fuzz_corpus" "$build/fuzz/corpus"
# Third-party leaks are suppressed as in the tests; no leak checks of our own while
# fuzzing (LeakSanitizer runs at exit of each ctest run instead).
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=0:strict_string_checks=1"

failed=0
summary=$(printf '%-13s %10s %8s %10s %7s  %s\n' target executions seconds "execs/s" corpus result)
for target in "${targets[@]}"; do
  exe="$build/fuzz/fuzz_$target"
  [ -x "$exe" ] || { echo "fuzz.sh: no target $exe" >&2; exit 1; }
  work="$build/fuzz/work/$target"
  findings="$build/fuzz/findings/$target"
  mkdir -p "$work" "$findings"
  log="$build/fuzz/$target.log"
  echo "fuzz.sh: $target for $seconds s (log: $log)"
  start=$(date +%s.%N)
  status=0
  # -rss_limit_mb: a real image or model file needs far less; more is a bug (an
  # allocation sized by a damaged header). -timeout: one input taking longer is a hang.
  "$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -max_len=65536 -print_final_stats=1 \
         -artifact_prefix="$findings/" "$work" "$build/fuzz/corpus/$target" "$root/fuzz/regressions/$target" \
         >"$log" 2>&1 || status=$?
  end=$(date +%s.%N)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  runs=${runs:-0}
  corpus=$(find "$work" -type f | wc -l)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (status $status): $(ls -t "$findings" | head -1)"
    failed=1
    grep -E 'ERROR|SUMMARY|terminate|what\(\)' "$log" | head -5 >&2 || true
  fi
  elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  rate=$(awk -v n="$runs" -v t="$elapsed" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
  summary+=$'\n'$(printf '%-13s %10s %8s %10s %7s  %s' "$target" "$runs" "$elapsed" "$rate" "$corpus" "$result")
done
echo "$summary"
exit $failed
