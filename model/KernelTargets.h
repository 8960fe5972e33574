#pragma once
// AUNET_VECTOR_CLONES marks aunet's own memory-bound CPU loops (instance norm, 2x
// upsampling): the compiler emits an AVX2 copy next to the baseline x86-64 (SSE2) one
// and the loader picks one per machine (GCC/Clang target_clones, an ifunc), since the
// build itself targets any x86-64. No FMA in the clone, so both copies round alike.

#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define AUNET_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef AUNET_VECTOR_CLONES
#define AUNET_VECTOR_CLONES
#endif
