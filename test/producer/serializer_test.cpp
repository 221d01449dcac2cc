// sluice/serializer.hpp: the built-ins' byte layouts (Java's serializers'),
// user serializers, null keys and values, and a serializer that throws.
#include "sluice/serializer.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

std::string bytes(std::initializer_list<unsigned> list) {
  std::string s;
  for (unsigned b : list) s.push_back(static_cast<char>(static_cast<unsigned char>(b)));
  return s;
}

template <class T>
std::string ser(const T& v) {
  return sluice::Serializer<T>::serialize(v);
}

struct Point {
  std::int32_t x = 0;
  std::int32_t y = 0;
};

struct Unsupported {};

// A serializer that throws on negative values: stands for a schema check.
struct PickySerializer {
  std::string serialize(std::int64_t v) const {
    if (v < 0) throw std::domain_error("negative ids are not allowed");
    return sluice::Serializer<std::int64_t>::serialize(v);
  }
};

// A stateful serializer: a prefix chosen at run time.
struct PrefixSerializer {
  std::string prefix;
  std::string serialize(const std::string& v) const { return prefix + v; }
};

// A producer that never reaches a broker: records that get past
// serialization wait for metadata; nothing here waits for them.
sluice::Config unreachable() {
  return sluice::Config::from_map({{"bootstrap.servers", "127.0.0.1:1"},
                                   {"max.block.ms", "200"},
                                   {"linger.ms", "0"},
                                   {"request.timeout.ms", "100"},
                                   {"delivery.timeout.ms", "300"}});
}

}  // namespace

template <>
struct sluice::Serializer<Point> {
  static std::string serialize(const Point& p) { return std::to_string(p.x) + "," + std::to_string(p.y); }
};

static_assert(sluice::SerializerFor<sluice::Serializer<std::int64_t>, std::int64_t>);
static_assert(sluice::SerializerFor<sluice::Serializer<Point>, Point>);
static_assert(sluice::SerializerFor<PrefixSerializer, std::string>);
static_assert(!sluice::SerializerFor<sluice::Serializer<std::uint32_t>, std::uint32_t>, "no unsigned built-in");
static_assert(!sluice::SerializerFor<sluice::Serializer<bool>, bool>, "no bool built-in");
static_assert(!sluice::SerializerFor<sluice::Serializer<char>, char>, "no single-char built-in");
static_assert(!sluice::SerializerFor<sluice::Serializer<Unsupported>, Unsupported>);

TEST_CASE("strings serialize to their bytes") {
  const std::string binary("a\0\xff", 3);
  CHECK(ser(binary) == binary);
  CHECK(ser(std::string_view(binary)) == binary);
  const char* text = "h\xc3\xa9llo";
  CHECK(ser(text) == "h\xc3\xa9llo");
  CHECK(ser(std::string()) == "");
}

TEST_CASE("a null char pointer throws and says to use nullopt") {
  const char* null = nullptr;
  try {
    (void)ser(null);
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("std::nullopt") != std::string::npos);
  }
}

TEST_CASE("byte vectors and spans serialize to their bytes") {
  const std::vector<std::uint8_t> u8{0x00, 0x7f, 0x80, 0xff};
  CHECK(ser(u8) == bytes({0x00, 0x7f, 0x80, 0xff}));
  const std::vector<std::byte> b{std::byte{0xde}, std::byte{0x00}, std::byte{0xad}};
  CHECK(ser(b) == bytes({0xde, 0x00, 0xad}));
  CHECK(ser(std::span<const std::byte>(b)) == bytes({0xde, 0x00, 0xad}));
  CHECK(ser(std::span<const std::byte>(b).subspan(1)) == bytes({0x00, 0xad}));
  CHECK(ser(std::span<const std::uint8_t, 4>(u8.data(), 4)) == bytes({0x00, 0x7f, 0x80, 0xff}));
  CHECK(ser(std::vector<std::uint8_t>{}) == "");
}

TEST_CASE("int32 is 4 bytes big-endian like Java IntegerSerializer") {
  CHECK(ser(std::int32_t{1}) == bytes({0, 0, 0, 1}));
  CHECK(ser(std::int32_t{0x01020304}) == bytes({1, 2, 3, 4}));
  CHECK(ser(std::int32_t{-1}) == bytes({0xff, 0xff, 0xff, 0xff}));
  CHECK(ser(std::int32_t{-2}) == bytes({0xff, 0xff, 0xff, 0xfe}));
  CHECK(ser(std::numeric_limits<std::int32_t>::min()) == bytes({0x80, 0, 0, 0}));
  CHECK(ser(std::numeric_limits<std::int32_t>::max()) == bytes({0x7f, 0xff, 0xff, 0xff}));
}

TEST_CASE("int64 is 8 bytes big-endian like Java LongSerializer") {
  CHECK(ser(std::int64_t{0x0102030405060708}) == bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  CHECK(ser(std::int64_t{-2}) == bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));
  CHECK(ser(std::numeric_limits<std::int64_t>::min()) == bytes({0x80, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(ser(0LL) == bytes({0, 0, 0, 0, 0, 0, 0, 0}));  // long long: same width, same layout
}

TEST_CASE("int16 float and double follow Java's layouts") {
  CHECK(ser(std::int16_t{0x0102}) == bytes({1, 2}));
  CHECK(ser(std::int16_t{-1}) == bytes({0xff, 0xff}));
  CHECK(ser(1.0f) == bytes({0x3f, 0x80, 0x00, 0x00}));
  CHECK(ser(-2.5f) == bytes({0xc0, 0x20, 0x00, 0x00}));
  CHECK(ser(1.0) == bytes({0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));
  CHECK(ser(0.1) == bytes({0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}));
}

TEST_CASE("a user specialisation is used by to_record") {
  sluice::TypedRecord<Point, std::int32_t> typed{"points", 3, Point{1, -2}, 7, {{"h", "v"}}, 1234};
  const sluice::Record r = sluice::to_record(typed);
  CHECK(r.topic == "points");
  CHECK(r.partition == 3);
  CHECK(r.key == std::optional<std::string>("1,-2"));
  CHECK(r.value == std::optional<std::string>(bytes({0, 0, 0, 7})));
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].key == "h");
  CHECK(r.timestamp_ms == 1234);
  CHECK(typed.topic == "points");  // the const overload leaves its input alone
}

TEST_CASE("nullopt keys and values stay null") {
  sluice::TypedRecord<std::int64_t, std::string> typed;
  typed.topic = "t";
  typed.value = "v";
  sluice::Record r = sluice::to_record(std::move(typed));
  CHECK_FALSE(r.key.has_value());
  CHECK(r.value == std::optional<std::string>("v"));

  // Designated initializers may leave members out (they all default).
  const sluice::TypedRecord<std::int64_t, std::string> tombstone{.topic = "t", .key = 5};
  r = sluice::to_record(tombstone);
  CHECK(r.key == std::optional<std::string>(bytes({0, 0, 0, 0, 0, 0, 0, 5})));
  CHECK_FALSE(r.value.has_value());
}

TEST_CASE("stateful serializers are passed as objects") {
  sluice::TypedRecord<std::string, std::string> typed{"t", {}, "k", "v", {}, {}};
  const sluice::Record r = sluice::to_record(typed, PrefixSerializer{"key:"}, PrefixSerializer{"value:"});
  CHECK(r.key == std::optional<std::string>("key:k"));
  CHECK(r.value == std::optional<std::string>("value:v"));
}

TEST_CASE("to_record wraps a serializer's exception") {
  sluice::TypedRecord<std::int64_t, std::string> typed{"ids", {}, -5, "v", {}, {}};
  try {
    (void)sluice::to_record(typed, PickySerializer{});
    FAIL("expected SerializationError");
  } catch (const sluice::SerializationError& e) {
    CHECK(e.topic() == "ids");
    CHECK(e.key());
    const std::string what = e.what();
    CHECK(what.find("'ids'") != std::string::npos);
    CHECK(what.find("key") != std::string::npos);
    CHECK(what.find("negative ids are not allowed") != std::string::npos);
  }
}

TEST_CASE("a throwing serializer fails the record through its callback") {
  sluice::Producer producer(unreachable());
  sluice::TypedProducer<std::int64_t, std::string, PickySerializer> typed(producer);

  int calls = 0;
  sluice::DeliveryReport report;
  std::thread::id thread;
  typed.send(sluice::TypedRecord<std::int64_t, std::string>{"ids", 2, -1, "v", {}, {}},
             [&](const sluice::DeliveryReport& r) {
               ++calls;
               report = r;
               thread = std::this_thread::get_id();
             });
  // Delivered before send() returned, on this thread.
  REQUIRE(calls == 1);
  CHECK(thread == std::this_thread::get_id());
  CHECK(report.error == sluice::serialization_error_code());
  CHECK(report.error == sluice::errc::serialization_failed);
  CHECK_FALSE(report.outcome_unknown);
  CHECK(report.topic == "ids");
  CHECK(report.partition == 2);
  CHECK(report.error_message.find("'ids'") != std::string::npos);
  CHECK(report.error_message.find("negative ids are not allowed") != std::string::npos);
  CHECK(report.error_message.find("not sent") != std::string::npos);

  // The future and sync forms answer at once too.
  auto future = typed.send(sluice::TypedRecord<std::int64_t, std::string>{"ids", {}, -1, "v", {}, {}});
  REQUIRE(future.wait_for(0s) == std::future_status::ready);
  CHECK(future.get().error == sluice::serialization_error_code());
  const auto sync = typed.send_sync(sluice::TypedRecord<std::int64_t, std::string>{"ids", {}, -1, "v", {}, {}});
  CHECK(sync.error == sluice::serialization_error_code());
  CHECK(sync.error_message.find("negative ids") != std::string::npos);

  // The positional form, with a throwing value serializer this time.
  struct Boom {
    std::string serialize(const std::string&) const { throw 42; }  // not a std::exception
  };
  sluice::TypedProducer<std::int64_t, std::string, sluice::Serializer<std::int64_t>, Boom> boom(producer);
  calls = 0;
  boom.send("events", std::int64_t{1}, "v", [&](const sluice::DeliveryReport& r) {
    ++calls;
    report = r;
  });
  REQUIRE(calls == 1);
  CHECK(report.error == sluice::serialization_error_code());
  CHECK(report.error_message.find("value of a record for topic 'events'") != std::string::npos);
  CHECK(report.error_message.find("not a std::exception") != std::string::npos);
}

TEST_CASE("typed records reach Producer::send") {
  // A closed producer refuses every record at once with errc::closed: that
  // report proves the serialized record got to the producer.
  sluice::Producer producer(unreachable());
  producer.close(0ms);
  sluice::TypedProducer<std::int64_t, std::string> typed(producer);
  std::vector<sluice::DeliveryReport> reports;
  auto keep = [&](const sluice::DeliveryReport& r) { reports.push_back(r); };
  typed.send(sluice::TypedRecord<std::int64_t, std::string>{"a", {}, 1, "v", {}, {}}, keep);
  typed.send("b", 42, "literal converts to std::string", keep);  // int widens to int64
  typed.send("c", std::nullopt, std::optional<std::string>{}, keep);
  typed.send("d", std::optional<std::int64_t>(7), std::nullopt, keep);
  REQUIRE(reports.size() == 4);
  for (const auto& r : reports) {
    INFO(r.topic << ": " << r.error_message);
    CHECK(r.error == sluice::errc::closed);
  }
  CHECK(reports[1].topic == "b");
  CHECK(typed.send_sync(sluice::TypedRecord<std::int64_t, std::string>{"e", {}, 1, "v", {}, {}}).error ==
        sluice::errc::closed);
}
