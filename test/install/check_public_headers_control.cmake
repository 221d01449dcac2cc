# cmake -DCHECKER=<check_public_headers.cmake> -DFIXTURE=<leaky_headers dir> -P check_public_headers_control.cmake
# Negative control: the checker must fail on test/install/leaky_headers and
# name each planted fault (a net:: type, a protocol include, a test seam, a
# header outside sluice/*.hpp). A checker that passes it checks nothing.
execute_process(COMMAND ${CMAKE_COMMAND} -DHEADERS_DIR=${FIXTURE} -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "check_public_headers passed the leaky fixture ${FIXTURE}:\n${out}${err}")
endif()
foreach(expected "leaky.hpp:[0-9]+: names an internal layer's type \\(net::\\)"
                 "leaky.hpp:[0-9]+: names an internal layer's type \\(protocol::\\)"
                 "leaky.hpp:[0-9]+: includes or names an internal header \\(sluice/protocol/\\)"
                 "leaky.hpp:[0-9]+: a test seam \\(for_test\\)"
                 "leaky.hpp:[0-9]+: a test seam \\(send_at\\)"
                 "sluice/net/connection.hpp: not a public header")
  if(NOT err MATCHES "${expected}")
    message(FATAL_ERROR "check_public_headers missed '${expected}' in the leaky fixture:\n${err}")
  endif()
endforeach()
message(STATUS "check_public_headers caught every fault planted in ${FIXTURE}")
