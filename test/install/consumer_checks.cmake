# Included by check_install.cmake and check_install_shared.cmake: builds
# test/install/consumer against the Sluice installed in `prefix` twice,
# with find_package(sluice) and with pkg-config (sluice.pc), and runs both.
# Needs: prefix, SOURCE_DIR, GENERATOR, CXX, CXX_FLAGS, VERSION, work.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(check_consumer_output what output)
  if(NOT output MATCHES "sluice ${VERSION}\n" OR NOT output MATCHES "config error on acks")
    message(FATAL_ERROR "${what}: unexpected consumer output: ${output}")
  endif()
endfunction()

function(check_consumers)
  # find_package(sluice)
  set(consumer_build "${work}/consumer")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/consumer" -B "${consumer_build}" -G "${GENERATOR}"
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
  run(${CMAKE_COMMAND} --build "${consumer_build}")
  run("${consumer_build}/consumer")
  check_consumer_output("find_package consumer" "${last_output}")

  # pkg-config
  find_program(PKG_CONFIG pkg-config REQUIRED)
  file(GLOB_RECURSE pc_files "${prefix}/sluice.pc")
  list(LENGTH pc_files n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one installed sluice.pc under ${prefix}, found: ${pc_files}")
  endif()
  get_filename_component(pc_dir "${pc_files}" DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
  run(${PKG_CONFIG} --modversion sluice)
  if(NOT last_output STREQUAL "${VERSION}\n")
    message(FATAL_ERROR "pkg-config --modversion sluice: '${last_output}', expected ${VERSION}")
  endif()
  run(${PKG_CONFIG} --cflags --libs sluice)
  string(STRIP "${last_output}" pc_flags)
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  separate_arguments(extra UNIX_COMMAND "${CXX_FLAGS}")
  set(exe "${work}/consumer-pkg-config")
  run(${CXX} -std=c++20 ${extra} "${SOURCE_DIR}/consumer/main.cpp" ${pc_flags} -o "${exe}")
  get_filename_component(libdir "${pc_dir}" DIRECTORY)
  set(ENV{LD_LIBRARY_PATH} "${libdir}")
  run("${exe}")
  check_consumer_output("pkg-config consumer" "${last_output}")
  message(STATUS "consumers built with find_package(sluice) and pkg-config ran")
endfunction()
