# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DGENERATOR=... -DCXX=... -DCXX_FLAGS=... -DVERSION=... -P check_install.cmake
# Installs the build (the static layer libraries) into a scratch prefix and
# builds test/install/consumer against it with find_package(sluice) and with
# pkg-config, and runs both.
set(work "${BUILD_DIR}/install-check")
set(prefix "${work}/prefix")
file(REMOVE_RECURSE "${work}")
include(${CMAKE_CURRENT_LIST_DIR}/consumer_checks.cmake)
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
if(NOT EXISTS "${prefix}/include/sluice/version.hpp")
  message(FATAL_ERROR "sluice/version.hpp not installed")
endif()
# Only sluice/*.hpp is installed, none naming internals (check_public_headers.cmake).
run(${CMAKE_COMMAND} "-DHEADERS_DIR=${prefix}/include" -P "${CMAKE_CURRENT_LIST_DIR}/check_public_headers.cmake")
check_consumers()
