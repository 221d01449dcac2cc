// The five std::error_category implementations (codec, kafka, net, sasl,
// producer) share one template (protocol/error_category.hpp). What callers
// rely on must not move with it: each category is one object, whatever
// library asks for it (error_code compares categories by address), the five
// are distinct, and their names and messages read as before.
#include <catch2/catch.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace {

std::vector<const std::error_category*> all_categories() {
  return {&sluice::protocol::codec_category(), &sluice::protocol::kafka_category(), &sluice::net::net_category(),
          &sluice::net::sasl_category(), &sluice::producer_category()};
}

}  // namespace

TEST_CASE("each error category is one object, distinct from the other four") {
  const auto first = all_categories();
  const auto again = all_categories();
  REQUIRE(first.size() == 5);
  for (std::size_t i = 0; i < first.size(); ++i) {
    INFO(first[i]->name());
    CHECK(first[i] == again[i]);
    for (std::size_t j = i + 1; j < first.size(); ++j) {
      CHECK(first[i] != first[j]);
      CHECK(*first[i] != *first[j]);
      // The same value in two categories is two different errors.
      CHECK(std::error_code(1, *first[i]) != std::error_code(1, *first[j]));
    }
  }
  // The enums' implicit conversions land in the very objects above.
  CHECK(&std::error_code(sluice::protocol::codec_errc::truncated).category() == first[0]);
  CHECK(&std::error_code(sluice::protocol::kafka_errc::not_leader_or_follower).category() == first[1]);
  CHECK(&std::error_code(sluice::net::net_errc::request_timeout).category() == first[2]);
  CHECK(&std::error_code(sluice::net::sasl_errc::nonce_mismatch).category() == first[3]);
  CHECK(&std::error_code(sluice::errc::queue_full).category() == first[4]);
}

TEST_CASE("error category names and messages are unchanged") {
  using sluice::protocol::codec_category;
  using sluice::protocol::kafka_category;
  CHECK(std::string(codec_category().name()) == "sluice.codec");
  CHECK(std::string(kafka_category().name()) == "kafka");
  CHECK(std::string(sluice::net::net_category().name()) == "sluice.net");
  CHECK(std::string(sluice::net::sasl_category().name()) == "sluice.sasl");
  CHECK(std::string(sluice::producer_category().name()) == "sluice.producer");

  CHECK(make_error_code(sluice::protocol::codec_errc::crc_mismatch).message() == "CRC-32C mismatch");
  CHECK(codec_category().message(999) == "unknown codec error");
  CHECK(kafka_category().message(-1000).find("(code -1000)") != std::string::npos);
  CHECK(make_error_code(sluice::net::net_errc::connect_timeout).message() == "connection attempt timed out");
  CHECK(sluice::net::net_category().message(999) == "unknown network error");
  CHECK(make_error_code(sluice::net::sasl_errc::unexpected_message).message() == "SASL message out of turn");
  CHECK(sluice::net::sasl_category().message(999) == "unknown SASL error");
  CHECK(make_error_code(sluice::errc::closed).message() == "producer is closed");
  CHECK(sluice::producer_category().message(999) == "unknown producer error");
}

TEST_CASE("the public API names each category reports carry: the very objects inside") {
  // sluice/errors.hpp: what an application compares a report's category with.
  CHECK(&sluice::kafka_error_category() == &sluice::protocol::kafka_category());
  CHECK(&sluice::network_error_category() == &sluice::net::net_category());
  CHECK(&sluice::sasl_error_category() == &sluice::net::sasl_category());
  CHECK(&sluice::codec_error_category() == &sluice::protocol::codec_category());
  const std::error_code denied(29, sluice::kafka_error_category());
  CHECK(denied == std::error_code(sluice::protocol::kafka_errc::topic_authorization_failed));
}
