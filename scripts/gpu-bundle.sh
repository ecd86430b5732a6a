#!/usr/bin/env bash
# Packs what the GPU check (scripts/gpu-check.sh) needs on the GPU machine into one
# compressed file: the example programs and the GPU check's programs (test_cuda_paths,
# gpu_bench) built against the LibTorch 2.x that machine has (scripts/build-cuda-libtorch.sh
# builds them; the library is linked into each), stripped, with the non-Torch shared
# libraries they load (libvips and its dependency closure, libjpeg, SQLite, libpq,
# Boost.Test, ...), found with ldd. Left out, because the GPU machine's image has them: the
# C library and its loader, libstdc++ and libgcc_s, and LibTorch and the CUDA libraries
# (torch's wheel and its nvidia-* packages there; scripts/gpu-check.sh points the loader at
# them).
#
#   scripts/gpu-bundle.sh [BUILD_DIR]   # default build-cuda; writes BUILD_DIR/gpu-bundle.tar.xz
#
# Fails if the bundle is over 60 MiB (the working tree that travels to the GPU machine is
# at most 64 MiB in all).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-cuda}" && pwd)
bundle="$build/gpu-bundle.tar.xz"
limit_mib=60
programs=(
  examples/make_test_dataset examples/create_dataset examples/preprocess_resize
  examples/augment_data examples/train_model examples/classify examples/eval_model
  examples/vgg16_hpo examples/run_workflow tests/gpu/test_cuda_paths tests/gpu/gpu_bench
)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
for p in "${programs[@]}"; do
  [ -x "$build/cmake/$p" ] || { echo "gpu-bundle: $build/cmake/$p is not built" >&2; exit 1; }
  strip --strip-unneeded -o "$stage/bin/$(basename "$p")" "$build/cmake/$p"
done

# The libraries each program loads, minus those the GPU machine's image brings.
is_provided() {
  case $1 in
    */site-packages/* | /usr/local/cuda*) return 0 ;;  # LibTorch, CUDA
  esac
  case $(basename "$1") in
    ld-linux* | libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | libresolv.so* | \
      libutil.so* | libstdc++.so* | libgcc_s.so*) return 0 ;;
  esac
  return 1
}
for p in "${programs[@]}"; do
  ldd "$build/cmake/$p" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'
done | sort -u | while read -r lib; do
  is_provided "$lib" || cp -L "$lib" "$stage/lib/"
done
strip --strip-unneeded "$stage"/lib/* 2>/dev/null || true

tar -C "$stage" -cf - bin lib | xz -T0 -9 >"$bundle.tmp"
mv "$bundle.tmp" "$bundle"
bytes=$(stat -c %s "$bundle")
mib=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')
echo "gpu-bundle: $bundle: $mib MiB ($(ls "$stage/bin" | wc -l) programs, $(ls "$stage/lib" | wc -l) libraries)"
if [ "$bytes" -gt $((limit_mib << 20)) ]; then
  echo "gpu-bundle: over the $limit_mib MiB limit" >&2
  exit 1
fi
