# Finds protocol/'s compression libraries and sets SLUICE_ZSTD, SLUICE_SNAPPY,
# SLUICE_LZ4 to their targets. Used by the build and by the installed
# sluiceConfig.cmake (a static protocol library carries them to the consumer).
include_guard(GLOBAL)
find_package(ZLIB REQUIRED)

# Defines the IMPORTED target `target` from a header and a library found on the system.
function(sluice_find_plain_library target header lib)
  find_path(${target}_INCLUDE_DIR ${header})
  find_library(${target}_LIBRARY NAMES ${lib})
  if(NOT ${target}_INCLUDE_DIR OR NOT ${target}_LIBRARY)
    message(FATAL_ERROR "sluice: ${lib} not found (${header} / lib${lib}); install its development package")
  endif()
  add_library(${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${${target}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${${target}_INCLUDE_DIR}")
endfunction()

find_package(zstd CONFIG QUIET)
if(TARGET zstd::libzstd_shared)
  set(SLUICE_ZSTD zstd::libzstd_shared)
elseif(TARGET zstd::libzstd_static)
  set(SLUICE_ZSTD zstd::libzstd_static)
else()
  sluice_find_plain_library(sluice_zstd zstd.h zstd)
  set(SLUICE_ZSTD sluice_zstd)
endif()

find_package(Snappy CONFIG QUIET)
if(TARGET Snappy::snappy)
  set(SLUICE_SNAPPY Snappy::snappy)
else()
  sluice_find_plain_library(sluice_snappy snappy.h snappy)
  set(SLUICE_SNAPPY sluice_snappy)
endif()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(LZ4 QUIET IMPORTED_TARGET liblz4)
endif()
if(TARGET PkgConfig::LZ4)
  set(SLUICE_LZ4 PkgConfig::LZ4)
else()
  sluice_find_plain_library(sluice_lz4 lz4frame.h lz4)
  set(SLUICE_LZ4 sluice_lz4)
endif()

