#!/usr/bin/env bash
# Runs galaxyzoo's tests under the sanitizers, from a fresh clone on Debian 12
# (docs/reliability.md):
#  1. build-asan: clang, AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer,
#     with the libFuzzer targets. Every unit test and every fuzz regression
#     (ctest -L 'unit|fuzz'), then scripts/fuzz.sh for FUZZ_SECONDS per target.
#  2. build-tsan: clang, ThreadSanitizer. The tests of the code that starts its own
#     threads: the preprocessing pool (parallel, preprocess, augment), the data loader's
#     prefetch (image_loader, trainer), the HPO heartbeat thread and forked workers
#     (hpo_search, sqlite_storage).
# A sanitizer report fails the test that triggered it. Both builds use Debian's LibTorch
# 1.13 (CPU only: no CUDA libraries in the sanitized processes, no download), which keeps
# that build tested; scripts/test.sh runs the rest of the suite against LibTorch 2.x
# (docs/dependencies.md).
#
#   scripts/test-sanitizers.sh                 # both
#   scripts/test-sanitizers.sh asan            # one of them: asan or tsan
#
# Environment: FUZZ_SECONDS (default 60; 0 skips fuzzing), JOBS (default: cores),
# GALAXYZOO_ASAN_DIR / GALAXYZOO_TSAN_DIR (default build-asan / build-tsan).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache (when installed) keys objects by paths relative to the clone, so another clone
# of the same sources, CI's included, reuses them.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-60}
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(asan tsan)

"$root/scripts/install-deps.sh"

# Library, tests and fuzz targets only: the example programs and benchmarks add build
# time and nothing the unit tests do not reach (the fuzz build compiles the programs'
# sources without main() for fuzz_command_line, not the programs).
configure() {
  local dir=$1
  shift
  local generator=()
  if command -v ninja >/dev/null && [ ! -f "$dir/CMakeCache.txt" ]; then generator=(-G Ninja); fi
  CC=clang CXX=clang++ cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Sanitize \
    -DGALAXYZOO_BUILD_EXAMPLES=OFF -DGALAXYZOO_BUILD_BENCH=OFF -DGALAXYZOO_BUILD_DOCS=OFF -DGALAXYZOO_INSTALL=OFF "$@"
}

for kind in "${which[@]}"; do
  case $kind in
    asan)
      dir=${GALAXYZOO_ASAN_DIR:-$root/build-asan}
      configure "$dir" "-DGALAXYZOO_SANITIZE=address;undefined" -DGALAXYZOO_FUZZ=ON
      cmake --build "$dir" --parallel "$jobs"
      ctest --test-dir "$dir" --output-on-failure --parallel "$jobs" -L 'unit|fuzz'
      if [ "$fuzz_seconds" -gt 0 ]; then GALAXYZOO_FUZZ_BUILD_DIR=$dir "$root/scripts/fuzz.sh" "$fuzz_seconds"; fi
      ;;
    tsan)
      dir=${GALAXYZOO_TSAN_DIR:-$root/build-tsan}
      threaded=(parallel wall_time_limit preprocess augment image_loader trainer hpo_search sqlite_storage)
      configure "$dir" -DGALAXYZOO_SANITIZE=thread
      cmake --build "$dir" --parallel "$jobs" --target "${threaded[@]/#/test_}"
      regex="^($(IFS='|'; echo "${threaded[*]}"))\$"
      ctest --test-dir "$dir" --output-on-failure --parallel "$jobs" -R "$regex"
      ;;
    *)
      echo "test-sanitizers.sh: unknown suite '$kind' (expected asan or tsan)" >&2
      exit 2
      ;;
  esac
done
