# Runs examples/create_dataset as a user would and checks what it prints and writes.
# Called by ctest with -DFIXTURE=... -DCREATE_DATASET=... -DWORK_DIR=...
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_checked)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(rc "${rc}" PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# expect("what is checked" CONDITION...): the condition as if() takes it.
function(expect message)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "FAILED: ${message}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

# 40 galaxies of each class and 40 matching none.
run_checked("${FIXTURE}" "${WORK_DIR}/kaggle" 40 3)
expect("fixture generation" rc EQUAL 0)

# A stratified split with caps.
run_checked("${CREATE_DATASET}" --input_dir "${WORK_DIR}/kaggle" --output_dir "${WORK_DIR}/out"
            --max_img 20 20 20 20 20 --stratified --seed 10)
expect("create_dataset succeeds" rc EQUAL 0)
string(FIND "${out}" "| class 2 |     20 | class_2_0.jpg to class_2_19.jpg |" pos)
expect("per-class table shows 20 galaxies of class 2" NOT pos EQUAL -1)
string(FIND "${out}" "| TOTAL   |    80 |  10 |   10 |" pos)
expect("split table totals 80/10/10" NOT pos EQUAL -1)
file(GLOB images "${WORK_DIR}/out/*.jpg")
list(LENGTH images n_images)
expect("100 images placed (found ${n_images})" n_images EQUAL 100)
expect("images named {split}_class_{label}_{counter}.jpg" EXISTS ${WORK_DIR}/out/val_class_2_0.jpg OR EXISTS ${WORK_DIR}/out/train_class_2_0.jpg OR EXISTS ${WORK_DIR}/out/test_class_2_0.jpg)
file(STRINGS "${WORK_DIR}/out/manifest.csv" manifest)
list(LENGTH manifest n_lines)
expect("manifest has a header and 100 rows (found ${n_lines})" n_lines EQUAL 101)

# Running again into the same folder is refused and leaves it as it was.
run_checked("${CREATE_DATASET}" --input_dir "${WORK_DIR}/kaggle" --output_dir "${WORK_DIR}/out")
expect("second run into a non-empty folder fails" rc EQUAL 1)
string(FIND "${err}" "not empty" pos)
expect("error explains the folder is not empty" NOT pos EQUAL -1)
file(GLOB images "${WORK_DIR}/out/*.jpg")
list(LENGTH images n_images)
expect("refused run left the folder untouched" n_images EQUAL 100)

# A malformed catalogue: the error names file, line and column; nothing is written.
file(READ "${WORK_DIR}/kaggle/training_solutions_rev1.csv" csv)
string(REGEX REPLACE "\n100003,[^,]*," "\n100003,abc," csv "${csv}")
file(WRITE "${WORK_DIR}/bad/training_solutions_rev1.csv" "${csv}")
file(CREATE_LINK "${WORK_DIR}/kaggle/images_training_rev1" "${WORK_DIR}/bad/images_training_rev1" SYMBOLIC)
run_checked("${CREATE_DATASET}" --input_dir "${WORK_DIR}/bad" --output_dir "${WORK_DIR}/out_bad")
expect("malformed catalogue fails" rc EQUAL 1)
string(FIND "${err}" "training_solutions_rev1.csv:5: column 'Class1.1': expected a number" pos)
expect("error names file, line 5 and column Class1.1" NOT pos EQUAL -1)
expect("no output folder after a failed run" NOT EXISTS ${WORK_DIR}/out_bad)
file(GLOB leftovers "${WORK_DIR}/.out_bad*")
expect("no staging folder left behind" NOT leftovers)

file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "create_dataset example: all checks passed")
