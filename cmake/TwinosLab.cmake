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
# Every piece is built in several variants, each an object library
# labpiece_<lab>_<variant>:
#   reference  the real file;
#   starter    the starter *as shipped* (scripts/pristine_starter.py takes the
#              committed version if the file in the tree was edited), which the
#              reference build's lab self-test links;
#   work       only when this lab is TWINOS_LAB: the student's copy,
#              labs/labNN-name/work/<file>, made from the starter on the first
#              configure and never overwritten;
#   cheat_<n>  each labs/labNN-name/cheats/<n>.cpp: a starter that fakes the
#              result, which the self-test proves scores no more than its
#              honest part; or cheats/<n>.toml, the reference with a few
#              edits (scripts/make_cheat.py writes it into the build tree).
function(twinos_lab_piece lab)
  cmake_parse_arguments(A "" "LAYER;REFERENCE;STARTER" "" ${ARGN})
  get_filename_component(starter_name ${A_STARTER} NAME)
  get_filename_component(starter_dir ${A_STARTER} DIRECTORY)
  get_filename_component(lab_dir ${starter_dir} DIRECTORY)
  set(pristine ${CMAKE_BINARY_DIR}/pristine/${lab}/${starter_name})
  add_custom_command(OUTPUT ${pristine}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/pristine_starter.py
            ${A_STARTER} ${pristine}
    DEPENDS ${A_STARTER} ${PROJECT_SOURCE_DIR}/scripts/pristine_starter.py
    COMMENT "The ${lab} starter as shipped" VERBATIM)
  set(variants reference starter)
  set(file_reference ${A_REFERENCE})
  set(file_starter ${pristine})
  if(lab STREQUAL TWINOS_LAB)
    set(work ${lab_dir}/work/${starter_name})
    if(NOT EXISTS ${work})
      file(COPY ${A_STARTER} DESTINATION ${lab_dir}/work)
    endif()
    list(APPEND variants work)
    set(file_work ${work})
    set_property(GLOBAL PROPERTY TWINOS_LAB_WORK_FILE ${work})
  endif()
  file(GLOB cheats CONFIGURE_DEPENDS ${lab_dir}/cheats/*.cpp)
  set(cheat_names)
  foreach(cheat IN LISTS cheats)
    get_filename_component(name ${cheat} NAME_WE)
    list(APPEND variants cheat_${name})
    list(APPEND cheat_names ${name})
    set(file_cheat_${name} ${cheat})
  endforeach()
  # A cheat kept as edits of the reference (cheats/<n>.toml): generated here.
  file(GLOB cheat_specs CONFIGURE_DEPENDS ${lab_dir}/cheats/*.toml)
  get_filename_component(reference ${A_REFERENCE} ABSOLUTE)
  foreach(spec IN LISTS cheat_specs)
    get_filename_component(name ${spec} NAME_WE)
    set(made ${CMAKE_BINARY_DIR}/cheats/${lab}/${name}.cpp)
    add_custom_command(OUTPUT ${made}
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/make_cheat.py
              ${reference} ${spec} ${made}
      DEPENDS ${reference} ${spec} ${PROJECT_SOURCE_DIR}/scripts/make_cheat.py
      COMMENT "The ${lab} cheat ${name}: the reference with its edits" VERBATIM)
    list(APPEND variants cheat_${name})
    list(APPEND cheat_names ${name})
    set(file_cheat_${name} ${made})
  endforeach()
  foreach(variant IN LISTS variants)
    add_library(labpiece_${lab}_${variant} OBJECT ${file_${variant}})
    # Linking the layer library here only brings its include paths and flags.
    target_link_libraries(labpiece_${lab}_${variant} PRIVATE twinos_${A_LAYER})
  endforeach()
  set_property(GLOBAL APPEND PROPERTY TWINOS_LAB_PIECES ${lab})
  set_property(GLOBAL PROPERTY TWINOS_LAB_${lab}_LAYER ${A_LAYER})
  set_property(GLOBAL PROPERTY TWINOS_LAB_${lab}_CHEATS ${cheat_names})
  set_property(GLOBAL PROPERTY TWINOS_LAB_${lab}_DIR ${lab_dir})
endfunction()

# twinos_link(<exe> LAYERS <layer>... [PIECE <lab> <variant>])
# Link the layer libraries and the lab pieces of those layers: variant
# <variant> of lab <lab> (by default the student's work copy of TWINOS_LAB),
# the reference of every other lab.
function(twinos_link exe)
  cmake_parse_arguments(A "" "" "LAYERS;PIECE" ${ARGN})
  if(A_PIECE)
    list(GET A_PIECE 0 piece_lab)
    list(GET A_PIECE 1 piece_variant)
  else()
    set(piece_lab "${TWINOS_LAB}")
    set(piece_variant work)
  endif()
  get_property(labs GLOBAL PROPERTY TWINOS_LAB_PIECES)
  foreach(lab IN LISTS labs)
    get_property(layer GLOBAL PROPERTY TWINOS_LAB_${lab}_LAYER)
    if(layer IN_LIST A_LAYERS)
      if(lab STREQUAL piece_lab)
        target_sources(${exe} PRIVATE $<TARGET_OBJECTS:labpiece_${lab}_${piece_variant}>)
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
# a starter twin and a twin per cheat of each chapter's tests, and a ctest
# that proves the graded tests fail on the starter, every other test still
# passes on it, each cheat scores no more than it may, and the reference
# scores full marks.
function(twinos_twin chapter lab variant out)
  get_property(layers GLOBAL PROPERTY TWINOS_CHAPTER_${chapter}_LAYERS)
  set(twin test_${chapter}_${lab}_${variant})
  add_executable(${twin} $<TARGET_OBJECTS:test_${chapter}_objects>)
  twinos_link(${twin} LAYERS ${layers} PIECE ${lab} ${variant})
  target_link_libraries(${twin} PRIVATE GTest::gtest_main)
  set_target_properties(${twin} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  set(${out} $<TARGET_FILE:${twin}> PARENT_SCOPE)
endfunction()

function(twinos_lab lab)
  cmake_parse_arguments(A "" "DIR" "CHAPTERS" ${ARGN})
  get_property(cheats GLOBAL PROPERTY TWINOS_LAB_${lab}_CHEATS)
  set(binaries)
  set(twins)
  foreach(chapter IN LISTS A_CHAPTERS)
    list(APPEND binaries --binary ${chapter}=$<TARGET_FILE:test_${chapter}>)
    if(NOT TWINOS_LAB)
      twinos_twin(${chapter} ${lab} starter path)
      list(APPEND twins --starter-binary ${chapter}=${path})
      foreach(cheat IN LISTS cheats)
        twinos_twin(${chapter} ${lab} cheat_${cheat} path)
        list(APPEND twins --cheat ${cheat}:${chapter}=${path}:$<TARGET_OBJECTS:labpiece_${lab}_cheat_${cheat}>)
      endforeach()
    endif()
  endforeach()
  if(lab STREQUAL TWINOS_LAB)
    set(piece $<TARGET_OBJECTS:labpiece_${lab}_work>)
  else()
    set(piece $<TARGET_OBJECTS:labpiece_${lab}_reference>)
  endif()
  set(grade ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/grade.py
            --points ${PROJECT_SOURCE_DIR}/${A_DIR}/points.toml)
  list(TRANSFORM A_CHAPTERS PREPEND test_ OUTPUT_VARIABLE chapter_targets)
  add_custom_target(grade-${lab}
    COMMAND ${grade} ${binaries} --piece ${piece} --json ${CMAKE_BINARY_DIR}/grade-${lab}.json
            --configured-lab=${TWINOS_LAB}
    DEPENDS ${chapter_targets} WORKING_DIRECTORY ${CMAKE_BINARY_DIR} USES_TERMINAL VERBATIM)
  if(NOT TWINOS_LAB)
    add_test(NAME labs.${lab}.selftest COMMAND ${grade} --selftest ${binaries} ${twins})
    set_tests_properties(labs.${lab}.selftest PROPERTIES LABELS labs TIMEOUT 300)
  endif()
endfunction()

# twinos_check_lab_choice(): after every piece is declared, refuse an unknown
# TWINOS_LAB and say which lab (and which file) this build hands out.
function(twinos_check_lab_choice)
  get_property(labs GLOBAL PROPERTY TWINOS_LAB_PIECES)
  string(REPLACE ";" ", " known "${labs}")
  if(NOT TWINOS_LAB)
    message(STATUS "TwinOS lab: none -- the reference build (labs: ${known})")
  elseif(NOT TWINOS_LAB IN_LIST labs)
    message(FATAL_ERROR "TWINOS_LAB=${TWINOS_LAB} is not a lab; the labs are: ${known} "
                        "(or empty for the reference build)")
  else()
    get_property(work GLOBAL PROPERTY TWINOS_LAB_WORK_FILE)
    file(RELATIVE_PATH shown ${PROJECT_SOURCE_DIR} ${work})
    message(STATUS "TwinOS lab: ${TWINOS_LAB} -- edit ${shown}")
    message(STATUS "TwinOS lab: that file is your copy of the starter (configure never overwrites it); "
                   "grade with --target grade-${TWINOS_LAB}")
  endif()
endfunction()
