#include "sim_rng.hpp"

namespace sluice::sim {

namespace {

// splitmix64 (Steele, Lea, Flood): turns any seed, even 0 or 1, into
// well-mixed state words for xoshiro, whose state must not be all zero.
std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// FNV-1a over the tag: the tag's contribution to a fork's seed.
std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

SimRng::SimRng(std::uint64_t seed) noexcept : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& w : s_) w = splitmix64(x);
}

SimRng SimRng::fork(std::string_view tag) const noexcept {
  // Mixed once more so that fork("a").fork("b") and fork("b").fork("a")
  // (and a tag equal to a seed) do not collide by simple xor symmetry.
  std::uint64_t x = seed_ ^ rotl(fnv1a(tag), 17);
  return SimRng(splitmix64(x));
}

std::uint64_t SimRng::next() noexcept {
  // xoshiro256** (Blackman, Vigna).
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::int64_t SimRng::uniform_int(std::int64_t lo, std::int64_t hi) noexcept {
  // Unsigned arithmetic: hi - lo may exceed INT64_MAX.
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next());
  const std::uint64_t range = span + 1;
  // Reject the first (2^64 mod range) values so every residue is equally likely.
  const std::uint64_t threshold = (0 - range) % range;
  std::uint64_t x = next();
  while (x < threshold) x = next();
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % range);
}

bool SimRng::bernoulli(double p) noexcept {
  // Always one draw, whatever p: changing a probability (even to 0) leaves
  // the stream's later draws where they were.
  // 53 random bits scaled to [0, 1): exact in a double, so the comparison is
  // the same on every IEEE-754 platform.
  const double u = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return u < p;
}

}  // namespace sluice::sim
