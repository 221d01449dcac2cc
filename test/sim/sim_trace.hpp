#pragma once
// SimTrace: a running hash of everything that happened in a simulated run
// (events, answers), so "same seed, same run" is one integer comparison.
// Values are folded in as bytes, without formatting, so tracing costs no
// allocation; the readable lines are kept only when asked for (to diff two
// runs that should have been equal).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sim {

class SimTrace {
 public:
  // Keeps a readable line per add() from now on (debugging only: allocates).
  void keep_lines(bool on) { keep_ = on; }

  // One trace entry: a tag naming what happened and its numbers.
  void add(std::string_view tag, std::initializer_list<std::int64_t> values) {
    mix_bytes(tag);
    mix_byte(0xff);  // the tag's end, so "ab",{1} and "a",{...} differ
    for (std::int64_t v : values) {
      auto u = static_cast<std::uint64_t>(v);
      for (int i = 0; i < 8; ++i) mix_byte(static_cast<std::uint8_t>(u >> (8 * i)));
    }
    ++entries_;
    if (keep_) {
      std::string line(tag);
      for (std::int64_t v : values) line += " " + std::to_string(v);
      lines_.push_back(std::move(line));
    }
  }

  std::uint64_t hash() const noexcept { return hash_; }
  std::uint64_t entries() const noexcept { return entries_; }
  const std::vector<std::string>& lines() const noexcept { return lines_; }

 private:
  void mix_byte(std::uint8_t b) noexcept {
    hash_ ^= b;
    hash_ *= 0x100000001b3ULL;  // FNV-1a 64
  }
  void mix_bytes(std::string_view s) noexcept {
    for (unsigned char c : s) mix_byte(c);
  }

  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t entries_ = 0;
  bool keep_ = false;
  std::vector<std::string> lines_;
};

}  // namespace sluice::sim
