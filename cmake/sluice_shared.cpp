// The shared library libsluice.so (BUILD_SHARED_LIBS=ON) is the four layer
// archives linked whole; a shared library target needs one source of its own.
