// sluice::version(): the version the library was built as (version.hpp is
// generated from the CMake project version).
#include "sluice/version.hpp"

namespace sluice {

const char* version() noexcept { return SLUICE_VERSION_STRING; }

}  // namespace sluice
