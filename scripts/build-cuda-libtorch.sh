#!/usr/bin/env bash
# Builds galaxyzoo (library, example programs, tests, benchmarks, the GPU check's programs)
# against the CUDA-enabled LibTorch 2.x of PyPI's torch wheel and runs the whole ctest suite
# with it, on the CPU: unit, example and fault tests, the package tests (the find_package
# consumer and the Conan recipe, both against this Torch) and the API-docs build.
# scripts/test.sh runs it as its main build; the sanitizer suites stay on Debian's LibTorch
# 1.13 (scripts/test-sanitizers.sh, docs/dependencies.md).
#
#   scripts/build-cuda-libtorch.sh [BUILD_DIR] [CTEST_ARGS...]   # default: build-cuda
#   GALAXYZOO_TORCH2_TEST=0 scripts/build-cuda-libtorch.sh       # build only
#   GALAXYZOO_TORCH2_TARGETS="galaxyzoo test_cuda_paths" scripts/build-cuda-libtorch.sh
#                                  # only these targets (default: all)
#
# pip installs the pinned torch wheel (scripts/libtorch2.env) with its dependencies, the
# CUDA 13 libraries it links (about 4.6 GB installed, 3 GB downloaded), into the virtual
# environment BUILD_DIR/venv; pip's cache (PIP_CACHE_DIR, default ~/.cache/pip) spares
# repeated downloads. The wheel's libraries then load on a machine without a GPU, so the
# programs link without ignoring unresolved symbols and the tests run. The build goes to
# BUILD_DIR/cmake. The wheel's TorchConfig.cmake needs the CUDA toolkit's compiler (nvcc
# 13.x): the machine's (on PATH or in /usr/local/cuda), or else pip installs NVIDIA's
# (about 200 MB) into the same venv.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache (when installed) keys objects by paths relative to the clone, so another clone
# of the same sources, CI's included, reuses them.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
# shellcheck source=libtorch2.env
. "$root/scripts/libtorch2.env"
build=${1:-$root/build-cuda}
shift || true
mkdir -p "$build"
build=$(cd "$build" && pwd)
jobs=${JOBS:-$(nproc)}

if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python=$(command -v python3); fi
export PATH="$PATH:/usr/local/cuda/bin"

start=$SECONDS
venv="$build/venv"
if [ ! -x "$venv/bin/python" ]; then "$python" -m venv "$venv"; fi
if ! "$venv/bin/python" -W ignore -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$GALAXYZOO_TORCH2_VERSION')" 2>/dev/null; then
  echo "build-cuda-libtorch: installing torch==$GALAXYZOO_TORCH2_VERSION and its CUDA libraries into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "torch==$GALAXYZOO_TORCH2_VERSION"
fi
torch_dir=$("$venv/bin/python" -W ignore -c "import os, torch; print(os.path.dirname(torch.__file__))")
"$venv/bin/python" -W ignore -c "import torch, sys; sys.exit(torch.version.cuda != '$GALAXYZOO_TORCH2_CUDA')" || {
  echo "build-cuda-libtorch: torch in $venv is not built for CUDA $GALAXYZOO_TORCH2_CUDA" >&2
  exit 1
}

# The CUDA compiler that the wheel's TorchConfig.cmake asks for: the machine's toolkit (on
# PATH or in /usr/local/cuda), or else NVIDIA's toolkit wheels of the same CUDA release
# (GALAXYZOO_TORCH2_NVCC), in the same venv beside the wheel's CUDA libraries. These ship
# versioned libraries in lib/ only, so lib64 and the libNAME.so links that nvcc and CMake's
# FindCUDA look for are added.
if ! command -v nvcc >/dev/null; then
  cuda_root="$(dirname "$torch_dir")/nvidia/cu${GALAXYZOO_TORCH2_CUDA%%.*}"
  if [ ! -x "$cuda_root/bin/nvcc" ]; then
    echo "build-cuda-libtorch: no nvcc on this machine; installing the CUDA compiler into $venv"
    # shellcheck disable=SC2086  # a list of requirements
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $GALAXYZOO_TORCH2_NVCC
  fi
  [ -e "$cuda_root/lib64" ] || ln -s lib "$cuda_root/lib64"
  for library in "$cuda_root"/lib/lib*.so.*; do
    [ -e "${library%%.so.*}.so" ] || ln -s "$(basename "$library")" "${library%%.so.*}.so"
  done
  export PATH="$cuda_root/bin:$PATH"
fi
echo "build-cuda-libtorch: set-up took $((SECONDS - start)) s (nvcc: $(command -v nvcc))"

# Both prefixes: the wheel's TorchConfig.cmake looks for its libraries in every prefix's lib/
# before its own, so without the second it would take Debian's libtorch.so. Exported, so
# that the package tests' consumer project finds the same Torch.
export CMAKE_PREFIX_PATH="$torch_dir/share/cmake:$torch_dir${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
export NCCL_ROOT="$(dirname "$torch_dir")/nvidia/nccl"
generator=()
if command -v ninja >/dev/null && [ ! -f "$build/cmake/CMakeCache.txt" ]; then generator=(-G Ninja); fi
start=$SECONDS
cmake -S "$root" -B "$build/cmake" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DGALAXYZOO_BUILD_BENCH=ON -DGALAXYZOO_BUILD_DOCS=ON -DGALAXYZOO_BUILD_EXAMPLES=ON \
  -DGALAXYZOO_BUILD_TESTS=ON -DGALAXYZOO_TEST_CONAN=ON \
  "-DCMAKE_PREFIX_PATH=$torch_dir/share/cmake;$torch_dir" "-DGALAXYZOO_GPU_CHECK_PYTHON=$venv/bin/python"
targets=()
for target in ${GALAXYZOO_TORCH2_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build/cmake" --parallel "$jobs" "${targets[@]}"
echo "build-cuda-libtorch: build took $((SECONDS - start)) s"
if [ ! -f "$torch_dir/lib/libtorch_cuda.so" ]; then
  echo "build-cuda-libtorch: the wheel has no libtorch_cuda.so: this was not a CUDA build" >&2
  exit 1
fi
result=built
if [ "${GALAXYZOO_TORCH2_TEST:-1}" != 0 ]; then
  result="built and tested"
  start=$SECONDS
  ctest --test-dir "$build/cmake" --output-on-failure --parallel "$jobs" "$@"
  echo "build-cuda-libtorch: tests took $((SECONDS - start)) s"
fi
echo "build-cuda-libtorch: galaxyzoo $result against LibTorch $GALAXYZOO_TORCH2_VERSION (CUDA $GALAXYZOO_TORCH2_CUDA) in $build/cmake"
