#pragma once
// Typed keys and values: serializers as C++ types.
//
// Kafka 0.8's `serializer.class` and the Java client's `key.serializer` /
// `value.serializer` name classes loaded at run time. Sluice has no class
// loading: the configuration accepts the built-in string and byte
// serializers' names (what Producer does with bytes anyway) and rejects any
// other class, pointing here. A serializer is a C++ type chosen at compile
// time, and Producer itself only ever sees bytes (Record's std::string key
// and value).
//
//   sluice::Serializer<T>   the trait: `static std::string serialize(const T&)`.
//                           Specialise it for your own types.
//   SerializerFor<S, T>     what any serializer object must offer: S may be
//                           stateful (a schema registry client, a buffer
//                           pool...) as long as `s.serialize(v)` works on a
//                           const S and gives something convertible to
//                           std::string.
//   TypedRecord<K, V>       a Record with a K key and a V value; std::nullopt
//                           for a null key or a null value (a tombstone).
//   to_record(typed, ks, vs) the bytes Record (throws SerializationError).
//   TypedProducer<K, V>     a thin, non-owning front over a shared Producer&.
//
// Built-in serializers (their bytes are the Java serializers' bytes, so a
// Java consumer with the matching deserializer reads them back):
//   std::string, std::string_view, const char*, char*   the bytes as they are
//                                     (StringSerializer with UTF-8 text); a
//                                     null char pointer throws: use
//                                     std::nullopt for a null key or value
//   std::vector<B>, std::span<B, N>   raw bytes, B one of std::byte,
//                                     unsigned char (std::uint8_t), char,
//                                     const or not (ByteArraySerializer)
//   std::int16_t, std::int32_t, std::int64_t   two's complement, big-endian,
//                                     2/4/8 bytes (ShortSerializer,
//                                     IntegerSerializer, LongSerializer); any
//                                     signed integer type of those sizes
//                                     (int, long, long long) uses its width
//   float, double                     IEEE 754 bits, big-endian, 4/8 bytes
//                                     (FloatSerializer, DoubleSerializer)
// There are deliberately none for unsigned integers, bool or single chars
// (Java has no unsigned types: a reader could not agree on the meaning);
// specialise Serializer for them if you need one.
//
// A serializer that throws fails that one record, never the process: its
// callback gets a report with error == serialization_error_code(), the
// topic, and the exception's message; nothing was sent (outcome_unknown is
// false). That report is delivered on the calling thread before send()
// returns, like every error the producer finds at once.
//
// Threads: serializers run on the thread that calls send(), never on the
// producer's I/O thread, so a slow serializer slows only its caller.
#include "sluice/export.hpp"
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <future>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "sluice/producer.hpp"
#include "sluice/record.hpp"

namespace sluice {

// ------------------------------------------------------------------ the trait

// No serializer unless specialised: an unsupported type is a compile error
// (see SerializerFor), never a silent memcpy of the object.
template <class T>
struct Serializer;

// What a serializer for T must offer.
template <class S, class T>
concept SerializerFor = requires(const S& s, const T& v) {
  { s.serialize(v) } -> std::convertible_to<std::string>;
};

// The error code of a report for a record whose key or value serializer
// threw. std::errc::invalid_argument (generic category) for now; compare
// reports against this function, not the enum, so code keeps working when
// Sluice gets a producer error code of its own for it.
inline std::error_code serialization_error_code() noexcept { return make_error_code(errc::serialization_failed); }

// Thrown by to_record() when a serializer throws; names the topic, which
// part (key or value) failed, and the serializer's own message.
class SLUICE_API SerializationError : public std::runtime_error {
 public:
  SerializationError(const std::string& topic, bool key, const std::string& reason)
      : std::runtime_error("serializing the " + std::string(key ? "key" : "value") + " of a record for topic '" +
                           topic + "' failed: " + reason),
        topic_(topic),
        key_(key) {}
  const std::string& topic() const noexcept { return topic_; }
  bool key() const noexcept { return key_; }  // false: the value

 private:
  std::string topic_;
  bool key_;
};

// ---------------------------------------------------------------- built-ins

namespace detail {

// `v` as sizeof(U) big-endian bytes of its two's complement form.
template <std::integral U>
std::string big_endian(U v) {
  using Unsigned = std::make_unsigned_t<U>;
  const auto bits = static_cast<Unsigned>(v);
  std::string out(sizeof(U), '\0');
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    out[i] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * (sizeof(U) - 1 - i))));
  }
  return out;
}

template <class B>
concept ByteLike = std::same_as<std::remove_const_t<B>, std::byte> ||
                   std::same_as<std::remove_const_t<B>, unsigned char> || std::same_as<std::remove_const_t<B>, char>;

inline std::string char_pointer(const char* s) {
  if (s == nullptr) {
    throw std::invalid_argument("null char pointer: pass std::nullopt for a null key or value");
  }
  return std::string(s);
}

}  // namespace detail

template <>
struct Serializer<std::string> {
  static std::string serialize(const std::string& v) { return v; }
};

template <>
struct Serializer<std::string_view> {
  static std::string serialize(std::string_view v) { return std::string(v); }
};

template <>
struct Serializer<const char*> {
  static std::string serialize(const char* v) { return detail::char_pointer(v); }
};

template <>
struct Serializer<char*> {
  static std::string serialize(const char* v) { return detail::char_pointer(v); }
};

template <detail::ByteLike B, class Alloc>
struct Serializer<std::vector<B, Alloc>> {
  static std::string serialize(const std::vector<B, Alloc>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size());
  }
};

template <detail::ByteLike B, std::size_t N>
struct Serializer<std::span<B, N>> {
  static std::string serialize(std::span<B, N> v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }
};

// Java's ShortSerializer / IntegerSerializer / LongSerializer layouts.
// (wchar_t is a signed 4-byte type on Linux but text, not a number.)
template <std::signed_integral T>
  requires(!std::same_as<T, wchar_t> && (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8))
struct Serializer<T> {
  static std::string serialize(T v) { return detail::big_endian(v); }
};

// Java's FloatSerializer / DoubleSerializer layouts (raw IEEE 754 bits).
template <>
struct Serializer<float> {
  static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559);
  static std::string serialize(float v) { return detail::big_endian(std::bit_cast<std::uint32_t>(v)); }
};

template <>
struct Serializer<double> {
  static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559);
  static std::string serialize(double v) { return detail::big_endian(std::bit_cast<std::uint64_t>(v)); }
};

// ------------------------------------------------------------- typed records

// A Record whose key and value are still C++ values. Every member has a
// default initializer, so designated initializers may leave any out
// without -Wmissing-field-initializers:
//   TypedRecord<std::int64_t, std::string>{.topic = "events", .key = 42, .value = "v"}
template <class K, class V>
struct TypedRecord {
  std::string topic{};
  std::optional<std::int32_t> partition{};  // explicit partition wins over the partitioner
  std::optional<K> key{};                   // nullopt = null key
  std::optional<V> value{};                 // nullopt = null value (a tombstone)
  std::vector<Header> headers{};
  std::optional<std::int64_t> timestamp_ms{};  // nullopt = now (CreateTime)
};

namespace detail {

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

// The bytes of one key or value given as `arg`: std::nullopt, an optional,
// a T, or something that converts to T without narrowing (a string literal
// for a std::string key, an int for a std::int64_t key). Throws
// SerializationError wrapping whatever the serializer throws.
template <class T, class S, class A>
std::optional<std::string> serialize_field(const S& serializer, const A& arg, const std::string& topic, bool key) {
  if constexpr (std::is_same_v<A, std::nullopt_t>) {
    return std::nullopt;
  } else if constexpr (is_optional<A>) {
    if (!arg) return std::nullopt;
    return serialize_field<T>(serializer, *arg, topic, key);
  } else {
    try {
      if constexpr (std::is_same_v<A, T>) {
        return std::string(serializer.serialize(arg));
      } else if constexpr (std::is_arithmetic_v<T>) {
        return std::string(serializer.serialize(T{arg}));  // braces: no narrowing
      } else {
        static_assert(std::is_convertible_v<const A&, T>,
                      "this argument does not convert to the TypedProducer's key or value type");
        return std::string(serializer.serialize(static_cast<T>(arg)));
      }
    } catch (const std::exception& e) {
      throw SerializationError(topic, key, e.what());
    } catch (...) {
      throw SerializationError(topic, key, "the serializer threw something that is not a std::exception");
    }
  }
}

// The report for a record that could not be serialized: definitely not sent.
inline DeliveryReport serialization_failure(const SerializationError& e, std::optional<std::int32_t> partition) {
  DeliveryReport r;
  r.topic = e.topic();
  r.partition = partition.value_or(-1);
  r.error = serialization_error_code();
  r.error_message = std::string(e.what()) + ": the record was not sent";
  r.outcome_unknown = false;
  return r;
}

}  // namespace detail

// The bytes Record of `typed`. Throws SerializationError (naming the topic,
// key or value, and the serializer's message) when a serializer throws.
template <class K, class V, class KeySerializer = Serializer<K>, class ValueSerializer = Serializer<V>>
Record to_record(const TypedRecord<K, V>& typed, const KeySerializer& key_serializer = {},
                 const ValueSerializer& value_serializer = {}) {
  static_assert(SerializerFor<KeySerializer, K>,
                "no serializer for the key type: specialise sluice::Serializer<K> (sluice/serializer.hpp) or pass "
                "one");
  static_assert(SerializerFor<ValueSerializer, V>,
                "no serializer for the value type: specialise sluice::Serializer<V> (sluice/serializer.hpp) or pass "
                "one");
  Record r;
  r.key = detail::serialize_field<K>(key_serializer, typed.key, typed.topic, true);
  r.value = detail::serialize_field<V>(value_serializer, typed.value, typed.topic, false);
  r.topic = typed.topic;
  r.partition = typed.partition;
  r.headers = typed.headers;
  r.timestamp_ms = typed.timestamp_ms;
  return r;
}

// The same, moving the topic and headers out of `typed`.
template <class K, class V, class KeySerializer = Serializer<K>, class ValueSerializer = Serializer<V>>
Record to_record(TypedRecord<K, V>&& typed, const KeySerializer& key_serializer = {},
                 const ValueSerializer& value_serializer = {}) {
  static_assert(SerializerFor<KeySerializer, K>,
                "no serializer for the key type: specialise sluice::Serializer<K> (sluice/serializer.hpp) or pass "
                "one");
  static_assert(SerializerFor<ValueSerializer, V>,
                "no serializer for the value type: specialise sluice::Serializer<V> (sluice/serializer.hpp) or pass "
                "one");
  Record r;
  r.key = detail::serialize_field<K>(key_serializer, typed.key, typed.topic, true);
  r.value = detail::serialize_field<V>(value_serializer, typed.value, typed.topic, false);
  r.topic = std::move(typed.topic);
  r.partition = typed.partition;
  r.headers = std::move(typed.headers);
  r.timestamp_ms = typed.timestamp_ms;
  return r;
}

// ------------------------------------------------------------ TypedProducer

// Sends K keys and V values through a Producer it does not own (one
// producer is meant to be shared by many fronts and threads; it must
// outlive this object). Copyable; as thread-safe as its serializers'
// const serialize() (the built-ins are stateless).
template <class K, class V, class KeySerializer = Serializer<K>, class ValueSerializer = Serializer<V>>
class TypedProducer {
  static_assert(SerializerFor<KeySerializer, K>,
                "no serializer for the key type: specialise sluice::Serializer<K> (sluice/serializer.hpp) or pass "
                "one as TypedProducer's third template argument");
  static_assert(SerializerFor<ValueSerializer, V>,
                "no serializer for the value type: specialise sluice::Serializer<V> (sluice/serializer.hpp) or pass "
                "one as TypedProducer's fourth template argument");

 public:
  using record_type = TypedRecord<K, V>;

  explicit TypedProducer(Producer& producer, KeySerializer key_serializer = {}, ValueSerializer value_serializer = {})
      : producer_(&producer), key_(std::move(key_serializer)), value_(std::move(value_serializer)) {}

  // Producer::send() with the record serialized on the calling thread. A
  // serializer that throws: `callback` gets the failure report at once, on
  // this thread (see the top of this file).
  void send(const record_type& record, DeliveryCallback callback) { submit(serialize(record), std::move(callback)); }
  void send(record_type&& record, DeliveryCallback callback) {
    submit(serialize(std::move(record)), std::move(callback));
  }

  // `key` and `value` are each a K (or V), something converting to it
  // without narrowing, a std::optional of it, or std::nullopt for null.
  template <class KeyArg, class ValueArg>
  void send(std::string topic, const KeyArg& key, const ValueArg& value, DeliveryCallback callback) {
    Attempt a;
    try {
      Record r;
      r.key = detail::serialize_field<K>(key_, key, topic, true);
      r.value = detail::serialize_field<V>(value_, value, topic, false);
      r.topic = std::move(topic);
      a.record = std::move(r);
    } catch (const SerializationError& e) {
      a.failure = detail::serialization_failure(e, std::nullopt);
    }
    submit(std::move(a), std::move(callback));
  }

  // The report as a future; a serialization failure is a ready future.
  std::future<DeliveryReport> send(record_type record) {
    Attempt a = serialize(std::move(record));
    if (a.failure) {
      std::promise<DeliveryReport> p;
      p.set_value(std::move(*a.failure));
      return p.get_future();
    }
    return producer_->send(std::move(*a.record));
  }

  // Producer::send_sync(); a serialization failure is returned at once.
  DeliveryReport send_sync(record_type record) {
    Attempt a = serialize(std::move(record));
    if (a.failure) return std::move(*a.failure);
    return producer_->send_sync(std::move(*a.record));
  }

  Producer& producer() const noexcept { return *producer_; }
  const KeySerializer& key_serializer() const noexcept { return key_; }
  const ValueSerializer& value_serializer() const noexcept { return value_; }

 private:
  struct Attempt {
    std::optional<Record> record;           // serialized
    std::optional<DeliveryReport> failure;  // or why not
  };

  template <class R>
  Attempt serialize(R&& record) {
    Attempt a;
    const auto partition = record.partition;
    try {
      a.record = to_record(std::forward<R>(record), key_, value_);
    } catch (const SerializationError& e) {
      a.failure = detail::serialization_failure(e, partition);
    }
    return a;
  }

  void submit(Attempt a, DeliveryCallback callback) {
    if (a.failure) {
      if (callback) callback(*a.failure);
      return;
    }
    producer_->send(std::move(*a.record), std::move(callback));
  }

  Producer* producer_;
  KeySerializer key_;
  ValueSerializer value_;
};

}  // namespace sluice
