#include "workload.hpp"

#include <charconv>

namespace sluice::bench {

std::string make_value(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> letter('A', 'Z');
  std::string v(size, '\0');
  for (auto& c : v) c = static_cast<char>(letter(rng));
  return v;
}

KeyMaker::KeyMaker(KeyMode mode, std::uint64_t seed) : mode_(mode), rng_(seed) {}

std::string_view KeyMaker::key(std::uint64_t index) {
  if (mode_ == KeyMode::none) return {};
  const std::uint64_t n = mode_ == KeyMode::seq ? index : rng_();
  auto [end, ec] = std::to_chars(buf_.data(), buf_.data() + buf_.size(), n);
  return {buf_.data(), static_cast<std::size_t>(end - buf_.data())};
}

}  // namespace sluice::bench
