#!/usr/bin/env bash
# train_model and classify as a user runs them, including a SIGTERM in the middle of
# training (as a batch system's wall-time limit sends) and the resumed run.
#   train_classify_cli.sh BIN_DIR WORK_DIR
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 6 --unlabeled 0 --seed 3 >/dev/null 2>&1
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" >/dev/null 2>&1

# A run of many epochs, stopped by SIGTERM once the first checkpoint exists.
"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 \
  --epochs 50 --cosine_epochs 2 --patience 0 >"$work/first.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ -f "$work/model/checkpoint_vgg16.pt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -f "$work/model/checkpoint_vgg16.pt" ] || { cat "$work/first.log"; fail "no checkpoint after the first epoch"; }
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 3 ] || { cat "$work/first.log"; fail "SIGTERM should exit with status 3, got $status"; }
grep -q -- "--resume" "$work/first.log" || fail "the stopped run should say how to resume"

# Without --resume an existing checkpoint is not overwritten.
if "$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --epochs 2 >/dev/null 2>"$work/refused.log"; then
  fail "a second run without --resume should refuse to start"
fi
grep -q "resume to continue" "$work/refused.log" || fail "the refusal should name --resume"

"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 \
  --epochs 2 --cosine_epochs 2 --patience 0 --resume >"$work/second.log" 2>&1 || { cat "$work/second.log"; fail "resumed run failed"; }
for f in final_vgg16_model.pt loss_vgg16.png history_vgg16.csv; do
  [ -s "$work/model/$f" ] || fail "missing $f"
done
[ "$(wc -l <"$work/model/history_vgg16.csv")" -eq 3 ] || fail "history should have a header and 2 epochs"

"$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/pred.csv" --device cpu --tta \
  --input_dir "$work/pre" >/dev/null
rows=$(($(wc -l <"$work/pred.csv") - 1))
images=$(ls "$work/pre"/*_proc.jpg | wc -l)
[ "$rows" -eq "$images" ] || fail "classify wrote $rows rows for $images images"
head -1 "$work/pred.csv" | grep -q "^file,GalaxyID,predicted,predicted_class,p_completely round smooth,p_in-between smooth,p_cigar-shaped smooth,p_edge-on disk,p_spiral$" ||
  fail "unexpected CSV header"

# FITS straight into classify, without a JPEG in between: a single-band image (grey as RGB)
# and a colour composite of three HDUs of one file; a wrong HDU is an error naming it.
python3 - "$work" <<'PY'
import math, struct, sys
def hdu(values, side, primary):
    cards = [("SIMPLE", "T") if primary else ("XTENSION", "'IMAGE   '"), ("BITPIX", "-32"),
             ("NAXIS", "2"), ("NAXIS1", str(side)), ("NAXIS2", str(side))]
    if not primary:
        cards += [("PCOUNT", "0"), ("GCOUNT", "1")]
    head = "".join(f"{k:<8}= {v:>20}".ljust(80) for k, v in cards) + "END".ljust(80)
    head = head.ljust(-(-len(head) // 2880) * 2880)
    data = struct.pack(f">{len(values)}f", *values)
    return head.encode() + data + b"\0" * (-len(data) % 2880)
side = 48
def galaxy(scale):
    return [100 + scale * math.exp(-((x - 24) ** 2 + (y - 24) ** 2 / 4) / 40)
            for y in range(side) for x in range(side)]
open(sys.argv[1] + "/galaxy.fits", "wb").write(hdu(galaxy(500), side, True))
open(sys.argv[1] + "/bands.fits", "wb").write(
    b"".join(hdu(galaxy(s), side, i == 0) for i, s in enumerate((600, 400, 200))))
PY
"$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/fits.csv" --device cpu \
  --clip zscale "$work/galaxy.fits" >"$work/fits.log" 2>&1 || { cat "$work/fits.log"; fail "classify of a FITS file failed"; }
[ "$(wc -l <"$work/fits.csv")" -eq 2 ] || fail "classify wrote no row for the FITS file"
grep -q "galaxy.fits" "$work/fits.csv" || fail "the FITS file is not named in $work/fits.csv"
"$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/rgb.csv" --device cpu \
  --composite_hdus 0,1,2 "$work/bands.fits" >"$work/rgb.log" 2>&1 || { cat "$work/rgb.log"; fail "classify of a FITS composite failed"; }
[ "$(wc -l <"$work/rgb.csv")" -eq 2 ] || fail "classify wrote no row for the FITS composite"
if "$bin/classify" --model "$work/model/final_vgg16_model.pt" --output "$work/bad.csv" --device cpu \
  --hdu 5 "$work/bands.fits" >"$work/bad.log" 2>&1; then
  fail "classify --hdu 5 of a file of 3 HDUs should fail"
fi
grep -q "no HDU 5: the file has 3 HDU(s)" "$work/bad.log" || { cat "$work/bad.log"; fail "the error should name the HDU"; }

rm -rf "$work"
echo "train_model and classify: all checks passed"
