#include "sluice/net/frame_decoder.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sluice/net/net_error.hpp"

using sluice::net::FrameDecoder;

namespace {

std::vector<std::uint8_t> frame(const std::string& body) {
  std::vector<std::uint8_t> f;
  auto n = static_cast<std::uint32_t>(body.size());
  f.push_back(static_cast<std::uint8_t>(n >> 24));
  f.push_back(static_cast<std::uint8_t>(n >> 16));
  f.push_back(static_cast<std::uint8_t>(n >> 8));
  f.push_back(static_cast<std::uint8_t>(n));
  f.insert(f.end(), body.begin(), body.end());
  return f;
}

}  // namespace

TEST_CASE("frames split at every byte boundary come out whole and in order") {
  std::vector<std::uint8_t> stream;
  const std::vector<std::string> bodies{"first", "", "a longer third frame body", std::string(300, 'z')};
  for (const auto& b : bodies) {
    auto f = frame(b);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    for (std::size_t split2 = split; split2 <= stream.size(); split2 += 7) {
      FrameDecoder d(1 << 20);
      std::vector<std::string> out;
      auto on = [&](std::span<const std::uint8_t> f) { out.emplace_back(f.begin(), f.end()); };
      std::span<const std::uint8_t> all(stream);
      REQUIRE_FALSE(d.feed(all.subspan(0, split), on));
      REQUIRE_FALSE(d.feed(all.subspan(split, split2 - split), on));
      REQUIRE_FALSE(d.feed(all.subspan(split2), on));
      REQUIRE(out == bodies);
      REQUIRE(d.buffered() == 0);
    }
  }
}

TEST_CASE("one byte at a time") {
  auto f = frame("hello");
  FrameDecoder d(1024);
  std::vector<std::string> out;
  for (auto b : f) {
    REQUIRE_FALSE(d.feed(std::span<const std::uint8_t>(&b, 1),
                         [&](std::span<const std::uint8_t> x) { out.emplace_back(x.begin(), x.end()); }));
  }
  REQUIRE(out == std::vector<std::string>{"hello"});
}

TEST_CASE("a frame over the maximum is an error before any allocation") {
  std::vector<std::uint8_t> huge{0x7f, 0xff, 0xff, 0xff};  // ~2 GiB
  FrameDecoder d(100u << 20);
  auto ec = d.feed(huge, [](std::span<const std::uint8_t>) { FAIL("no frame expected"); });
  CHECK(ec == sluice::net::net_errc::frame_too_large);
  CHECK(d.buffered() <= 4);
}

TEST_CASE("a negative frame size is a protocol error") {
  std::vector<std::uint8_t> neg{0xff, 0xff, 0xff, 0xfe, 1, 2};
  FrameDecoder d(1024);
  CHECK(d.feed(neg, [](std::span<const std::uint8_t>) {}) == sluice::net::net_errc::protocol_error);
}

TEST_CASE("next_frame hands out one frame a call, each valid until the next call") {
  auto stream = frame("one");
  auto two = frame("two");
  stream.insert(stream.end(), two.begin(), two.end());
  // Split inside "two": the first comes from the data in place, the second
  // from the decoder's own buffer once its last byte arrives.
  const std::size_t split = stream.size() - 1;
  FrameDecoder d(1024);
  std::span<const std::uint8_t> data(stream.data(), split);
  std::optional<std::span<const std::uint8_t>> f;
  REQUIRE_FALSE(d.next_frame(data, f));
  REQUIRE(f);
  CHECK(std::string(f->begin(), f->end()) == "one");
  CHECK(data.size() == two.size() - 1);  // the rest not consumed yet
  REQUIRE_FALSE(d.next_frame(data, f));
  CHECK_FALSE(f);  // "tw" buffered, the data used up
  CHECK(data.empty());
  CHECK(d.buffered() == two.size() - 1);
  std::span<const std::uint8_t> last(stream.data() + split, 1);
  REQUIRE_FALSE(d.next_frame(last, f));
  REQUIRE(f);
  CHECK(std::string(f->begin(), f->end()) == "two");
  CHECK(d.buffered() == 0);  // handed out: nothing partial is held
  std::span<const std::uint8_t> none;
  REQUIRE_FALSE(d.next_frame(none, f));
  CHECK_FALSE(f);
}
