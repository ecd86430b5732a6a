#!/usr/bin/env bash
# classify --catalog as an astronomer runs it (issue 16, part 1), with a tiny trained model:
#  1. a CSV catalogue objid,ra,dec,mag (19-digit objids) with images found by a pattern in
#     sub-folders; a row without an image and one with a damaged image are reported
#     (standard error and --failures), the rest classified, exit status 4;
#  2. the same catalogue as a FITS binary table, cut from a FITS survey image by its WCS;
#     a row off the image is reported, one at the image's edge classified; the output FITS
#     table keeps every column and type (checked with astropy);
#  3. bad input: a missing id column, a repeated column name, a ragged row, a FITS file
#     without a table or without that HDU, a survey image without WCS, bad flag mixes.
#   classify_catalog_cli.sh BIN_DIR WORK_DIR PYTHON3
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh" "$@"
python=$3
helper=$(dirname "${BASH_SOURCE[0]}")/../support/catalog_inputs.py

"$bin/make_test_dataset" --output_dir "$work/data" --per_class 10 --unlabeled 0 --seed 3 --image_size 64 >/dev/null 2>&1
"$bin/create_dataset" --input_dir "$work/data" --output_dir "$work/split" --stratified >/dev/null
"$bin/preprocess_resize" --input_dir "$work/split" --output_dir "$work/pre" --crop_size 48 >/dev/null 2>&1
"$bin/train_model" --input_dir "$work/pre" --output_dir "$work/model" --image_size 32 --batch_size 4 \
  --epochs 1 >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "train_model failed"; }
model="$work/model/final_vgg16_model.pt"
galaxies=("$work/data/images_training_rev1"/*.jpg)
"$python" "$helper" make "$work" "${galaxies[@]:0:6}" >/dev/null || fail "catalog_inputs.py make"
header="objid,ra,dec,mag,predicted,predicted_class,p_completely round smooth,p_in-between smooth,p_cigar-shaped smooth,p_edge-on disk,p_spiral"

# 1. CSV catalogue, images by pattern.
run "$bin/classify" --model "$model" --device cpu --catalog "$work/cat.csv" --id_column objid \
  --input_dir "$work/img" --image_pattern '{id}/{id}.jpg' --output "$work/out.csv" --failures "$work/failures.csv"
expect 4 "2 catalogue rows were not classified" \
  "objid 1237648720693755903 ($work/cat.csv:5): " "$work/img/1237648720693755903/1237648720693755903.jpg" \
  "objid 1237648720693755904 ($work/cat.csv:6): no file '$work/img/1237648720693755904/1237648720693755904.jpg'" \
  "classified 4, not classified 2 (exit status 4)"
[ "$(head -1 "$work/out.csv")" = "$header" ] || fail "out.csv header: $(head -1 "$work/out.csv")"
[ "$(cut -d, -f1 "$work/out.csv" | tail -n +2 | tr '\n' ' ')" = \
  "1237648720693755900 1237648720693755901 1237648720693755902 1237648720693755905 " ] ||
  fail "the classified objids, in catalogue order and as written: $(cut -d, -f1 "$work/out.csv" | tr '\n' ' ')"
# ra, dec and mag exactly as in the catalogue.
diff <(grep -E '^12376487206937559(00|01|02|05),' "$work/cat.csv") <(cut -d, -f1-4 "$work/out.csv" | tail -n +2) ||
  fail "catalogue columns changed"
[ "$(head -1 "$work/failures.csv")" = "objid,row,reason" ] || fail "failures.csv header"
grep -q '^1237648720693755904,5,no file ' "$work/failures.csv" || { cat "$work/failures.csv"; fail "failures.csv row 5"; }
grep -q '^1237648720693755903,4,' "$work/failures.csv" || { cat "$work/failures.csv"; fail "failures.csv row 4"; }

# 2. FITS table, cutouts of a FITS survey image by its WCS (25.6 arcsec: 64 pixels of 0.4").
run "$bin/classify" --model "$model" --device cpu --catalog "$work/cat.fits" --id_column objid \
  --survey_image "$work/survey.fits" --cutout_arcsec 25.6 --output "$work/out.fits" --failures "$work/f2.csv"
expect 4 "1 catalogue rows were not classified" \
  "objid 1237648720693755904 ($work/cat.fits row 5): ra 151, dec 2.2 is outside the survey image '$work/survey.fits'" \
  "classified 5, not classified 1"
"$python" "$helper" check_fits "$work/out.fits" "$work/cat.fits" 5 >/dev/null || fail "out.fits"
# The same rows as CSV; without --output a FITS catalogue gives predictions.fits.
run "$bin/classify" --model "$model" --device cpu --catalog "$work/cat.fits" --id_column objid \
  --survey_image "$work/survey.fits" --cutout_pixels 64 --output "$work/out2.csv"
expect 4
[ "$(head -1 "$work/out2.csv")" = "$header" ] || fail "out2.csv header"
[ "$(tail -n +2 "$work/out2.csv" | wc -l)" -eq 5 ] || fail "out2.csv rows"
classify_bin=$(cd "$bin" && pwd)/classify
run env -C "$work" "$classify_bin" --model "$model" --device cpu --catalog cat.fits --id_column objid \
  --survey_image survey.fits --cutout_pixels 32
expect 4 "-> predictions.fits"
[ -s "$work/predictions.fits" ] || fail "a FITS catalogue should give predictions.fits by default"

# 3. Bad input: each a clear error naming the file (and line or column), nothing written.
classify() { run "$bin/classify" --model "$model" --device cpu --output "$work/bad.csv" "$@"; }
classify --catalog "$work/cat.csv" --input_dir "$work/img"
expect 1 "cat.csv:1: column 'GalaxyID': no such column; the columns are: objid, ra, dec, mag"
printf 'objid,ra,ra\n1,2,3\n' >"$work/twice.csv"
classify --catalog "$work/twice.csv" --id_column objid --input_dir "$work/img"
expect 1 "twice.csv:1: column 'ra': appears twice in the header"
printf 'objid,ra,dec\n1,2,3\n4,5\n' >"$work/ragged.csv"
classify --catalog "$work/ragged.csv" --id_column objid --input_dir "$work/img"
expect 1 "ragged.csv:3: a row of 2 fields, expected 3 as in the header"
classify --catalog "$work/survey.fits" --id_column objid --input_dir "$work/img"
expect 1 "survey.fits: no table HDU among its 1 HDUs"
classify --catalog "$work/cat.fits" --catalog_hdu 4 --id_column objid --input_dir "$work/img"
expect 1 "cat.fits: column 'HDU 4': no such HDU: the file has 2"
classify --catalog "$work/cat.fits" --id_column objid --survey_image "$work/no_wcs.fits" --cutout_pixels 10
expect 1 "no_wcs.fits"
classify --catalog "$work/cat.csv" --id_column nope --input_dir "$work/img" --output "$work/none.csv"
[ ! -e "$work/bad.csv" ] || fail "a refused catalogue should write nothing"
# Usage errors, before any work.
classify --catalog "$work/cat.fits" --survey_image "$work/survey.fits"
expect 2 "--cutout_pixels or --cutout_arcsec"
classify --catalog "$work/cat.fits" --survey_image "$work/survey.fits" --cutout_pixels 8 --crop 8
expect 2 "--crop applies to single image files"
classify --image_pattern '{id}.png' "$work/x.jpg"
expect 2 "--image_pattern requires --catalog"

rm -rf "$work"
echo "classify --catalog: all checks passed"
