# Runs Doxygen on the configured Doxyfile and fails if it exits with an error or reports
# any warning. Called by ctest (docs.doxygen) with -DDOXYGEN=... -DDOXYFILE=... -DWORK_DIR=...
# The run writes into WORK_DIR, not into the docs target's output, and collects every
# warning in a log whatever GALAXYZOO_DOCS_WARN_AS_ERROR says.
foreach(var DOXYGEN DOXYFILE WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_doxygen.cmake: pass -D${var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(log "${WORK_DIR}/warnings.log")
file(WRITE "${WORK_DIR}/Doxyfile"
     "@INCLUDE = \"${DOXYFILE}\"\n"
     "OUTPUT_DIRECTORY = \"${WORK_DIR}/api\"\n"
     "WARN_AS_ERROR = NO\n"
     "WARN_LOGFILE = \"${log}\"\n")

execute_process(COMMAND "${DOXYGEN}" "${WORK_DIR}/Doxyfile"
                WORKING_DIRECTORY "${WORK_DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)

set(warnings "")
if(EXISTS "${log}")
  file(READ "${log}" warnings)
  string(STRIP "${warnings}" warnings)
endif()

if(NOT rc EQUAL 0 OR NOT warnings STREQUAL "")
  message(FATAL_ERROR "Doxygen warned or failed (exit status ${rc}); log: ${log}\n"
                      "${warnings}\n${out}${err}")
endif()
message(STATUS "Doxygen: no warnings")
