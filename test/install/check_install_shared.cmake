# cmake -DPROJECT_DIR=... -DBUILD_DIR=... -DSOURCE_DIR=... -DGENERATOR=... -DCXX=... -DCXX_FLAGS=...
#       -DBUILD_TYPE=... -DSANITIZE=ON|OFF -DVERSION=... [-DLAUNCHER=...] -P check_install_shared.cmake
# Configures Sluice as a shared library (BUILD_SHARED_LIBS=ON) in a scratch
# directory with BUILD_DIR's compiler and flags, taking BUILD_DIR's layer
# archives (SLUICE_LAYERS_FROM: position-independent, hidden visibility)
# instead of compiling the library again; builds libsluice.so and
# sluice-produce there; checks that libsluice.so exports the public API and
# nothing of the layers' insides, that the tool links it and says its
# --version; installs it, and builds and runs test/install/consumer against
# it with find_package(sluice) and with pkg-config.
set(work "${BUILD_DIR}/install-shared")
set(build "${work}/build")
set(prefix "${work}/prefix")
file(REMOVE_RECURSE "${prefix}" "${work}/consumer")
include(${CMAKE_CURRENT_LIST_DIR}/consumer_checks.cmake)
set(launcher "")
if(LAUNCHER)
  set(launcher "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
run(${CMAKE_COMMAND} -S "${PROJECT_DIR}" -B "${build}" -G "${GENERATOR}" -DBUILD_SHARED_LIBS=ON
    "-DSLUICE_LAYERS_FROM=${BUILD_DIR}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DSLUICE_SANITIZE=${SANITIZE}"
    -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_TOOLS=ON -DSLUICE_WERROR=ON "-DCMAKE_CXX_COMPILER=${CXX}" ${launcher})
run(${CMAKE_COMMAND} --build "${build}" --parallel 2 --target sluice sluice-produce)

# Exported: the public API (and the error categories reports carry); hidden: the rest.
file(GLOB lib "${build}/libsluice.so.*.*.*")
if(NOT lib)
  message(FATAL_ERROR "no libsluice.so.x.y.z in ${build}")
endif()
run(nm -D --defined-only -C "${lib}")
set(exports "${last_output}")
foreach(wanted "sluice::Producer::send(" "sluice::Config::from_map(" "sluice::version()" "sluice::property_table()"
               "sluice::protocol::kafka_category()" "sluice::kafka_error_category()"
               "sluice::to_string(sluice::SecurityProtocol)")
  string(FIND "${exports}" "${wanted}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "libsluice.so does not export ${wanted}")
  endif()
endforeach()
# (sluice::detail::BulkTracker is exported: bulk.hpp's templates call it.)
foreach(hidden "sluice::detail::ProducerDriver" "sluice::detail::RecordAccumulator" "sluice::net::BrokerConnection"
               "sluice::protocol::BufferWriter" "sluice::partitioner::")
  # A symbol of its own ("T sluice::..."), not a Boost template instantiation naming it.
  if(exports MATCHES " [A-Za-z] ${hidden}")
    message(FATAL_ERROR "libsluice.so exports ${hidden}..., which is not public API")
  endif()
endforeach()

# One tool (the others link the same way; their --version is checked by
# tools_cli_no_broker_smoke_test in the static build).
foreach(tool sluice-produce)
  run(ldd "${build}/tools/${tool}")
  if(NOT last_output MATCHES "libsluice\\.so")
    message(FATAL_ERROR "${tool} is not linked to libsluice.so:\n${last_output}")
  endif()
  run("${build}/tools/${tool}" --version)
  if(NOT last_output STREQUAL "${tool} ${VERSION}\n")
    message(FATAL_ERROR "${tool} --version said '${last_output}', expected '${tool} ${VERSION}'")
  endif()
endforeach()

run(${CMAKE_COMMAND} --install "${build}" --prefix "${prefix}")
# Only sluice/*.hpp is installed, none naming internals (check_public_headers.cmake).
run(${CMAKE_COMMAND} "-DHEADERS_DIR=${prefix}/include" -P "${CMAKE_CURRENT_LIST_DIR}/check_public_headers.cmake")
check_consumers()
