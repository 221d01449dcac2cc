# cmake -DHEADERS_DIR=<dir> [-DHEADERS_DIR2=<dir>] -P check_public_headers.cmake
# The public API is sluice/*.hpp and nothing below it names the layers
# beneath (docs/ARCHITECTURE.md, "Public API"): every file under each
# directory must be sluice/<name>.hpp, and none may name a net::/protocol::
# type, include a sluice/net, sluice/protocol or sluice/partitioner header,
# or carry a test seam (anything "for_test", send_at). Run on the source
# headers (producer/include, the generated version.hpp), on an installed
# prefix (check_install.cmake) and on test/install/leaky_headers, where it
# must fail (check_public_headers_control.cmake).
set(problems "")
foreach(dir ${HEADERS_DIR} ${HEADERS_DIR2})
  get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "$ENV{PWD}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "check_public_headers: no directory ${dir}")
  endif()
  file(GLOB_RECURSE files RELATIVE "${dir}" "${dir}/*")
  if(NOT files)
    message(FATAL_ERROR "check_public_headers: no headers under ${dir}")
  endif()
  foreach(f ${files})
    if(NOT f MATCHES "^sluice/[A-Za-z0-9_]+\\.hpp$")
      list(APPEND problems "${dir}/${f}: not a public header (only sluice/<name>.hpp is)")
      continue()
    endif()
    file(STRINGS "${dir}/${f}" lines)
    set(n 0)
    foreach(line IN LISTS lines)
      math(EXPR n "${n} + 1")
      if(line MATCHES "(^|[^A-Za-z0-9_])(net|protocol)::")
        list(APPEND problems "${dir}/${f}:${n}: names an internal layer's type (${CMAKE_MATCH_2}::)")
      endif()
      if(line MATCHES "sluice/(net|protocol|partitioner)/")
        list(APPEND problems "${dir}/${f}:${n}: includes or names an internal header (sluice/${CMAKE_MATCH_1}/)")
      endif()
      if(line MATCHES "for_test|send_at")
        list(APPEND problems "${dir}/${f}:${n}: a test seam (${CMAKE_MATCH_0}) in a public header")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n" text)
  message("${text}")  # unwrapped, one per line (FATAL_ERROR text gets reflowed)
  list(LENGTH problems n)
  message(FATAL_ERROR "${n} problem(s) in public headers, listed above. Keep internal types in "
                      "producer/src (or net/, protocol/) and convert at the boundary.")
endif()
message(STATUS "public headers: only sluice/*.hpp, no net::/protocol:: type, no test seam")
