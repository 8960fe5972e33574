// core::reuseFreedMemory: a freed large block is reused without faulting in new pages
// (glibc would otherwise unmap it on free and map fresh zeroed pages on the next
// allocation: one minor page fault per 4 KiB page).

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "core/HeapReuse.h"

namespace aunet::core {
namespace {

long minorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Page faults taken while allocating, touching and freeing `bytes`.
long faultsOfOneBlock(std::size_t bytes) {
  const long before = minorFaults();
  char* p = static_cast<char*>(std::malloc(bytes));
  if (p == nullptr) return -1;
  std::memset(p, 1, bytes);
  asm volatile("" : : "r"(p) : "memory");  // keep the compiler from eliding the block
  std::free(p);
  return minorFaults() - before;
}

TEST(HeapReuse, AFreedLargeBlockIsReusedWithoutNewPageFaults) {
#if !defined(__GLIBC__)
  GTEST_SKIP() << "heap tuning is glibc-only";
#endif
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces malloc; glibc's heap tuning does not apply";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer replaces malloc; glibc's heap tuning does not apply";
#endif
#endif
  ASSERT_TRUE(reuseFreedMemory());
  constexpr std::size_t kBytes = std::size_t{128} << 20;  // above glibc's largest default mmap threshold
  const long first = faultsOfOneBlock(kBytes);
  ASSERT_GT(first, 10000) << "the first touch of 128 MiB faults in its 32768 pages";
  const long second = faultsOfOneBlock(kBytes);
  EXPECT_LT(second, 1000) << "the freed block should be reused, but " << second << " pages faulted in again";
  releaseFreedMemory();
  const long afterRelease = faultsOfOneBlock(kBytes);
  EXPECT_GT(afterRelease, 10000) << "releaseFreedMemory() should have given the block back to the OS";
}

}  // namespace
}  // namespace aunet::core
