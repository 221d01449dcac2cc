#include "sluice/net/metadata_cache.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

#include "fuzz/metadata_cache_target.hpp"

using namespace sluice;
using protocol::MetadataResponse;

namespace {

MetadataResponse response(std::int32_t leader, std::int32_t epoch, std::size_t partitions) {
  MetadataResponse m;
  m.brokers = {{1, "h1", 9091, std::nullopt}, {2, "h2", 9092, std::nullopt}};
  MetadataResponse::Topic t;
  t.name = "t";
  for (std::size_t i = 0; i < partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = static_cast<std::int32_t>(i);
    p.leader_id = leader;
    p.leader_epoch = epoch;
    t.partitions.push_back(p);
  }
  m.topics.push_back(t);
  return m;
}

}  // namespace

TEST_CASE("metadata: brokers and leaders are cached, partitions only grow") {
  net::MetadataCache c;
  c.update(response(1, 5, 2));
  REQUIRE(c.topic("t") != nullptr);
  CHECK(c.topic("t")->partitions.size() == 2);
  CHECK(c.broker(2)->to_string() == "h2:9092");
  c.update(response(2, 6, 4));
  CHECK(c.topic("t")->partitions.size() == 4);
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  c.update(response(2, 6, 1));  // a stale answer listing fewer partitions
  CHECK(c.topic("t")->partitions.size() == 4);
  CHECK(c.topic("unknown") == nullptr);
}

TEST_CASE("metadata: an older leader epoch never overwrites a newer one") {
  net::MetadataCache c;
  c.update(response(2, 7, 1));
  c.update(response(1, 6, 1));
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  CHECK(c.topic("t")->partitions[0].leader_epoch == 7);
}

TEST_CASE("metadata: KIP-951 leader hints apply only when newer, with new endpoints") {
  net::MetadataCache c;
  c.update(response(1, 5, 1));
  std::vector<protocol::ProduceResponse::NodeEndpoint> endpoints{{3, "h3", 9093, std::nullopt}};
  CHECK_FALSE(c.apply_leader_hint("t", 0, 2, 5, {}));          // same epoch: ignored
  CHECK_FALSE(c.apply_leader_hint("t", 0, 4, 9, {}));          // unknown broker, no endpoint
  CHECK(c.apply_leader_hint("t", 0, 3, 6, endpoints));         // newer, endpoint given
  CHECK(c.topic("t")->partitions[0].leader_id == 3);
  CHECK(c.broker(3)->to_string() == "h3:9093");
  CHECK_FALSE(c.apply_leader_hint("t", 7, 1, 99, {}));         // no such partition
  CHECK_FALSE(c.apply_leader_hint("other", 0, 1, 99, {}));     // no such topic
}

namespace {

protocol::Uuid id(std::uint8_t b) {
  protocol::Uuid u;
  u.bytes[15] = b;
  return u;
}

MetadataResponse with_id(MetadataResponse m, protocol::Uuid topic_id) {
  for (auto& t : m.topics) t.topic_id = topic_id;
  return m;
}

}  // namespace

// Defect 6: the index was used to size the partition vector before it was
// checked, so INT32_MIN threw length_error and INT32_MAX asked for 24 GiB.
TEST_CASE("metadata: a partition list that is not 0..n-1 once each is refused, the cached entry kept") {
  const std::int32_t bad_indexes[] = {INT32_MIN, -1, INT32_MAX, 2 /* a gap: 0 and 2 of 2 */, 0 /* a duplicate */};
  for (std::int32_t bad : bad_indexes) {
    INFO("second partition's index " << bad);
    net::MetadataCache c;
    c.update(response(1, 5, 3));
    MetadataResponse m = response(2, 6, 2);
    m.topics[0].partitions[1].partition_index = bad;
    net::MetadataRejects rejects;
    CHECK_NOTHROW(rejects = c.update(m));
    CHECK(rejects.topics == std::vector<std::string>{"t"});
    CHECK(rejects.brokers.empty());
    REQUIRE(c.topic("t") != nullptr);
    CHECK(c.topic("t")->partitions.size() == 3);
    CHECK(c.topic("t")->partitions[0].leader_id == 1);  // nothing of the refused entry applied
    CHECK(c.topic("t")->partitions[0].leader_epoch == 5);
    // The same list for a topic not cached yet leaves it unknown.
    net::MetadataCache fresh;
    CHECK_NOTHROW(fresh.update(m));
    CHECK(fresh.topic("t") == nullptr);
    CHECK(fresh.broker(2).has_value());  // the brokers of the answer still count
  }
}

TEST_CASE("metadata: a broker port outside 0..65535 makes that broker unknown, not a wrapped port") {
  for (std::int32_t port : {-1, 65536, 70000, INT32_MIN}) {
    INFO("port " << port);
    net::MetadataCache c;
    MetadataResponse m = response(1, 5, 1);
    m.brokers[1].port = port;
    const net::MetadataRejects rejects = c.update(m);
    CHECK(rejects.brokers == std::vector<std::int32_t>{2});
    CHECK(rejects.topics.empty());
    CHECK_FALSE(c.broker(2).has_value());
    CHECK(c.broker(1)->to_string() == "h1:9091");
    // A leader hint naming an endpoint with such a port is not applied,
    // and forgets what the cache held for that broker.
    net::MetadataCache h;
    h.update(response(1, 5, 1));
    std::vector<protocol::ProduceResponse::NodeEndpoint> endpoints{{1, "h1-moved", port, std::nullopt}};
    CHECK_FALSE(h.apply_leader_hint("t", 0, 1, 6, endpoints));
    CHECK_FALSE(h.broker(1).has_value());
    CHECK(h.topic("t")->partitions[0].leader_epoch == 5);
  }
  net::MetadataCache edge;
  MetadataResponse m = response(1, 5, 1);
  m.brokers[0].port = 65535;
  CHECK(edge.update(m).empty());
  CHECK(edge.broker(1)->port == 65535);
}

// Defect 3: a topic deleted and created again under the same name has a new
// topic id and starts its leader epochs again; the old epochs hid the new
// leaders and the old partition count stayed forever.
TEST_CASE("metadata: a new topic id replaces the topic's partitions and epochs") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 6), id(1)));
  c.update(with_id(response(2, 0, 3), id(2)));
  const net::TopicInfo* t = c.topic("t");
  REQUIRE(t != nullptr);
  CHECK(t->topic_id == id(2));
  REQUIRE(t->partitions.size() == 3);
  CHECK(t->partitions[0].leader_id == 2);
  CHECK(t->partitions[0].leader_epoch == 0);
  // The same id again: an older answer neither shrinks nor rolls epochs back.
  c.update(with_id(response(1, 0, 1), id(2)));
  c.update(with_id(response(2, 1, 2), id(2)));
  CHECK(c.topic("t")->partitions.size() == 3);
  c.update(with_id(response(1, 0, 1), id(2)));
  CHECK(c.topic("t")->partitions[0].leader_epoch == 1);
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
}

TEST_CASE("metadata: a deletion seen in between (an error without an id) does not hide the recreate") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 6), id(1)));
  MetadataResponse gone = response(1, 10, 0);
  gone.topics[0].error_code = 3;  // UNKNOWN_TOPIC_OR_PARTITION, topic id zero
  c.update(gone);
  CHECK(c.topic("t")->error_code == 3);
  CHECK(c.topic("t")->topic_id == id(1));  // zero says nothing about the id
  c.update(with_id(response(2, 0, 3), id(2)));
  const net::TopicInfo* t = c.topic("t");
  CHECK(t->error_code == 0);
  CHECK(t->topic_id == id(2));
  REQUIRE(t->partitions.size() == 3);
  CHECK(t->partitions[2].leader_id == 2);
  CHECK(t->partitions[2].leader_epoch == 0);
}

TEST_CASE("metadata: without topic ids (Metadata before v10) partitions only grow, as before") {
  net::MetadataCache c;
  c.update(response(1, 10, 6));
  c.update(response(2, 0, 3));
  CHECK(c.topic("t")->partitions.size() == 6);
  CHECK(c.topic("t")->partitions[0].leader_id == 1);
  // An id learned after answers without one is not a recreate either.
  c.update(with_id(response(2, 0, 3), id(7)));
  CHECK(c.topic("t")->partitions.size() == 6);
  CHECK(c.topic("t")->topic_id == id(7));
}

TEST_CASE("metadata: a leader hint about the topic before its recreate is not applied to the new one") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 1), id(1)));
  c.update(with_id(response(2, 0, 1), id(2)));
  // A Produce answer for a batch sent to the old topic, read after the
  // Metadata answer: its epoch 11 is the old topic's.
  CHECK_FALSE(c.apply_leader_hint("t", 0, 1, 11, {}, id(1)));
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  CHECK(c.apply_leader_hint("t", 0, 1, 1, {}, id(2)));
  CHECK(c.apply_leader_hint("t", 0, 2, 2, {}));  // sent without an id (Produce before v13 over v<10 metadata)
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
}

// The metadata_cache fuzz target's inputs, replayed through its body and
// invariant checks (test/fuzz/metadata_cache_target.hpp): regressions/ holds
// the answers that crashed the cache (INT32_MIN and INT32_MAX partition
// indexes, a port of -1). Then, as the fuzzer would but in every build,
// mutations of the seeds with a fixed seed.
namespace {

std::filesystem::path fuzz_dir() {
#ifdef SLUICE_FUZZ_DIR
  return SLUICE_FUZZ_DIR;
#else
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz";
#endif
}

[[noreturn]] void throw_hook(const std::string& message) { throw std::runtime_error(message); }

std::vector<std::vector<std::uint8_t>> inputs(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(fuzz_dir() / kind / "metadata_cache")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

}  // namespace

TEST_CASE("metadata: the metadata_cache fuzz corpus and regressions replay cleanly") {
  sluice::fuzz::failure_hook() = throw_hook;
  for (const char* kind : {"regressions", "corpus"}) {
    const auto all = inputs(kind);
    CHECK(all.size() >= 3);
    for (std::size_t i = 0; i < all.size(); ++i) {
      INFO(kind << " input #" << i);
      sluice::fuzz::Outcome o = sluice::fuzz::Outcome::skipped;
      REQUIRE_NOTHROW(o = sluice::fuzz::run_metadata_cache(all[i]));
      CHECK(o == sluice::fuzz::Outcome::decoded);
    }
  }
}

TEST_CASE("metadata: mutated Metadata and Produce answers never break the cache (fixed seed)") {
  sluice::fuzz::failure_hook() = throw_hook;
  const auto seeds = inputs("corpus");
  REQUIRE_FALSE(seeds.empty());
  std::mt19937 rng(20240611);
  std::size_t decoded = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<std::uint8_t> in = seeds[rng() % seeds.size()];
    // Mostly overwrite bytes after the first message header (lengths, ids,
    // indexes, ports); sometimes with 0x00/0x7f/0x80/0xff, int32 extremes.
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = 3 + rng() % (in.size() - 3);
      static constexpr std::uint8_t kEdge[] = {0x00, 0x7f, 0x80, 0xff};
      in[at] = rng() % 2 == 0 ? kEdge[rng() % 4] : static_cast<std::uint8_t>(rng());
    }
    INFO("round " << round);
    sluice::fuzz::Outcome o = sluice::fuzz::Outcome::skipped;
    REQUIRE_NOTHROW(o = sluice::fuzz::run_metadata_cache(in));
    decoded += o == sluice::fuzz::Outcome::decoded;
  }
  CHECK(decoded > 1000);  // the mutations mostly still decode: the cache, not the decoder, is exercised
}
