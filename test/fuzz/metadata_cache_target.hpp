#pragma once
// The metadata_cache fuzz target: decoded Metadata answers fed to
// net::MetadataCache::update, and the leader hints of decoded Produce
// answers to apply_leader_hint, as the producer's I/O thread does.
//
// MetadataCache needs no Asio (net/src/metadata_cache.cpp and
// broker_address.cpp use only the standard library and protocol/), so the
// clang fuzz build compiles those two files into fuzz_metadata_cache. The
// replay of corpus/ and regressions/metadata_cache runs in the normal build
// in test/net/metadata_cache_test.cpp (protocol_fuzz_regressions_test links
// protocol only and skips this target).
//
// Input layout: messages, each
//   [kind] [length int16 BE] body   (a shorter rest is the body)
//   kind bit 0 clear: a Metadata response, set: a Produce response; the
//   version is pick_version(kind >> 1, max) as in the message targets.
// Bodies that do not decode are skipped (the metadata and produce targets
// fuzz the decoders).
//
// Invariants, besides "no crash, no exception, no sanitizer report":
// - no topic holds more partitions than an answer ever listed for it
//   (nothing is sized by an index from the wire);
// - every cached broker's port is one an answer or endpoint gave for that
//   node as an int32 (no wrapped port);
// - update() reports exactly the topics whose partitions are not 0..n-1
//   once each and the brokers whose port is outside 0..65535;
// - a leader hint that reports success is what the cache then holds, and
//   its leader has an address.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "fuzz_targets.hpp"
#include "sluice/net/metadata_cache.hpp"

namespace sluice::fuzz {

namespace metadata_cache_detail {

inline bool is_zero_to_n(const std::vector<p::MetadataResponse::Partition>& ps) {
  std::vector<std::int64_t> idx;
  for (const auto& x : ps) idx.push_back(x.partition_index);
  std::sort(idx.begin(), idx.end());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if (idx[i] != static_cast<std::int64_t>(i)) return false;
  }
  return true;
}

inline bool port_ok(std::int32_t port) { return port >= 0 && port <= 65535; }

struct State {
  net::MetadataCache cache;
  std::map<std::string, std::size_t> most_listed;  // per topic name
  std::set<std::tuple<std::int32_t, std::string, std::int32_t>> addresses;  // node, host, port as sent
  std::set<std::string> names;  // every topic name seen
  std::string first_name;       // the first of them
};

inline void check_cache(const State& s, const char* target) {
  for (const auto& name : s.names) {
    const net::TopicInfo* t = s.cache.topic(name);
    if (t == nullptr) continue;
    auto it = s.most_listed.find(name);
    const std::size_t most = it == s.most_listed.end() ? 0 : it->second;
    if (t->partitions.size() > most) {
      fail(target, "topic '" + name + "' holds " + std::to_string(t->partitions.size()) +
                       " partitions, more than any answer listed (" + std::to_string(most) + ")");
    }
  }
  for (const auto& [id, address] : s.cache.brokers()) {
    if (s.addresses.count({id, address.host, static_cast<std::int32_t>(address.port)}) == 0) {
      fail(target, "broker " + std::to_string(id) + " cached at " + address.to_string() +
                       ", which no answer gave (a wrapped port?)");
    }
  }
}

inline void feed_metadata(State& s, const p::MetadataResponse& m, const char* target) {
  for (const auto& b : m.brokers) s.addresses.insert({b.node_id, b.host, b.port});
  std::map<std::string, int> seen;
  for (const auto& t : m.topics) {
    if (!t.name) continue;
    if (s.names.empty()) s.first_name = *t.name;
    s.names.insert(*t.name);
    ++seen[*t.name];
    std::size_t& most = s.most_listed[*t.name];
    most = std::max(most, t.partitions.size());
  }
  const net::MetadataRejects r = s.cache.update(m);
  for (const auto& t : m.topics) {
    if (!t.name) continue;
    const bool broken = t.error_code == 0 && !is_zero_to_n(t.partitions);
    const bool reported = std::find(r.topics.begin(), r.topics.end(), *t.name) != r.topics.end();
    if (broken && !reported) fail(target, "topic '" + *t.name + "' with a broken partition list not reported");
    if (seen[*t.name] != 1) continue;  // listed twice: either entry may have won
    if (!broken && reported) fail(target, "topic '" + *t.name + "' reported although its partitions are 0..n-1");
    if (!broken && t.error_code == 0) {
      const net::TopicInfo* info = s.cache.topic(*t.name);
      if (info == nullptr || info->partitions.size() < t.partitions.size()) {
        fail(target, "topic '" + *t.name + "' accepted but not cached with its partitions");
      }
    }
  }
  for (std::int32_t id : r.brokers) {
    const bool bad = std::any_of(m.brokers.begin(), m.brokers.end(),
                                 [&](const auto& b) { return b.node_id == id && !port_ok(b.port); });
    if (!bad) fail(target, "broker " + std::to_string(id) + " reported without a bad port");
  }
  for (const auto& b : m.brokers) {
    if (!port_ok(b.port) && std::find(r.brokers.begin(), r.brokers.end(), b.node_id) == r.brokers.end()) {
      fail(target, "broker " + std::to_string(b.node_id) + " with port " + std::to_string(b.port) + " not reported");
    }
  }
}

inline void feed_produce(State& s, const p::ProduceResponse& m, const char* target) {
  for (const auto& e : m.node_endpoints) s.addresses.insert({e.node_id, e.host, e.port});
  for (const auto& t : m.topics) {
    // v13 names topics by id only: the hint goes to a topic seen in
    // Metadata (the engine maps the id through its batch).
    const std::string& name = !t.name.empty() ? t.name : s.first_name;
    for (const auto& pr : t.partitions) {
      if (!pr.current_leader) continue;
      const auto& l = *pr.current_leader;
      if (!s.cache.apply_leader_hint(name, pr.index, l.leader_id, l.leader_epoch, m.node_endpoints, t.topic_id)) {
        continue;
      }
      const net::TopicInfo* info = s.cache.topic(name);
      const bool held = info != nullptr && pr.index >= 0 &&
                        static_cast<std::size_t>(pr.index) < info->partitions.size() &&
                        info->partitions[static_cast<std::size_t>(pr.index)].leader_id == l.leader_id &&
                        info->partitions[static_cast<std::size_t>(pr.index)].leader_epoch == l.leader_epoch;
      if (!held) fail(target, "a leader hint reported as applied is not what the cache holds");
      if (!s.cache.broker(l.leader_id)) fail(target, "a leader hint applied for a leader without an address");
    }
  }
}

}  // namespace metadata_cache_detail

inline Outcome run_metadata_cache(Input data) {
  constexpr const char* target = "metadata_cache";
  namespace d = metadata_cache_detail;
  if (data.empty()) return Outcome::skipped;
  d::State s;
  bool any = false;
  std::size_t pos = 0;
  while (pos + 3 <= data.size()) {
    const std::uint8_t kind = data[pos];
    const std::size_t len = std::size_t{data[pos + 1]} << 8 | data[pos + 2];
    pos += 3;
    const Input body = data.subspan(pos, std::min(len, data.size() - pos));
    pos += body.size();
    const bool produce = (kind & 1) != 0;
    const auto key = produce ? p::ApiKey::Produce : p::ApiKey::Metadata;
    const std::int16_t version = pick_version(static_cast<std::uint8_t>(kind >> 1), p::supported_versions(key).max);
    if (produce) {
      auto m = p::decode_produce_response(body, version);
      if (!m) continue;
      d::feed_produce(s, *m, target);
    } else {
      auto m = p::decode_metadata_response(body, version);
      if (!m) continue;
      d::feed_metadata(s, *m, target);
    }
    any = true;
    d::check_cache(s, target);
  }
  return any ? Outcome::decoded : Outcome::rejected;
}

inline constexpr Target kMetadataCacheTarget{"metadata_cache", run_metadata_cache};

}  // namespace sluice::fuzz
