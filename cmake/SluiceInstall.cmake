include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(_layers GLOBAL PROPERTY SLUICE_LAYERS)
if(BUILD_SHARED_LIBS)
  set(_layers "")  # linked whole into libsluice.so, not installed apart
  set(SLUICE_PC_LIBS "-lsluice")
else()
  # The static layers and what they link (pkg-config has no targets to carry them).
  set(SLUICE_PC_LIBS "-lsluice_producer -lsluice_net -lsluice_protocol -lsluice_partitioner -lboost_json -lssl -lcrypto -lzstd -llz4 -lsnappy -lz -pthread")
endif()
# Relocatable: sluice.pc finds the prefix from where it lies (${pcfiledir}),
# so `cmake --install --prefix DIR` (other than CMAKE_INSTALL_PREFIX) gives
# a working file. The install tests install that way.
file(RELATIVE_PATH SLUICE_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" SLUICE_PC_TO_PREFIX "${SLUICE_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/sluice.pc.in ${PROJECT_BINARY_DIR}/sluice.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sluice.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(FILES ${SLUICE_GENERATED_INCLUDE}/sluice/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sluice)
install(TARGETS ${_layers} sluice EXPORT sluiceTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Only the public API, sluice/*.hpp: producer/include/sluice, SLUICE_API's
# sluice/export.hpp (in protocol/, the lowest layer that marks exports) and
# version.hpp above. The layers' own headers (sluice/net, sluice/protocol,
# sluice/partitioner) are internal and no public header includes them
# (test/install/check_public_headers.cmake, also run on the installed tree).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/producer/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/protocol/include/sluice/export.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sluice)
install(EXPORT sluiceTargets NAMESPACE sluice:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sluiceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sluiceConfig.cmake ${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/SluiceDependencies.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)
