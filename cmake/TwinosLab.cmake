# SPDX-License-Identifier: MIT
# Lab hand-out by source swap (STYLE rule 29), and per-chapter test targets.
#
# A lab-able function lives in its own small .cpp (a "lab piece"). The layer
# libraries never contain lab pieces; instead every executable gets each piece
# of the layers it links as an object file, either the reference or -- when the
# build was configured with -DTWINOS_LAB=<lab> -- the lab's starter. So nobody
# edits CMake to start a lab, every other piece stays reference, and the normal
# build can also link a "starter twin" of a chapter's tests for the lab
# self-test without rebuilding anything but the one starter file.

# twinos_lab_piece(<lab> LAYER <layer> REFERENCE <file> STARTER <file>)
function(twinos_lab_piece lab)
  cmake_parse_arguments(A "" "LAYER;REFERENCE;STARTER" "" ${ARGN})
  foreach(variant reference starter)
    string(TOUPPER ${variant} key)
    add_library(labpiece_${lab}_${variant} OBJECT ${A_${key}})
    # Linking the layer library here only brings its include paths and flags.
    target_link_libraries(labpiece_${lab}_${variant} PRIVATE twinos_${A_LAYER})
  endforeach()
  set_property(GLOBAL APPEND PROPERTY TWINOS_LAB_PIECES ${lab})
  set_property(GLOBAL PROPERTY TWINOS_LAB_${lab}_LAYER ${A_LAYER})
endfunction()

# twinos_link(<exe> LAYERS <layer>... [STARTER <lab>])
# Link the layer libraries and the lab pieces of those layers: the starter of
# STARTER (or of TWINOS_LAB), the reference of every other lab.
function(twinos_link exe)
  cmake_parse_arguments(A "" "STARTER" "LAYERS" ${ARGN})
  if(NOT A_STARTER)
    set(A_STARTER "${TWINOS_LAB}")
  endif()
  get_property(labs GLOBAL PROPERTY TWINOS_LAB_PIECES)
  foreach(lab IN LISTS labs)
    get_property(layer GLOBAL PROPERTY TWINOS_LAB_${lab}_LAYER)
    if(layer IN_LIST A_LAYERS)
      if(lab STREQUAL A_STARTER)
        target_sources(${exe} PRIVATE $<TARGET_OBJECTS:labpiece_${lab}_starter>)
      else()
        target_sources(${exe} PRIVATE $<TARGET_OBJECTS:labpiece_${lab}_reference>)
      endif()
    endif()
  endforeach()
  list(TRANSFORM A_LAYERS PREPEND twinos_)
  target_link_libraries(${exe} PRIVATE ${A_LAYERS})
endfunction()

# twinos_chapter_tests(<chNN> LAYERS <layer>... SOURCES <file>...)
# One GoogleTest executable per chapter, every test labelled <chNN>, and a
# check-<chNN> target. The test sources compile once into an object library
# so that lab starter twins relink them without recompiling.
function(twinos_chapter_tests chapter)
  cmake_parse_arguments(A "" "" "LAYERS;SOURCES" ${ARGN})
  add_library(test_${chapter}_objects OBJECT ${A_SOURCES})
  list(TRANSFORM A_LAYERS PREPEND twinos_ OUTPUT_VARIABLE libs)
  target_link_libraries(test_${chapter}_objects PRIVATE ${libs} GTest::gtest)
  add_executable(test_${chapter} $<TARGET_OBJECTS:test_${chapter}_objects>)
  twinos_link(test_${chapter} LAYERS ${A_LAYERS})
  target_link_libraries(test_${chapter} PRIVATE GTest::gtest_main)
  set_target_properties(test_${chapter} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  set_property(GLOBAL PROPERTY TWINOS_CHAPTER_${chapter}_LAYERS ${A_LAYERS})
  gtest_discover_tests(test_${chapter} TEST_PREFIX "${chapter}." PROPERTIES LABELS ${chapter}
                       TIMEOUT 60 DISCOVERY_TIMEOUT 30)
  # VERBATIM: without it make eats the `$` and the label matches no test at
  # all -- and ctest then reports success. The test below proves it runs some.
  add_custom_target(check-${chapter}
    COMMAND ${CMAKE_CTEST_COMMAND} -L "^${chapter}$" --output-on-failure --no-tests=error
    DEPENDS test_${chapter} WORKING_DIRECTORY ${CMAKE_BINARY_DIR} USES_TERMINAL VERBATIM)
endfunction()

# twinos_lab(<lab> DIR <labs/labNN-name> CHAPTERS <chNN>...)
# The grade-<lab> target, and (in the reference build) the lab self-test:
# a starter twin of each chapter's tests, and a ctest that proves the graded
# tests fail on the starter, every other test still passes on it, and the
# reference scores full marks.
function(twinos_lab lab)
  cmake_parse_arguments(A "" "DIR" "CHAPTERS" ${ARGN})
  set(binaries)
  set(twins)
  foreach(chapter IN LISTS A_CHAPTERS)
    list(APPEND binaries --binary ${chapter}=$<TARGET_FILE:test_${chapter}>)
    if(NOT TWINOS_LAB)
      get_property(layers GLOBAL PROPERTY TWINOS_CHAPTER_${chapter}_LAYERS)
      set(twin test_${chapter}_${lab}_starter)
      add_executable(${twin} $<TARGET_OBJECTS:test_${chapter}_objects>)
      twinos_link(${twin} LAYERS ${layers} STARTER ${lab})
      target_link_libraries(${twin} PRIVATE GTest::gtest_main)
      set_target_properties(${twin} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
      list(APPEND twins --starter-binary ${chapter}=$<TARGET_FILE:${twin}>)
    endif()
  endforeach()
  set(grade ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/grade.py
            --points ${PROJECT_SOURCE_DIR}/${A_DIR}/points.toml)
  list(TRANSFORM A_CHAPTERS PREPEND test_ OUTPUT_VARIABLE chapter_targets)
  add_custom_target(grade-${lab}
    COMMAND ${grade} ${binaries} --json ${CMAKE_BINARY_DIR}/grade-${lab}.json
    DEPENDS ${chapter_targets} WORKING_DIRECTORY ${CMAKE_BINARY_DIR} USES_TERMINAL)
  if(NOT TWINOS_LAB)
    add_test(NAME labs.${lab}.selftest COMMAND ${grade} --selftest ${binaries} ${twins})
    set_tests_properties(labs.${lab}.selftest PROPERTIES LABELS labs TIMEOUT 120)
  endif()
endfunction()
