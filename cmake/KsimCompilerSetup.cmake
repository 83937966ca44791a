# Compiler settings shared by every ksim target: warnings, sanitizers, ccache.

find_program(KSIM_CCACHE ccache)
if(KSIM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${KSIM_CCACHE})
endif()

add_library(ksim_build_flags INTERFACE)
target_compile_options(ksim_build_flags INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough
  -Wcast-qual -Wformat=2)
if(KSIM_WERROR)
  target_compile_options(ksim_build_flags INTERFACE -Werror)
endif()

if(KSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KSIM_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  set(KSIM_SANITIZE ON)
  target_compile_options(ksim_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()

if(KSIM_SANITIZE)
  set(_ksim_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  target_compile_options(ksim_build_flags INTERFACE ${_ksim_sanitizers})
  target_link_options(ksim_build_flags INTERFACE ${_ksim_sanitizers})
endif()

# ksim_add_library(NAME SOURCES...) : a static library of one folder, with the shared flags.
function(ksim_add_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ksim_build_flags)
endfunction()
