#pragma once
// Inbox: the records send() accepted and the I/O side has not taken yet,
// staged compactly: records of topics without a published route (no
// metadata yet, or records of the topic kept back; send_gate.hpp), which
// the I/O thread places. A routed record skips it. send() copies a record's bytes (key, value, headers)
// into one shared byte buffer and keeps only offsets, so the Record itself
// is destroyed on the application thread that allocated it (no cross-thread
// frees, no large objects moved per record), and the I/O side reads the
// bytes in place while encoding them into their batch.
//
// Threads: the driver keeps two inboxes. One is filled by send() under the
// send gate's mutex; a pass swaps it with the other (empty, capacity kept) and
// reads it on the I/O thread without the lock, then clears it for the next
// swap. At steady state nothing here allocates.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "producer_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

class Inbox {
 public:
  // A byte range of `bytes_`; len == kNull for a null key/value.
  struct Span {
    static constexpr std::uint32_t kNull = 0xffffffffu;
    std::size_t off = 0;
    std::uint32_t len = kNull;  // records are under max.request.size (an int32)
    bool null() const noexcept { return len == kNull; }
  };
  struct Header {
    Span key;
    Span value;
  };
  struct Entry {
    DeliveryCallback callback;
    Clock::time_point enqueued{};   // set by the I/O side when it takes the inbox (no clock read per send)
    std::size_t reserved = 0;       // buffer.memory charged
    std::uint64_t generation = 0;   // flush generation at send()
    std::int64_t timestamp_ms = 0;  // valid when has_timestamp
    std::uint32_t topic = 0;        // index into topics()
    std::int32_t partition = 0;     // valid when has_partition
    Span key;
    Span value;
    std::uint32_t first_header = 0;
    std::uint32_t header_count = 0;
    bool has_partition = false;
    bool has_timestamp = false;
    bool urgent = false;            // a sync send: no linger
  };

  // Stages `r` (its bytes are copied; `r` itself is left untouched).
  void push(const RecordRef& r, DeliveryCallback&& callback, std::size_t reserved, bool urgent, std::uint64_t generation) {
    Entry& e = entries_.emplace_back();
    e.callback = std::move(callback);
    e.reserved = reserved;
    e.generation = generation;
    e.urgent = urgent;
    e.topic = topic_index(r.topic);
    e.has_partition = r.partition.has_value();
    e.partition = r.partition.value_or(-1);
    e.has_timestamp = r.timestamp_ms.has_value();
    e.timestamp_ms = r.timestamp_ms.value_or(0);
    e.key = copy(r.key);
    e.value = copy(r.value);
    e.first_header = static_cast<std::uint32_t>(headers_.size());
    e.header_count = static_cast<std::uint32_t>(r.headers.size());
    for (const auto& h : r.headers) {
      headers_.push_back(Header{copy(std::optional<std::string_view>(h.key)), copy(h.value)});
    }
  }

  void push(const Record& r, DeliveryCallback&& callback, std::size_t reserved, bool urgent, std::uint64_t generation) {
    push(RecordRef::of(r), std::move(callback), reserved, urgent, generation);
  }

  // Moves entry `e` of `from` here (its bytes copied, its callback moved):
  // a record that has to wait for its topic's metadata, staged as before.
  void adopt(Inbox& from, Entry& e) {
    Entry& n = entries_.emplace_back(std::move(e));
    n.topic = topic_index(from.topics_[e.topic]);
    n.key = copy_span(from, e.key);
    n.value = copy_span(from, e.value);
    n.first_header = static_cast<std::uint32_t>(headers_.size());
    for (std::uint32_t i = 0; i < e.header_count; ++i) {
      const Header& h = from.headers_[e.first_header + i];
      headers_.push_back(Header{copy_span(from, h.key), copy_span(from, h.value)});
    }
  }
  // Keeps entries for which keep(entry) is true, in order (their bytes stay
  // where they are); the inbox is cleared once none is left.
  template <class Keep>
  void retain(Keep&& keep) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (!keep(entries_[i])) continue;
      if (kept != i) entries_[kept] = std::move(entries_[i]);
      ++kept;
    }
    entries_.resize(kept);
    if (entries_.empty()) {
      clear();
      // Used now and then (records waiting for metadata): its buffer is not
      // worth keeping for a next time.
      if (bytes_.capacity() > kKeepBytes) release();
    }
  }

  // Whether a staged record is of `topic` (a scan: for rare questions).
  bool holds_topic(std::string_view topic) const noexcept {
    for (const auto& e : entries_) {
      if (topics_[e.topic] == topic) return true;
    }
    return false;
  }

  std::vector<Entry>& entries() noexcept { return entries_; }
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  const std::string& topic(const Entry& e) const noexcept { return topics_[e.topic]; }
  std::size_t topic_count() const noexcept { return topics_.size(); }
  const std::string& topic_at(std::uint32_t i) const noexcept { return topics_[i]; }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }  // records staged
  std::size_t byte_size() const noexcept { return bytes_.size(); }  // keys, values and headers staged
  std::size_t byte_capacity() const noexcept { return bytes_.capacity(); }  // the staging buffer's (tests)

  std::optional<protocol::ByteView> bytes(Span s) const noexcept {
    if (s.null()) return std::nullopt;
    return protocol::ByteView(bytes_.data() + s.off, s.len);
  }
  std::string_view chars(Span s) const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()) + s.off, s.null() ? 0 : s.len};
  }
  std::optional<std::string> string(Span s) const {
    if (s.null()) return std::nullopt;
    return std::string(chars(s));
  }
  // e's headers as views into this inbox, written into `out` (reused).
  void header_views(const Entry& e, std::vector<protocol::RecordHeaderView>& out) const {
    out.clear();
    for (std::uint32_t i = 0; i < e.header_count; ++i) {
      const Header& h = headers_[e.first_header + i];
      out.push_back({chars(h.key), bytes(h.value)});
    }
  }
  // Rebuilds e as a Record (for a record that has to wait for metadata).
  Record record(Entry& e) const {
    Record r;
    r.topic = topics_[e.topic];
    if (e.has_partition) r.partition = e.partition;
    r.key = string(e.key);
    r.value = string(e.value);
    r.headers.reserve(e.header_count);
    for (std::uint32_t i = 0; i < e.header_count; ++i) {
      const Header& h = headers_[e.first_header + i];
      r.headers.push_back(sluice::Header{std::string(chars(h.key)), string(h.value)});
    }
    if (e.has_timestamp) r.timestamp_ms = e.timestamp_ms;
    return r;
  }

  // Empties the inbox, keeping its capacity (topic names are kept too: the
  // same few topics come back pass after pass).
  void clear() noexcept {
    // A burst can leave a large buffer behind; give it back once the inbox
    // is mostly empty again, so two inboxes do not pin the peak for good:
    // at once for a very large one (memory first), after a while for one of
    // a few MiB. Not at the first small pass for those: under a steady load
    // pass sizes swing, and freeing then regrowing the buffer cost a copy
    // per doubling and fresh pages faulted in every time.
    if (bytes_.capacity() > kKeepBytes && bytes_.size() < bytes_.capacity() / 8) {
      if (bytes_.capacity() > kReleaseAtOnceBytes || ++small_clears_ >= kSmallClearsBeforeRelease) release();
    } else {
      small_clears_ = 0;
    }
    entries_.clear();
    headers_.clear();
    bytes_.clear();
    if (topics_.size() > 64) topics_.clear();  // many distinct topics: do not grow without bound
  }
  void swap(Inbox& other) noexcept {
    entries_.swap(other.entries_);
    headers_.swap(other.headers_);
    bytes_.swap(other.bytes_);
    topics_.swap(other.topics_);
    std::swap(small_clears_, other.small_clears_);
  }

 private:
  template <class S>
  Span copy(const std::optional<S>& s) {
    if (!s) return Span{};
    const std::size_t off = bytes_.size();
    bytes_.insert(bytes_.end(), reinterpret_cast<const std::uint8_t*>(s->data()),
                  reinterpret_cast<const std::uint8_t*>(s->data()) + s->size());
    return Span{off, static_cast<std::uint32_t>(s->size())};
  }
  Span copy_span(const Inbox& from, Span s) {
    if (s.null()) return Span{};
    const std::size_t off = bytes_.size();
    bytes_.insert(bytes_.end(), from.bytes_.begin() + static_cast<std::ptrdiff_t>(s.off),
                  from.bytes_.begin() + static_cast<std::ptrdiff_t>(s.off + s.len));
    return Span{off, s.len};
  }
  // Topic names are kept once per inbox: the last few are checked, which
  // covers one or a few hot topics without a map.
  std::uint32_t topic_index(std::string_view name) {
    const std::size_t n = topics_.size();
    for (std::size_t i = n; i > 0 && i + 4 > n; --i) {
      if (topics_[i - 1] == name) return static_cast<std::uint32_t>(i - 1);
    }
    topics_.emplace_back(name);
    return static_cast<std::uint32_t>(n);
  }

  void release() noexcept {
    std::vector<std::uint8_t>().swap(bytes_);
    std::vector<Entry>().swap(entries_);
    std::vector<Header>().swap(headers_);
    small_clears_ = 0;
  }

  static constexpr std::size_t kKeepBytes = std::size_t{1} << 20;
  static constexpr std::size_t kReleaseAtOnceBytes = std::size_t{8} << 20;
  static constexpr std::uint32_t kSmallClearsBeforeRelease = 64;

  std::vector<Entry> entries_;
  std::vector<Header> headers_;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::string> topics_;
  std::uint32_t small_clears_ = 0;  // clear() calls in a row that found the buffer mostly unused
};

}  // namespace sluice::detail
