#pragma once
// SimRng: the simulation's only source of randomness. One seed gives one
// exact sequence on every platform, which std:: engines' distributions do
// not promise (their algorithms are implementation-defined), so the
// generator (xoshiro256**, seeded through splitmix64) and the helpers that
// shape its output are written out here.
//
// Independent streams: fork(tag) derives a generator from this one's seed
// and the tag only, never from how many numbers were drawn, so each fault
// kind or component draws from its own stream and adding a new one (or
// drawing more from one) shifts no other stream's numbers.
#include <array>
#include <cstdint>
#include <string_view>

namespace sluice::sim {

class SimRng {
 public:
  explicit SimRng(std::uint64_t seed) noexcept;

  // The seed this generator was made from (a fork's derived seed).
  std::uint64_t seed() const noexcept { return seed_; }

  // A new generator whose sequence depends only on (seed(), tag).
  SimRng fork(std::string_view tag) const noexcept;

  // The next 64 raw bits.
  std::uint64_t next() noexcept;

  // Uniform in [lo, hi] (inclusive; lo <= hi), without modulo bias.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) noexcept;

  // True with probability p (p <= 0: never, p >= 1: always); one draw
  // whatever p is.
  bool bernoulli(double p) noexcept;

 private:
  std::uint64_t seed_;
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace sluice::sim
