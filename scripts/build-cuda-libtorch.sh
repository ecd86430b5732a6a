#!/usr/bin/env bash
# Compiles galaxyzoo (library and example programs) against the CUDA-enabled LibTorch 2.x
# that PyPI's torch wheel carries, so that the CUDA code paths and the LibTorch 2 API are
# checked on every submission, on machines without a GPU (nothing is run).
#
#   scripts/build-cuda-libtorch.sh [BUILD_DIR]        # default: build-cuda
#
# Downloads only the torch wheel (about 540 MB, no dependencies) with pip into
# BUILD_DIR/wheel, unpacks its headers, CMake files and libraries, and builds with the
# CUDA toolkit found on the machine (nvcc, cuDNN, NCCL). Set GALAXYZOO_TORCH_WHEEL to a
# wheel file already on disk to skip the download.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache (when installed) keys objects by paths relative to the clone, so another clone
# of the same sources, CI's included, reuses them.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
build=${1:-$root/build-cuda}
mkdir -p "$build"
build=$(cd "$build" && pwd)
libtorch="$build/libtorch"

if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python=$(command -v python3); fi
if ! command -v nvcc >/dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then
  echo "build-cuda-libtorch: no CUDA toolkit (nvcc) on this machine; skipping the CUDA build" >&2
  exit 0
fi
export PATH="$PATH:/usr/local/cuda/bin"

if [ ! -f "$libtorch/.unpacked" ]; then
  wheel=${GALAXYZOO_TORCH_WHEEL:-}
  if [ -z "$wheel" ]; then
    mkdir -p "$build/wheel"
    echo "build-cuda-libtorch: downloading PyPI's torch wheel (no dependencies)"
    "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$build/wheel" torch
    wheel=$(ls "$build"/wheel/torch-*.whl | head -n 1)
  fi
  rm -rf "$libtorch"
  mkdir -p "$libtorch"
  echo "build-cuda-libtorch: unpacking $(basename "$wheel")"
  "$python" - "$wheel" "$libtorch" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    z.extractall(out, [n for n in z.namelist() if n.startswith(("torch/include/", "torch/share/", "torch/lib/"))])
PY
  touch "$libtorch/.unpacked"
fi

# Both prefixes: TorchConfig.cmake finds its libraries relative to the second.
# The wheel's libtorch_cuda.so needs CUDA libraries that pip would install beside it
# (cuSPARSELt, a newer NCCL, NVSHMEM); this check does not download them, so the example
# programs are linked with symbols that only those shared libraries need left unresolved.
# They cannot run here anyway: there is no GPU.
cmake -S "$root" -B "$build/cmake" -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_PREFIX_PATH=$libtorch/torch/share/cmake;$libtorch/torch" \
  -DGALAXYZOO_BUILD_TESTS=OFF -DGALAXYZOO_BUILD_BENCH=OFF -DGALAXYZOO_BUILD_DOCS=OFF \
  -DGALAXYZOO_BUILD_EXAMPLES=ON -DGALAXYZOO_INSTALL=OFF \
  "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--unresolved-symbols=ignore-in-shared-libs"
cmake --build "$build/cmake" --parallel "$(nproc)"
if [ -f "$libtorch/torch/lib/libtorch_cuda.so" ]; then
  echo "build-cuda-libtorch: library and examples built against CUDA-enabled LibTorch ($libtorch)"
else
  echo "build-cuda-libtorch: the wheel has no libtorch_cuda.so: this was not a CUDA build" >&2
  exit 1
fi
