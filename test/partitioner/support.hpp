#pragma once
// Helpers shared by the partitioner tests.
#include <cstdint>
#include <span>
#include <string_view>

namespace sluice::partitioner::test {

inline std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace sluice::partitioner::test
