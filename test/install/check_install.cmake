# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DGENERATOR=... -DCXX_FLAGS=... -P check_install.cmake
# Installs the build into a scratch prefix, builds test/install/consumer
# against it with find_package(sluice), and runs it.
set(prefix "${BUILD_DIR}/install-check/prefix")
set(consumer_build "${BUILD_DIR}/install-check/consumer")
file(REMOVE_RECURSE "${BUILD_DIR}/install-check")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/consumer" -B "${consumer_build}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
run(${CMAKE_COMMAND} --build "${consumer_build}")
run("${consumer_build}/consumer")
if(NOT last_output MATCHES "config error on acks")
  message(FATAL_ERROR "unexpected consumer output: ${last_output}")
endif()
message(STATUS "find_package(sluice) consumer built and ran")
