# The programs (aunet, aunet-viewer, the benchmarks) allocate through gperftools'
# tcmalloc when it is installed (Debian: libgoogle-perftools-dev). Segmentation frees and
# re-allocates the same few 10-200 MB activations window after window; glibc's malloc,
# told to keep freed blocks (core::reuseFreedMemory), splits them for small long-lived
# allocations made in between and grows the heap by a few hundred MB of holes, and
# without that setting it hands them back and faults them in again on every pass.
# tcmalloc does neither: measured on ch2 (docs/performance.md), 7.5 s and 690 MB peak
# RSS against glibc's 8.7-8.9 s and 820-930 MB.
#
#   aunet_link_allocator(<target>)   links tcmalloc into an executable (no-op without it)
option(AUNET_WITH_TCMALLOC "Link the programs with gperftools' tcmalloc when found" ON)

set(AUNET_TCMALLOC_LIBRARY "")  # what the programs link; empty: glibc's malloc
if(AUNET_WITH_TCMALLOC AND AUNET_SANITIZE)
  message(STATUS "aunet: sanitizers replace malloc; programs use their allocator, not tcmalloc")
elseif(AUNET_WITH_TCMALLOC)
  find_library(AUNET_TCMALLOC_PATH NAMES tcmalloc_minimal)
  if(AUNET_TCMALLOC_PATH)
    set(AUNET_TCMALLOC_LIBRARY "${AUNET_TCMALLOC_PATH}")
    message(STATUS "aunet: programs allocate through tcmalloc (${AUNET_TCMALLOC_LIBRARY})")
  else()
    message(WARNING "aunet: tcmalloc not found (apt-get install libgoogle-perftools-dev): the programs use glibc's "
                    "malloc, slower and with a higher peak memory in segmentation")
  endif()
endif()

function(aunet_link_allocator target)
  if(AUNET_TCMALLOC_LIBRARY)
    # --no-as-needed: nothing calls into it by name; it replaces malloc for the process.
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" ${AUNET_TCMALLOC_LIBRARY}
                                            "-Wl,--pop-state")
  endif()
endfunction()
