# Install-time script (see cmake/Packaging.cmake): copies LibTorch's CPU runtime from
# the torch wheel into <prefix>/lib/aunet and makes the installed executables CPU-only.
#
# Inputs: AUNET_TORCH_LIBDIR (torch/lib of the wheel), AUNET_PATCHELF, AUNET_PROGRAMS,
# AUNET_BINDIR, AUNET_PRIVATE_LIBDIR (relative to the prefix).
#
# The wheel's libtorch.so is a shim that pulls in libtorch_cuda.so, and that one the
# NVIDIA libraries (cuBLAS, cuDNN, NCCL, ...: about 3 GB). The CPU set is libtorch_cpu.so,
# libc10.so and what they need from the wheel (its libgomp, and libcudart/libcupti,
# which libtorch_cpu.so links for its profiler; neither needs a GPU or driver to load).
# The executables do not link the CUDA parts (model/CudaBackend loads libtorch_cuda.so at
# start when it sits beside libtorch_cpu.so and a driver is present; here it does not, so
# `aunet --version` says "this LibTorch has no CUDA library" and `--device cuda` reports
# that no CUDA device is available). The check below keeps it that way.

set(_prefix "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
set(_libdir "${CMAKE_INSTALL_PREFIX}/${AUNET_PRIVATE_LIBDIR}")

set(_torch_libs "${AUNET_TORCH_LIBDIR}/libtorch_cpu.so" "${AUNET_TORCH_LIBDIR}/libc10.so")
file(GET_RUNTIME_DEPENDENCIES
  LIBRARIES ${_torch_libs}
  RESOLVED_DEPENDENCIES_VAR _deps
  UNRESOLVED_DEPENDENCIES_VAR _unresolved
  # System libraries come from Debian packages (the .deb's Depends), not from us.
  POST_EXCLUDE_REGEXES "^/lib/" "^/lib64/" "^/usr/lib/" "^/usr/lib64/")
if(_unresolved)
  message(FATAL_ERROR "aunet: LibTorch libraries whose dependencies were not found: ${_unresolved}")
endif()
list(APPEND _torch_libs ${_deps})
list(REMOVE_DUPLICATES _torch_libs)
message(STATUS "aunet: LibTorch CPU runtime: ${_torch_libs}")
file(INSTALL DESTINATION "${_libdir}" TYPE SHARED_LIBRARY FOLLOW_SYMLINK_CHAIN FILES ${_torch_libs})

if(NOT AUNET_PATCHELF)
  message(FATAL_ERROR "aunet: installing needs patchelf (apt-get install patchelf), "
                      "or configure with -DAUNET_INSTALL_TORCH_RUNTIME=OFF")
endif()
# NEEDED entries of LibTorch's CUDA side and of the CUDA toolkit's own libraries that
# the bundled set does not hold: none may be left, or the program would not start.
set(_cuda_only "^lib(torch|torch_cuda.*|c10_cuda|caffe2_nvrtc|nvrtc.*|nvToolsExt.*|cuda|cublas.*|cudnn.*|nccl.*)\\.so")
foreach(program IN LISTS AUNET_PROGRAMS)
  set(_exe "${_prefix}/${AUNET_BINDIR}/${program}")
  execute_process(COMMAND "${AUNET_PATCHELF}" --print-needed "${_exe}" OUTPUT_VARIABLE _needed
                  RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "aunet: patchelf cannot read ${_exe}")
  endif()
  string(REPLACE "\n" ";" _needed "${_needed}")
  list(FILTER _needed INCLUDE REGEX "${_cuda_only}")
  if(_needed)
    list(JOIN _needed ", " _needed)
    message(FATAL_ERROR "aunet: ${program} links ${_needed}: LibTorch's CUDA side must be loaded at run time "
                        "(model/CudaBackend.h), not linked")
  endif()
endforeach()
