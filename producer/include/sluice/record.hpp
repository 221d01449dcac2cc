#pragma once
// What an application sends, and what it gets back.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace sluice {

struct Header {
  std::string key;                   // never null
  std::optional<std::string> value;  // nullopt = null
};

// A record to send. Keys and values are bytes (std::string holds any bytes).
struct Record {
  std::string topic{};
  std::optional<std::int32_t> partition{};  // explicit partition wins over the partitioner
  std::optional<std::string> key{};         // nullopt = null key
  std::optional<std::string> value{};       // nullopt = null value (a tombstone)
  std::vector<Header> headers{};
  std::optional<std::int64_t> timestamp_ms{};  // nullopt = now (CreateTime)
};

// The outcome of one record.
struct DeliveryReport {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;      // valid when !error (acks=0: -1)
  std::int64_t timestamp_ms = -1;
  std::error_code error;         // empty: acknowledged by the broker
  std::string error_message;     // what happened, naming topic/partition/broker
  // When error is set: true if the record may nevertheless be in the log
  // (the request may have reached the broker); false if it certainly is not.
  bool outcome_unknown = false;
  explicit operator bool() const noexcept { return !error; }
};

// The report is valid for the duration of the call (the producer reuses it
// for the next record of the same batch): copy what you keep.
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

}  // namespace sluice
