// Force-included (-include) into clang builds against Debian's ITK 5.2, whose
// generated itk_compiler_detection.h knows only GCC and stops with "Unsupported
// compiler". Clang 14 supports every C++11 feature that header probes, so this
// defines its include guard and the same macros with their C++11 spellings.
// Used by the fuzz and sanitizer builds only (cmake/Sanitizers.cmake).
#ifndef ITK_COMPILER_DETECTION_H
#define ITK_COMPILER_DETECTION_H
#ifdef __cplusplus
#define ITK_COMPILER_IS_Clang 1
#define ITK_COMPILER_IS_GNU 0
#define ITK_COMPILER_IS_AppleClang 0
#define ITK_COMPILER_IS_MSVC 0
#define ITK_COMPILER_CXX_ALIGNAS 1
#define ITK_COMPILER_CXX_ALIGNOF 1
#define ITK_COMPILER_CXX_ATTRIBUTE_DEPRECATED 1
#define ITK_COMPILER_CXX_CONSTEXPR 1
#define ITK_COMPILER_CXX_DELETED_FUNCTIONS 1
#define ITK_COMPILER_CXX_EXTERN_TEMPLATES 1
#define ITK_COMPILER_CXX_FINAL 1
#define ITK_COMPILER_CXX_NOEXCEPT 1
#define ITK_COMPILER_CXX_NULLPTR 1
#define ITK_COMPILER_CXX_OVERRIDE 1
#define ITK_COMPILER_CXX_STATIC_ASSERT 1
#define ITK_COMPILER_CXX_THREAD_LOCAL 1
#define ITK_ALIGNAS(X) alignas(X)
#define ITK_ALIGNOF(X) alignof(X)
#ifndef ITK_DEPRECATED
#define ITK_DEPRECATED [[deprecated]]
#define ITK_DEPRECATED_MSG(MSG) [[deprecated(MSG)]]
#endif
#define ITK_CONSTEXPR constexpr
#define ITK_DELETED_FUNCTION = delete
#define ITK_EXTERN_TEMPLATE extern
#define ITK_FINAL final
#define ITK_NOEXCEPT noexcept
#define ITK_NOEXCEPT_EXPR(X) noexcept(X)
#define ITK_NULLPTR nullptr
#define ITK_OVERRIDE override
#define ITK_STATIC_ASSERT(X) static_assert(X, #X)
#define ITK_STATIC_ASSERT_MSG(X, MSG) static_assert(X, MSG)
#define ITK_THREAD_LOCAL thread_local
#endif
#endif
