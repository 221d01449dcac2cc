#pragma once
// The records sluice-verify writes: a value that names its run, producer and
// sequence, padded with bytes derived from the sequence, so a record read
// back can be matched to what was sent and checked byte for byte. Pure.
//
//   value = "sluice-verify/1 run=RUN p=P seq=SEQ pad=N|" + N padding bytes
//   padding byte i = 'a' + (SEQ + i) % 26
//   key   = "key-J", J = (SEQ * producers + P) % keys   (keys = 0: null key)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "history_checker.hpp"

namespace sluice::verify {

// A run id is 1..64 of [A-Za-z0-9_.-] (it goes into every value, unescaped).
bool valid_run_id(std::string_view run_id);

// The value of record `id` of run `run_id`, `size` bytes long when `size`
// is at least the header's length (else just the header).
std::string make_value(std::string_view run_id, const RecordId& id, std::size_t size);

// The key of record `id` when `producers` threads share `keys` keys.
// Consecutive records of a thread cycle through the keys, and threads
// interleave, so every key gets records from every thread.
std::optional<std::string> make_key(const RecordId& id, std::uint32_t producers, std::uint64_t keys);

struct ParsedValue {
  std::string run_id;
  RecordId id;
  bool intact = false;  // the padding is exactly what make_value writes
};

// nullopt when `value` is not a sluice-verify value at all (another
// writer's record); `intact` false when it is one but damaged.
std::optional<ParsedValue> parse_value(std::string_view value);

}  // namespace sluice::verify
