# Sanitizer and fuzzing builds (docs/reliability.md).
#
#   GALAXYZOO_SANITIZE  a list of sanitizers for everything this project compiles:
#                       "address;undefined" (AddressSanitizer, LeakSanitizer and
#                       UndefinedBehaviorSanitizer) or "thread" (ThreadSanitizer).
#   GALAXYZOO_FUZZ      build the libFuzzer targets of fuzz/ (clang only); the library is
#                       then compiled with coverage for the fuzzer as well.
#
# CMakePresets.json has ready-made presets: `cmake --preset asan`, `--preset tsan`. They,
# and scripts/test-sanitizers.sh, build with CMAKE_BUILD_TYPE=Sanitize: -O0, because
# optimising takes most of the compile time of these builds (clang: 2.5x as long at
# -O2) while the heavy computing happens in LibTorch and libvips, which are not rebuilt.
# Third-party libraries (LibTorch, libvips, ...) are not instrumented: AddressSanitizer
# and UndefinedBehaviorSanitizer check our code and what it passes to them;
# ThreadSanitizer cannot see their own synchronisation (GLib's futex-based locks), so its
# tests ignore their memory accesses (ignore_noninstrumented_modules) and run LibTorch
# and libvips on one thread each (tests/sanitizers/tsan.supp says why).

set(GALAXYZOO_SANITIZE "" CACHE STRING
    "Sanitizers to build with: 'address;undefined' or 'thread' (empty: none)")
option(GALAXYZOO_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

set(galaxyzoo_sanitizer_flags "")
if(GALAXYZOO_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "GALAXYZOO_SANITIZE needs GCC or Clang, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  foreach(sanitizer IN LISTS GALAXYZOO_SANITIZE)
    if(NOT sanitizer MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "GALAXYZOO_SANITIZE: unknown sanitizer '${sanitizer}' "
                          "(expected address, undefined, leak or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST GALAXYZOO_SANITIZE AND "address" IN_LIST GALAXYZOO_SANITIZE)
    message(FATAL_ERROR "GALAXYZOO_SANITIZE: thread and address cannot be combined")
  endif()
  list(JOIN GALAXYZOO_SANITIZE "," sanitizers)
  # Line tables are all a report's stack trace needs, and much cheaper to build than -g.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(line_tables -gline-tables-only)
  else()
    set(line_tables -g1)
  endif()
  list(APPEND galaxyzoo_sanitizer_flags -fsanitize=${sanitizers} -fno-omit-frame-pointer ${line_tables})
  if("undefined" IN_LIST GALAXYZOO_SANITIZE)
    # A report fails the program (and so the test) instead of scrolling past.
    list(APPEND galaxyzoo_sanitizer_flags -fno-sanitize-recover=undefined)
  endif()
endif()

if(GALAXYZOO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GALAXYZOO_FUZZ needs clang (Debian: clang, libclang-rt-14-dev); "
                        "configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  list(APPEND galaxyzoo_sanitizer_flags -fsanitize=fuzzer-no-link)
endif()

if(galaxyzoo_sanitizer_flags)
  add_compile_options(${galaxyzoo_sanitizer_flags})
  add_link_options(${galaxyzoo_sanitizer_flags})
  message(STATUS "galaxyzoo: building with ${galaxyzoo_sanitizer_flags}")
endif()

# The environment every test runs with in a sanitizer build (tests/CMakeLists.txt and
# fuzz/CMakeLists.txt add it to each test): reports fail the test, and third-party
# findings are suppressed only through the commented files in tests/sanitizers/.
set(GALAXYZOO_SANITIZER_ENVIRONMENT "")
if("address" IN_LIST GALAXYZOO_SANITIZE OR "leak" IN_LIST GALAXYZOO_SANITIZE)
  list(APPEND GALAXYZOO_SANITIZER_ENVIRONMENT
       "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
       "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp:print_suppressions=0")
endif()
if("undefined" IN_LIST GALAXYZOO_SANITIZE)
  list(APPEND GALAXYZOO_SANITIZER_ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endif()
if("thread" IN_LIST GALAXYZOO_SANITIZE)
  # LibTorch's OpenMP pool and libvips' own threads are not instrumented: one thread each,
  # so that ThreadSanitizer judges the threads galaxyzoo starts itself. die_after_fork=0:
  # the search tests fork worker processes after libvips has started its worker thread (the
  # trial plots are rendered through libvips), which ThreadSanitizer refuses by default.
  list(APPEND GALAXYZOO_SANITIZER_ENVIRONMENT
       "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:die_after_fork=0:suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/tsan.supp"
       "OMP_NUM_THREADS=1" "VIPS_CONCURRENCY=1")
endif()

# Adds the sanitizer environment to every test defined so far in the calling folder.
function(galaxyzoo_add_sanitizer_environment)
  if(NOT GALAXYZOO_SANITIZER_ENVIRONMENT)
    return()
  endif()
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(test IN LISTS tests)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT ${GALAXYZOO_SANITIZER_ENVIRONMENT})
  endforeach()
endfunction()
