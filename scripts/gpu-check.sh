#!/usr/bin/env bash
# The GPU check: proves galaxyzoo's CUDA path on the GPU machine in one call (README, "The
# GPU check"), and runs the same steps on the CPU with tiny sizes (--cpu, a ctest test).
#
#   scripts/gpu-check.sh [--bundle FILE]                # on the GPU machine (default bundle:
#                                                       # build-cuda/gpu-bundle.tar.xz)
#   scripts/gpu-check.sh --cpu --bin DIR... [--python PY] [--out DIR]   # here, on the CPU
#
# Writes $OUT/gpu-check.json (every figure and pass/fail) and $OUT/gpu-check.log (all
# output); --out overrides $OUT. Steps: the CUDA tests (tests/gpu/test_cuda_paths.cpp),
# two-process data-parallel training with train_model (NCCL on the one GPU; Gloo on the
# CPU), training throughput of galaxyzoo (tests/gpu/gpu_bench.cpp) and of the machine's
# PyTorch (scripts/gpu-reference.py) with the same model, batch and settings (float32 and
# bfloat16; body frozen before layer 21, and all trainable), classification and
# data-loader throughput, peak GPU memory. Exit status 0 when every check passed, 1 when
# one failed, 2 when the machine is not the expected one.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=libtorch2.env
. "$root/scripts/libtorch2.env"
cpu=0 bundle="$root/build-cuda/gpu-bundle.tar.xz" python=python3 out=${OUT:-}
bins=()
while [ $# -gt 0 ]; do
  case $1 in
    --cpu) cpu=1 ;;
    --bundle) bundle=$2; shift ;;
    --bin) bins+=("$2"); shift ;;
    --python) python=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "gpu-check: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$out" ]; then echo "gpu-check: set OUT or pass --out DIR" >&2; exit 2; fi
mkdir -p "$out"
log="$out/gpu-check.log" results="$out/gpu-check.results"
: >"$results"
exec > >(tee "$log") 2>&1
start=$SECONDS
say() { echo "gpu-check [$((SECONDS - start)) s]: $*"; }
stop() { say "STOP: $*"; echo "{\"machine_ok\": false, \"reason\": \"$*\"}" >"$out/gpu-check.json"; exit 2; }

# 1. The machine: what the bundle was built for, or stop.
if [ "$cpu" = 0 ]; then
  [ "$(uname -m)" = x86_64 ] || stop "not an x86-64 machine ($(uname -m))"
  command -v nvidia-smi >/dev/null || stop "no nvidia-smi: not the GPU machine"
  gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)
  case $gpu in *H100* | *H200*) ;; *) stop "GPU '$gpu' is not an H100 or H200" ;; esac
  [ "$(nproc)" -ge 16 ] || stop "$(nproc) cores, expected 16"
  version=$("$python" -c 'import torch; print(torch.__version__.split("+")[0], torch.version.cuda, torch.cuda.is_available())' 2>/dev/null) ||
    stop "$python has no torch"
  [ "$version" = "$GALAXYZOO_TORCH2_VERSION $GALAXYZOO_TORCH2_CUDA True" ] ||
    stop "$python's torch is '$version', expected '$GALAXYZOO_TORCH2_VERSION $GALAXYZOO_TORCH2_CUDA True' (torch, CUDA, GPU seen)"
  [ -f "$bundle" ] || stop "no bundle $bundle (build it with scripts/gpu-bundle.sh; carry it)"
  say "machine: $gpu, $(nproc) cores, torch $version"
  work=$(mktemp -d /tmp/galaxyzoo-gpu.XXXXXX)
  tar -xJf "$bundle" -C "$work" || stop "cannot unpack $bundle"
  torch_lib=$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  nvidia_libs=$(find "$(dirname "$(dirname "$torch_lib")")/nvidia" -maxdepth 3 -name lib -type d | tr '\n' ':')
  # The programs alone see the bundle's libraries (Debian's zlib, libffi, ... would
  # shadow the image's own for python3): each runs through a wrapper that sets the path.
  libs="$work/lib:$torch_lib:$nvidia_libs${LD_LIBRARY_PATH:-}"
  mkdir -p "$work/run"
  for p in "$work"/bin/*; do
    printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s" "$@"\n' "$libs" "$p" >"$work/run/${p##*/}"
    chmod +x "$work/run/${p##*/}"
  done
  export PATH="$work/run:$PATH"
  device=cuda size=256 batch=64 images=2560 epochs=2 warmup=5 steps=30 workers=16 dp_size=64
  freezes="21 0"
else
  work=$(mktemp -d /tmp/galaxyzoo-gpu.XXXXXX)
  for b in "${bins[@]}"; do PATH="$b:$PATH"; done
  # One epoch and one frozen layer: the CPU proves that the steps work, not how fast.
  device=cpu size=32 batch=4 images=24 epochs=1 warmup=1 steps=2 workers=2 dp_size=32
  freezes=21
  say "CPU mode: device cpu, $size px, batch $batch"
fi
trap 'rm -rf "$work"' EXIT
for p in test_cuda_paths gpu_bench train_model; do
  command -v $p >/dev/null || stop "program $p not found (bundle or --bin)"
done
failures=0

# Records "NAME<TAB>JSON" for the summary; a failed command records its status instead.
record() {
  local name=$1 json
  shift
  if json=$("$@" | tail -n 1) && [ -n "$json" ]; then
    printf '%s\t%s\n' "$name" "$json" >>"$results"
    say "$name: $json"
  else
    printf '%s\t{"failed": true}\n' "$name" >>"$results"
    say "$name: FAILED"
    failures=$((failures + 1))
  fi
}
# Runs a command while sampling the GPU's used memory; records its peak in MiB.
with_memory() {
  local name=$1 sampler peak
  shift
  if [ "$device" = cpu ]; then "$@"; return; fi
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$work/mem" &
  sampler=$!
  "$@"
  local status=$?
  kill "$sampler"
  wait "$sampler" 2>/dev/null
  peak=$(sort -n "$work/mem" | tail -n 1)
  printf '%s.peak_memory_mib\t%s\n' "$name" "${peak:-0}" >>"$results"
  return $status
}
check() {
  local name=$1
  shift
  if "$@"; then
    printf '%s\t"passed"\n' "$name" >>"$results"
    say "$name: passed"
  else
    printf '%s\t"FAILED"\n' "$name" >>"$results"
    say "$name: FAILED"
    failures=$((failures + 1))
  fi
}

# 2. The CUDA tests (on the CPU the CUDA-only cases report themselves skipped).
check cuda_tests env GALAXYZOO_TEST_DEVICE=$device test_cuda_paths --log_level=test_suite

# 3. Data, then two-process data-parallel training on the one device.
data="$work/data"
mkdir -p "$data"
record data gpu_bench data "$data" "$images" "$size" "$workers"
two_process() {
  local port=$((20000 + RANDOM % 20000)) pids=() r status=0
  for r in 0 1; do
    RANK=$r WORLD_SIZE=2 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
      train_model --input_dir "$data" --output_dir "$work/dp" --image_size "$dp_size" \
      --batch_size 8 --epochs 1 --device "$device" --num_workers 2 >"$work/dp$r.log" 2>&1 &
    pids+=($!)
  done
  for r in 0 1; do wait "${pids[$r]}" || status=1; done
  cat "$work/dp0.log" "$work/dp1.log"
  [ $status = 0 ] && [ -f "$work/dp/final_vgg16_model.pt" ]
}
check data_parallel_two_processes with_memory data_parallel two_process

# 4. Training throughput: galaxyzoo and PyTorch, same model, batch and settings.
for precision in fp32 bf16; do
  bf16=0
  [ $precision = bf16 ] && bf16=1
  for freeze in $freezes; do
    name="train.$precision.freeze$freeze"
    with_memory "$name.galaxyzoo" record "$name.galaxyzoo" \
      gpu_bench train "$data" "$device" "$size" "$batch" "$freeze" "$bf16" "$workers" "$epochs"
    record "$name.pytorch" "$python" "$root/scripts/gpu-reference.py" \
      "$device" "$size" "$batch" "$freeze" "$bf16" "$warmup" "$steps"
  done
done

# 5. Classification and the data loader.
with_memory classify record classify gpu_bench classify "$data" "$device" "$size" "$batch" "$workers"
record loader gpu_bench loader "$data" "$size" "$batch" "$workers"

# 6. The summary.
"$python" - "$results" "$out/gpu-check.json" "$device" "$size" "$batch" "$failures" \
  "$((SECONDS - start))" <<'PY'
import json, sys
results, target, device, size, batch, failures, seconds = sys.argv[1:8]
summary = {"machine_ok": True, "device": device, "image_size": int(size), "batch": int(batch),
           "failures": int(failures), "seconds": int(seconds)}
for line in open(results):
    name, value = line.rstrip("\n").split("\t", 1)
    node = summary
    for part in name.split(".")[:-1]:
        node = node.setdefault(part, {})
    node[name.split(".")[-1]] = json.loads(value)
for precision in ("fp32", "bf16"):
    for freeze in ("freeze21", "freeze0"):
        run = summary.get("train", {}).get(precision, {}).get(freeze, {})
        ours = run.get("galaxyzoo", {}).get("images_per_second")
        theirs = run.get("pytorch", {}).get("images_per_second")
        if ours and theirs:
            run["galaxyzoo_over_pytorch"] = round(ours / theirs, 3)
json.dump(summary, open(target, "w"), indent=1)
PY
rm -f "$results"
say "wrote $out/gpu-check.json; $failures failed check(s); took $((SECONDS - start)) s"
[ "$failures" = 0 ]
