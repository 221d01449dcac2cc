#pragma once
#include <array>
#include <cstdint>

namespace sluice::protocol {

// A Kafka UUID (topic id): 16 raw bytes on the wire. All zero = "no id".
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  bool is_zero() const noexcept {
    for (auto b : bytes) {
      if (b != 0) return false;
    }
    return true;
  }
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

}  // namespace sluice::protocol
