# The first half of the workflow as a user runs it: make_test_dataset -> create_dataset ->
# preprocess_resize -> augment_data, on a tiny synthetic data set.
# Called by ctest with -DBIN=<examples folder> -DWORK_DIR=...
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "FAILED (exit ${rc}): ${ARGV}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(expect message)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "FAILED: ${message}")
  endif()
endfunction()

run("${BIN}/make_test_dataset" --output_dir "${WORK_DIR}/data" --per_class 8 --unlabeled 4 --seed 2)
file(GLOB images "${WORK_DIR}/data/images_training_rev1/*.jpg")
list(LENGTH images n)
expect("44 images rendered (found ${n})" n EQUAL 44)

run("${BIN}/create_dataset" --input_dir "${WORK_DIR}/data" --output_dir "${WORK_DIR}/split" --stratified)

run("${BIN}/preprocess_resize" --input_dir "${WORK_DIR}/split" --output_dir "${WORK_DIR}/pre"
    --num_workers 2 --expected_size 424)
string(FIND "${out}" "0 failed" pos)
expect("preprocessing reports no failure" NOT pos EQUAL -1)
file(GLOB split_images "${WORK_DIR}/split/*.jpg")
file(GLOB processed "${WORK_DIR}/pre/*_proc.jpg")
list(LENGTH split_images n_split)
list(LENGTH processed n_processed)
expect("one _proc.jpg per split image (${n_processed} of ${n_split})" n_processed EQUAL n_split)

# Re-running skips everything that is up to date.
run("${BIN}/preprocess_resize" --input_dir "${WORK_DIR}/split" --output_dir "${WORK_DIR}/pre")
string(FIND "${out}" "0 written, ${n_split} already up to date" pos)
expect("second run skips all ${n_split} files" NOT pos EQUAL -1)

run("${BIN}/augment_data" --input_dir "${WORK_DIR}/pre" --class_str class_3 --num 15)
expect("train_class_3_4000_proc.jpg exists" EXISTS "${WORK_DIR}/pre/train_class_3_4000_proc.jpg")
expect("train_class_3_4014_proc.jpg exists" EXISTS "${WORK_DIR}/pre/train_class_3_4014_proc.jpg")
expect("no 16th file" NOT EXISTS "${WORK_DIR}/pre/train_class_3_4015_proc.jpg")

file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "image steps: all checks passed")
