#pragma once
// SLUICE_API marks what the shared library (BUILD_SHARED_LIBS=ON, built with
// hidden visibility) exports: the public producer API of sluice/*.hpp and
// the error categories its reports carry. Everything else of the library
// stays hidden. In the static build it changes nothing. Lives in the lowest
// layer so every layer's headers can use it.
#if defined(__GNUC__) || defined(__clang__)
#define SLUICE_API __attribute__((visibility("default")))
#else
#define SLUICE_API
#endif
