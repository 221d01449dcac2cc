#include "sluice/protocol/buffer_reader.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"

using namespace sluice::protocol;

TEST_CASE("primitives round-trip through writer and reader") {
  Bytes buf;
  BufferWriter w(buf);
  w.int8(-5);
  w.int16(-2);
  w.int32(0x12345678);
  w.int64(-1234567890123LL);
  w.boolean(true);
  w.varint(-1);
  w.varint(INT32_MIN);
  w.varlong(INT64_MAX);
  w.uvarint(300);
  w.string("abc", false);
  w.string("xyz", true);
  w.nullable_string(std::nullopt, false);
  w.nullable_string(std::nullopt, true);
  BufferReader r(buf);
  CHECK(r.int8("a") == -5);
  CHECK(r.int16("b") == -2);
  CHECK(r.int32("c") == 0x12345678);
  CHECK(r.int64("d") == -1234567890123LL);
  CHECK(r.boolean("e"));
  CHECK(r.varint("f") == -1);
  CHECK(r.varint("g") == INT32_MIN);
  CHECK(r.varlong("h") == INT64_MAX);
  CHECK(r.uvarint("i") == 300);
  CHECK(r.string("j", false) == "abc");
  CHECK(r.string("k", true) == "xyz");
  CHECK_FALSE(r.nullable_string("l", false).has_value());
  CHECK_FALSE(r.nullable_string("m", true).has_value());
  CHECK(r.ok());
  CHECK(r.at_end());
}

TEST_CASE("int16 big-endian and zigzag varint byte layout") {
  Bytes buf;
  BufferWriter w(buf);
  w.int16(0x0102);
  w.varint(1);   // zigzag 2
  w.varint(-1);  // zigzag 1
  w.varint(64);  // zigzag 128 -> 0x80 0x01
  CHECK(buf == Bytes{0x01, 0x02, 0x02, 0x01, 0x80, 0x01});
}

TEST_CASE("truncated read names the field and offset, and sticks") {
  Bytes buf{0x00, 0x01, 0x02};
  BufferReader r(buf);
  r.int16("First");
  r.int32("Second");
  r.int8("Third");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == codec_errc::truncated);
  CHECK(std::string(r.error().field) == "Second");
  CHECK(r.error().offset == 2);
}

TEST_CASE("a string length past the end is rejected before allocation") {
  Bytes buf{0x7f, 0xff, 'a'};
  BufferReader r(buf);
  r.string("Name", false);
  CHECK(r.error().code == codec_errc::length_too_large);
}

TEST_CASE("negative lengths other than -1 are errors, -1 on a non-nullable string is an error") {
  Bytes buf{0xff, 0xfe};
  BufferReader r(buf);
  r.nullable_string("Name", false);
  CHECK(r.error().code == codec_errc::negative_length);
  Bytes nul{0xff, 0xff};
  BufferReader r2(nul);
  r2.string("Name", false);
  CHECK(r2.error().code == codec_errc::negative_length);
}

TEST_CASE("varints longer than their type are rejected") {
  Bytes five{0xff, 0xff, 0xff, 0xff, 0x7f};  // 5th byte carries more than 4 bits
  BufferReader r(five);
  r.uvarint("V");
  CHECK(r.error().code == codec_errc::varint_too_long);
  Bytes eleven(11, 0xff);
  BufferReader r2(eleven);
  r2.uvarint64("V");
  CHECK(r2.error().code == codec_errc::varint_too_long);
}

TEST_CASE("array counts larger than the remaining bytes can hold are rejected") {
  Bytes buf{0x00, 0x0f, 0x42, 0x40, 0, 0, 0, 0};  // 1,000,000 elements, 4 bytes left
  BufferReader r(buf);
  r.array_length("Topics", false, 4);
  CHECK(r.error().code == codec_errc::length_too_large);
  CHECK(std::string(r.error().field) == "Topics");
}

TEST_CASE("unknown tagged fields are skipped") {
  Bytes buf;
  BufferWriter w(buf);
  w.uvarint(2);  // two fields
  w.uvarint(7);
  w.uvarint(3);
  w.raw(std::string_view("abc"));
  w.uvarint(1);
  w.uvarint(4);
  w.int32(42);
  w.int8(9);  // after the section
  BufferReader r(buf);
  std::int32_t seen = 0;
  r.tagged_fields("Tags", [&](std::uint32_t tag, BufferReader& f) {
    if (tag == 1) seen = f.int32("Tag1");
  });
  CHECK(r.ok());
  CHECK(seen == 42);
  CHECK(r.int8("After") == 9);
}
