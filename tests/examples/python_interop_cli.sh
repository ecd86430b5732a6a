#!/usr/bin/env bash
# Models between PyTorch and galaxyzoo (docs/python.md), with Debian's python3-torch:
#  1. the original's torch.save(model.state_dict()) and its checkpoint dict: classify gives
#     PyTorch's probabilities (1e-4); a whole pickled model, a TorchScript file and a state
#     dict with an extra key are refused with a message naming the file;
#  2. export_model --format galaxyzoo: docs/python.md's Python example loads the file into
#     torchvision's vgg16 features plus the head and gives classify's probabilities;
#  3. export_model (TorchScript): torch.jit.load in Python gives classify's probabilities.
#   python_interop_cli.sh BIN_DIR WORK_DIR PYTHON3
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"
python=$3
helper=$(dirname "${BASH_SOURCE[0]}")/../support/python_interop.py

"$python" "$helper" make "$work" || fail "python_interop.py make"
classify() {  # classify MODEL CSV
  "$bin/classify" --model "$1" --output "$2" --device cpu "$work"/images/*.png >"$work/classify.log" 2>&1 ||
    { cat "$work/classify.log"; fail "classify --model $1"; }
}
classify "$work/original_state_dict.pth" "$work/state_dict.csv"
"$python" "$helper" check "$work" "$work/state_dict.csv" original || fail "original state dict"
classify "$work/original_checkpoint.pth" "$work/checkpoint.csv"
"$python" "$helper" check "$work" "$work/checkpoint.csv" original || fail "original checkpoint"

refused() {  # refused FILE TEXT
  if "$bin/classify" --model "$work/$1" --output "$work/none.csv" --device cpu "$work"/images/*.png \
    >"$work/refused.log" 2>&1; then
    fail "classify read $1"
  fi
  grep -q -F -- "$1" "$work/refused.log" || { cat "$work/refused.log"; fail "$1: the message does not name the file"; }
  grep -q -F -- "$2" "$work/refused.log" || { cat "$work/refused.log"; fail "$1: no '$2'"; }
}
refused whole_model.pth "Python class __main__.VGG16Model"
refused scripted.pth "TorchScript module"
refused extra_key.pth "unexpected key 'extra'"

"$bin/export_model" --model "$work/original_checkpoint.pth" --format galaxyzoo --output "$work/galaxyzoo.pt" \
  >"$work/export.log" 2>&1 || { cat "$work/export.log"; fail "export_model --format galaxyzoo"; }
classify "$work/galaxyzoo.pt" "$work/galaxyzoo.csv"
"$python" "$helper" check "$work" "$work/galaxyzoo.csv" original || fail "galaxyzoo file"
"$python" "$helper" check "$work" "$work/galaxyzoo.csv" state_dict || fail "docs/python.md's example"

"$bin/export_model" --model "$work/galaxyzoo.pt" --output "$work/galaxyzoo.ts.pt" \
  >"$work/export.log" 2>&1 || { cat "$work/export.log"; fail "export_model (TorchScript)"; }
grep -q "Checked with torch::jit::load" "$work/export.log" || { cat "$work/export.log"; fail "no torch::jit::load check"; }
"$python" "$helper" check "$work" "$work/galaxyzoo.csv" torchscript || fail "torch.jit.load"
echo "python_interop: all checks passed"
