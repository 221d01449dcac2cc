#pragma once
// The records a benchmark sends: one value of random capital letters
// (like kafka-producer-perf-test's payload, so compression codecs see text,
// not a run of one byte) and, per --key-mode, a key per record.
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "bench_cli.hpp"

namespace sluice::bench {

// `size` random letters A-Z, the same for a given seed.
std::string make_value(std::size_t size, std::uint64_t seed = 42);

class KeyMaker {
 public:
  explicit KeyMaker(KeyMode mode, std::uint64_t seed = std::random_device{}());
  bool has_keys() const noexcept { return mode_ != KeyMode::none; }
  // Record `index`'s key in decimal: the index itself (seq) or a random
  // 64-bit number (random). Valid until the next call.
  std::string_view key(std::uint64_t index);

 private:
  KeyMode mode_;
  std::mt19937_64 rng_;
  std::array<char, 24> buf_{};
};

}  // namespace sluice::bench
