# SPDX-License-Identifier: MIT
# Build check-${CHAPTER} in ${BUILD_DIR} and prove it ran that chapter's
# tests: ctest must report at least one test, all of them labelled CHAPTER.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target check-${CHAPTER}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "check-${CHAPTER} failed (${status}):\n${out}\n${err}")
endif()
string(REGEX MATCH "tests passed, 0 tests failed out of ([0-9]+)" summary "${out}")
if(NOT summary OR CMAKE_MATCH_1 LESS 1)
  message(FATAL_ERROR "check-${CHAPTER} ran no test:\n${out}\n${err}")
endif()
string(REGEX MATCH "Test +#[0-9]+: ${CHAPTER}\\." labelled "${out}")
if(NOT labelled)
  message(FATAL_ERROR "check-${CHAPTER} ran tests that are not ${CHAPTER}'s:\n${out}")
endif()
message(STATUS "check-${CHAPTER} ran ${CMAKE_MATCH_1} tests")
