# Sanitizer and fuzzer builds (issue 9). Off by default; scripts/sanitize.sh and
# scripts/fuzz.sh configure their own build folders with them.
#
#   -DAUNET_SANITIZE=address,undefined   every target compiled and linked with these
#                                         -fsanitize= checks (any compiler that has them)
#   -DAUNET_FUZZ=ON                       libFuzzer targets in fuzz/ (clang only); also
#                                         instruments everything for coverage
set(AUNET_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list, e.g. address,undefined (empty: none)")
option(AUNET_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(AUNET_SANITIZE)
  # Frame pointers for readable reports; undefined behaviour stops the test that hit
  # it instead of printing and going on. vptr checks are off: LibTorch and ITK are not
  # instrumented and their classes' type information spans several shared objects.
  add_compile_options(-fsanitize=${AUNET_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all -fno-sanitize=vptr)
  add_link_options(-fsanitize=${AUNET_SANITIZE})
  message(STATUS "aunet: sanitizers ${AUNET_SANITIZE}")
endif()

if(AUNET_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AUNET_FUZZ=ON needs clang (CC=clang CXX=clang++); this is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # Coverage feedback for every library; the fuzz targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
  message(STATUS "aunet: libFuzzer targets enabled")
endif()
