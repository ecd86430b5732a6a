#!/usr/bin/env bash
# Runs every test of galaxyzoo from a fresh clone on Debian 12:
#   installs the Debian packages (scripts/install-deps.sh) and the current Optuna into
#   .venv (scripts/install-optuna.sh),
#   configures and builds everything (library, examples, tests, benchmarks), then runs
#   ctest: unit tests, example programs, the installed-package consumer test, the Conan
#   recipe test (scripts/conan-create.sh, which pip-installs Conan into .venv) and the
#   API-docs build.
#
#   Then the sanitizer suites (scripts/test-sanitizers.sh): the unit tests under
#   AddressSanitizer + UndefinedBehaviorSanitizer and the fuzz targets' regressions and a
#   short fuzzing run (clang, build-asan), and the threaded code's tests under
#   ThreadSanitizer (build-tsan). docs/reliability.md says what each covers.
#
#   scripts/test.sh                  # everything
#   scripts/test.sh -LE slow         # extra arguments go to the first ctest
#   GALAXYZOO_SANITIZERS=0 scripts/test.sh -L unit   # quick: unit tests, no sanitizers
#
# Environment: GALAXYZOO_BUILD_DIR (default: build), JOBS (default: number of cores),
# GALAXYZOO_SANITIZERS (default 1), FUZZ_SECONDS (default 60 per fuzz target).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache (when installed) keys objects by paths relative to the clone, so another clone
# of the same sources, CI's included, reuses them.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
build=${GALAXYZOO_BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

"$root/scripts/install-deps.sh"
"$root/scripts/install-optuna.sh"   # the current Optuna from PyPI, in .venv, for the Optuna tests

generator=()
if command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ]; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGALAXYZOO_TEST_CONAN=ON
cmake --build "$build" --parallel "$jobs"
ctest --test-dir "$build" --output-on-failure --parallel "$jobs" "$@"

if [ "${GALAXYZOO_SANITIZERS:-1}" != 0 ]; then
  JOBS=$jobs "$root/scripts/test-sanitizers.sh"
fi
