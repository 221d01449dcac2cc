#pragma once
// What an application sends, and what it gets back.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

// A record by reference, for Producer::send_ref(): the producer copies its
// bytes before send_ref() returns and keeps nothing of the caller's (as
// librdkafka's RD_KAFKA_MSG_F_COPY), so a hot loop sends from its own
// buffers without building a Record (no allocation per record).
struct RecordRef {
  std::string_view topic{};
  std::optional<std::int32_t> partition{};      // explicit partition wins over the partitioner
  std::optional<std::string_view> key{};        // nullopt = null key
  std::optional<std::string_view> value{};      // nullopt = null value (a tombstone)
  std::span<const Header> headers{};
  std::optional<std::int64_t> timestamp_ms{};   // nullopt = now (CreateTime)

  // Views of `r`'s fields (valid while `r` lives and is not changed).
  static RecordRef of(const Record& r) {
    RecordRef ref{r.topic, r.partition, std::nullopt, std::nullopt, r.headers, r.timestamp_ms};
    if (r.key) ref.key = std::string_view(*r.key);
    if (r.value) ref.value = std::string_view(*r.value);
    return ref;
  }
  // A Record owning copies of the bytes.
  Record to_record() const {
    Record r;
    r.topic = std::string(topic);
    r.partition = partition;
    if (key) r.key.emplace(*key);
    if (value) r.value.emplace(*value);
    r.headers.assign(headers.begin(), headers.end());
    r.timestamp_ms = timestamp_ms;
    return r;
  }
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
