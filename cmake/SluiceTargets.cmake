# Common compile settings for every Sluice target.
function(sluice_target_settings target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
    if(SLUICE_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

if(SLUICE_TSAN)
  # -Wno-tsan: Boost.Asio's atomic_thread_fence draws a warning TSan cannot
  # act on, which -Werror would turn into a failed build.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()

if(SLUICE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Adds a layer library: NAME with headers in NAME/include and sources listed.
function(sluice_add_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  # Always archives: BUILD_SHARED_LIBS links them whole into libsluice.so
  # (top CMakeLists.txt), with hidden visibility so only SLUICE_API is exported.
  add_library(sluice_${name} STATIC ${ARG_SOURCES})
  if(BUILD_SHARED_LIBS)
    set_target_properties(sluice_${name} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  endif()
  add_library(sluice::${name} ALIAS sluice_${name})
  set_target_properties(sluice_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(sluice_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(sluice_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  sluice_target_settings(sluice_${name})
  set_property(GLOBAL APPEND PROPERTY SLUICE_LAYERS sluice_${name})
endfunction()
