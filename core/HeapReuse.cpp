#include "core/HeapReuse.h"

#if defined(__GLIBC__)
#include <dlfcn.h>
#include <malloc.h>
#endif

#include <climits>

namespace aunet::core {

bool reuseFreedMemory(std::size_t mmap_threshold_bytes, std::size_t keep_bytes) {
#if defined(__GLIBC__)
  const auto clamp = [](std::size_t v) { return static_cast<int>(v > INT_MAX ? INT_MAX : v); };
  // Setting either also turns off glibc's dynamic threshold, which would lower it again.
  const bool threshold = mallopt(M_MMAP_THRESHOLD, clamp(mmap_threshold_bytes)) == 1;
  const bool trim = mallopt(M_TRIM_THRESHOLD, clamp(keep_bytes)) == 1;
  return threshold && trim;
#else
  (void)mmap_threshold_bytes;
  (void)keep_bytes;
  return false;
#endif
}

void releaseFreedMemory() {
#if defined(__GLIBC__)
  // The programs allocate through tcmalloc where it was linked (cmake/Allocator.cmake):
  // then glibc's heap is idle and tcmalloc's own free pages are what to give back.
  using Release = void (*)();
  static const auto tcmallocRelease =
      reinterpret_cast<Release>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
  if (tcmallocRelease != nullptr) tcmallocRelease();
  malloc_trim(0);
#endif
}

}  // namespace aunet::core
