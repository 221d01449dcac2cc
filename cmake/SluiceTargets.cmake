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

# SLUICE_LAYERS_FROM: the binary directory of another build of this source
# tree with the same compiler and flags (set by the install_shared_library
# test to the test build): the layers are its archives, not compiled again.
set(SLUICE_LAYERS_FROM "" CACHE PATH "Take the layer archives from this build tree instead of compiling them")

# Adds a layer library: NAME with headers in NAME/include and sources listed;
# INCLUDES: directories its own sources include from; PUBLIC_INCLUDES: more
# for its users.
function(sluice_add_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS;INCLUDES;PUBLIC_INCLUDES" ${ARGN})
  set(_headers $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  if(SLUICE_LAYERS_FROM)
    file(RELATIVE_PATH _dir ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
    set(_archive ${SLUICE_LAYERS_FROM}/${_dir}/libsluice_${name}.a)
    if(NOT EXISTS ${_archive})
      message(FATAL_ERROR "SLUICE_LAYERS_FROM: no ${_archive} (build that tree first)")
    endif()
    add_library(sluice_${name} STATIC IMPORTED GLOBAL)
    set_target_properties(sluice_${name} PROPERTIES IMPORTED_LOCATION ${_archive})
    target_include_directories(sluice_${name} INTERFACE ${_headers} ${ARG_PUBLIC_INCLUDES})
    target_link_libraries(sluice_${name} INTERFACE ${ARG_DEPS} ${ARG_PRIVATE_DEPS})
    add_library(sluice::${name} ALIAS sluice_${name})
    set_property(GLOBAL APPEND PROPERTY SLUICE_LAYERS sluice_${name})
    return()
  endif()
  # Always position-independent archives with hidden visibility (which
  # changes nothing for a static link): BUILD_SHARED_LIBS links them whole
  # into libsluice.so (top CMakeLists.txt), exporting only SLUICE_API, and so
  # can the shared build made from another tree's archives (SLUICE_LAYERS_FROM).
  add_library(sluice_${name} STATIC ${ARG_SOURCES})
  set_target_properties(sluice_${name} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  add_library(sluice::${name} ALIAS sluice_${name})
  set_target_properties(sluice_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(sluice_${name} PUBLIC ${_headers} ${ARG_PUBLIC_INCLUDES} PRIVATE ${ARG_INCLUDES})
  target_link_libraries(sluice_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  sluice_target_settings(sluice_${name})
  set_property(GLOBAL APPEND PROPERTY SLUICE_LAYERS sluice_${name})
endfunction()
