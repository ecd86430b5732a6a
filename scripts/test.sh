#!/usr/bin/env bash
# Runs every test of galaxyzoo from a fresh clone on Debian 12:
#   installs the Debian packages (scripts/install-deps.sh) and the current Optuna into
#   .venv (scripts/install-optuna.sh);
#   builds everything (library, examples, tests, benchmarks, the GPU check's programs)
#   against LibTorch 2.x, the CUDA-enabled LibTorch of PyPI's pinned torch wheel, and runs
#   every ctest test with it on the CPU (scripts/build-cuda-libtorch.sh, which pip-installs
#   the wheel and its CUDA libraries into BUILD_DIR/venv and builds in BUILD_DIR/cmake):
#   unit tests, example programs, fault injection, the installed-package consumer test,
#   the Conan recipe test (scripts/conan-create.sh, which pip-installs Conan into .venv)
#   and the API-docs build.
#
#   Then the sanitizer suites (scripts/test-sanitizers.sh), against Debian's LibTorch 1.13
#   (CPU only, no CUDA libraries in the sanitized processes; this keeps 1.13 a tested
#   build, docs/dependencies.md): the unit tests under AddressSanitizer +
#   UndefinedBehaviorSanitizer and the fuzz targets' regressions and a short fuzzing run
#   (clang, build-asan), and the threaded code's tests under ThreadSanitizer (build-tsan).
#   docs/reliability.md says what each covers.
#
#   scripts/test.sh                  # everything
#   scripts/test.sh -LE slow         # extra arguments go to the first ctest
#   GALAXYZOO_SANITIZERS=0 scripts/test.sh -L unit   # quick: unit tests, no sanitizers
#
# Environment: GALAXYZOO_BUILD_DIR (default: build-cuda), JOBS (default: number of cores),
# GALAXYZOO_SANITIZERS (default 1), FUZZ_SECONDS (default 60 per fuzz target).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GALAXYZOO_BUILD_DIR:-$root/build-cuda}
jobs=${JOBS:-$(nproc)}

"$root/scripts/install-deps.sh"
"$root/scripts/install-optuna.sh"   # the current Optuna from PyPI, in .venv, for the Optuna tests

JOBS=$jobs "$root/scripts/build-cuda-libtorch.sh" "$build" "$@"

if [ "${GALAXYZOO_SANITIZERS:-1}" != 0 ]; then
  JOBS=$jobs "$root/scripts/test-sanitizers.sh"
fi
