// libFuzzer entry point; SLUICE_FUZZ_TARGET names the target in
// fuzz_targets.hpp this executable runs (one executable per target).
// SLUICE_FUZZ_METADATA_CACHE adds metadata_cache_target.hpp (its executable
// also compiles net/'s MetadataCache).
#include <cstdio>
#include <cstdlib>

#include "fuzz_targets.hpp"
#ifdef SLUICE_FUZZ_METADATA_CACHE
#include "metadata_cache_target.hpp"
#endif

#ifndef SLUICE_FUZZ_TARGET
#error "define SLUICE_FUZZ_TARGET to a target name"
#endif

namespace {
const sluice::fuzz::Target& target() {
  static const sluice::fuzz::Target* t = [] {
    const auto* found = sluice::fuzz::find_target(SLUICE_FUZZ_TARGET);
#ifdef SLUICE_FUZZ_METADATA_CACHE
    if (found == nullptr && std::string_view(SLUICE_FUZZ_TARGET) == sluice::fuzz::kMetadataCacheTarget.name) {
      found = &sluice::fuzz::kMetadataCacheTarget;
    }
#endif
    if (found == nullptr) {
      std::fprintf(stderr, "unknown fuzz target %s\n", SLUICE_FUZZ_TARGET);
      std::abort();
    }
    return found;
  }();
  return *t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target().run(sluice::fuzz::Input(data, size));
  return 0;
}
