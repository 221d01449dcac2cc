#pragma once
// ClusterView: what the producer knows of the cluster and when it asks for
// more (the Java client's Metadata + the connection part of NetworkClient).
// Sans-I/O: it holds the metadata cache, the bootstrap list, per-broker
// reconnect backoff, and the metadata request schedule (wanted, in flight,
// backoff, periodic refresh, re-bootstrap); the driver tells it what
// happened (a link connected or failed, a Metadata answer, the time) and
// asks it what to do (connect to which broker, ask which broker, when to
// wake up). It never holds a link, a socket, a clock or a timer.
//
// Node ids: brokers' ids from Metadata, and -1, -2, ... for the
// bootstrap.servers entries (entry i is node -(i+1)).
//
// Threads: the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "producer_batch.hpp"
#include "rebootstrap_trigger.hpp"
#include "sluice/net/broker_address.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/net/metadata_cache.hpp"
#include "sluice/net/reconnect_backoff.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"

namespace sluice::detail {

// Where the broker says a partition's leader is now (KIP-951), for the
// topic id the batch was sent under.
struct LeaderHint {
  std::string topic;
  std::int32_t partition = -1;
  std::int32_t leader_id = -1;
  std::int32_t leader_epoch = -1;
  std::vector<protocol::ProduceResponse::NodeEndpoint> endpoints;
  protocol::Uuid topic_id;
};

struct ClusterOptions {
  std::vector<net::BrokerAddress> bootstrap;  // parsed bootstrap.servers, not empty
  std::string bootstrap_servers;              // as configured, for messages
  std::chrono::milliseconds reconnect_backoff{50};
  std::chrono::milliseconds reconnect_backoff_max{1000};
  std::chrono::milliseconds retry_backoff{100};       // between Metadata requests that want an answer
  std::chrono::milliseconds metadata_max_age{300000};  // periodic refresh
  RebootstrapPolicy rebootstrap;
  bool allow_auto_create_topics = true;
};

// A link the driver holds, as the view needs to see it.
enum class LinkPhase { connecting, ready, closed };
struct LinkSummary {
  std::int32_t node_id = 0;
  LinkPhase phase = LinkPhase::closed;
};

// What to do about metadata now.
struct MetadataStep {
  enum class Kind { nothing, connect, ask };
  Kind kind = Kind::nothing;
  std::int32_t node_id = 0;  // connect: the broker to dial; ask: a ready link's node
};

// What a Metadata answer asks of the driver.
struct MetadataOutcome {
  bool rebootstrap = false;  // REBOOTSTRAP_REQUIRED: close every link (the view reset itself)
  std::string refused;       // parts of the answer refused (for a warning), empty if none
  // The answer could not be read (for a warning, once while it repeats): the
  // decode error. Records that time out waiting carry it too
  // (last_connection_failure), not "no broker answered".
  std::string unreadable;
};

class ClusterView {
 public:
  explicit ClusterView(ClusterOptions options) : options_(std::move(options)) {}

  const net::MetadataCache& metadata() const noexcept { return metadata_; }
  const std::string& bootstrap_servers() const noexcept { return options_.bootstrap_servers; }

  // --- connections ---
  // Where node `node_id` listens (a bootstrap entry or a broker from Metadata).
  std::optional<net::BrokerAddress> address(std::int32_t node_id) const;
  // Not in its reconnect backoff at `now`.
  bool may_connect(std::int32_t node_id, Clock::time_point now) const;
  // A connection attempt ended: `error` empty when the link is ready, else
  // `why` says what failed (naming the broker). Returns the backoff before
  // the next attempt to that node (zero on success).
  std::chrono::milliseconds on_connect_result(std::int32_t node_id, std::error_code error, const std::string& why,
                                              Clock::time_point now);
  // Why the last connection attempt failed ("broker at host:port: ..."),
  // cleared by a success: a record that times out without metadata carries
  // it, so the application learns of a certificate or password problem
  // from the record's report and not from the log alone. No credentials.
  const std::string& last_connection_failure() const noexcept { return last_failure_; }
  // KIP-899: whether to start again from bootstrap.servers (then the view
  // has reset itself; the driver closes every link). `reach` is this pass's.
  bool rebootstrap_due(Clock::time_point now, const ClusterReach& reach);
  // Starts again from the first bootstrap.servers entry (REBOOTSTRAP_REQUIRED,
  // or rebootstrap_due). Reconnect backoffs stay: a dead address is not
  // dialled in a loop.
  void rebootstrap();
  bool unreachable() const noexcept { return unreachable_since_.has_value(); }
  // Why no record can be served (the Java client's UnsupportedVersionException):
  // every node the view knows — each bootstrap.servers entry and each broker
  // the last Metadata answer named — ended its latest connection attempt
  // speaking no version Sluice can use of an API every record needs
  // (Metadata or Produce: net_errc::no_common_version; SaslHandshake v1 /
  // SaslAuthenticate under SASL: net_errc::sasl_unavailable). Names each
  // broker, the API, both ranges and the remedy. Empty while any known node
  // has not been tried yet, failed otherwise (it may come back upgraded), or
  // connected: records then wait for it as usual (max.block.ms).
  std::string no_usable_broker() const;
  // The nodes the producer dials now: the bootstrap.servers entries (-1,
  // -2, ...) before the first Metadata answer and after a re-bootstrap,
  // else the brokers Metadata named. "All brokers down" is all of these.
  std::vector<std::int32_t> dial_candidates() const;

  // --- metadata ---
  void want_metadata() noexcept { wanted_ = true; }
  bool metadata_wanted() const noexcept { return wanted_; }
  // When the last Metadata answer came (nullopt: none yet), for statistics.
  std::optional<Clock::time_point> last_metadata_answer() const noexcept {
    if (last_answer_at_ == Clock::time_point{}) return std::nullopt;
    return last_answer_at_;
  }
  // metadata.max.age.ms passed since the last answer (with topics to ask for).
  void note_time(Clock::time_point now, bool has_topics) noexcept {
    if (has_topics && now >= last_answer_at_ + options_.metadata_max_age) wanted_ = true;
  }
  // What to do about metadata at `now`, given the driver's links: nothing
  // (not wanted, one in flight, backing off, a connection under way), dial
  // a broker, or ask a ready one. Once Metadata has named the cluster's
  // brokers, one of them is dialled (round robin; the Java client's
  // least-loaded node): a bootstrap entry may be long gone while the
  // cluster lives on. The bootstrap list serves at the start and after a
  // re-bootstrap, until a Metadata answer comes.
  MetadataStep metadata_step(Clock::time_point now, std::span<const LinkSummary> links);
  // The request for `topics`; the view counts it in flight.
  protocol::MetadataRequest metadata_request(const std::vector<std::string>& topics);
  // Its answer (or transport error). `in_use(name)`: records wait for the
  // topic, so a topic still in error is asked for again after a backoff.
  // `from`: who answered ("broker N at H:P"), for messages.
  MetadataOutcome on_metadata(const net::RequestOutcome& outcome, std::int16_t version, Clock::time_point now,
                              const std::function<bool(const std::string&)>& in_use, const std::string& from = {});
  void apply(const LeaderHint& hint) {
    if (metadata_.apply_leader_hint(hint.topic, hint.partition, hint.leader_id, hint.leader_epoch, hint.endpoints,
                                    hint.topic_id)) {
      ++metadata_changes_;
    }
  }
  // The producer no longer uses the topic.
  void forget(const std::string& topic) {
    metadata_.forget(topic);
    ++metadata_changes_;
  }
  // Counts changes to the metadata (answers, hints, topics forgotten): the
  // driver rebuilds senders' routes (topic_route.hpp) when it moved.
  std::uint64_t metadata_changes() const noexcept { return metadata_changes_; }

  // The earliest future time the view wants a pass at (reconnects,
  // metadata backoff or refresh, re-bootstrap), given whether there are
  // topics and a ready link; nullopt if none.
  std::optional<Clock::time_point> next_wakeup(Clock::time_point now, bool has_topics, bool link_ready) const;

 private:
  net::ReconnectBackoff& backoff(std::int32_t node_id, Clock::time_point now);

  ClusterOptions options_;
  net::MetadataCache metadata_;
  std::uint64_t metadata_changes_ = 0;
  // Per node: when the next connection attempt may start, and the backoff
  // that spaced it.
  std::map<std::int32_t, Clock::time_point> reconnect_at_;
  std::map<std::int32_t, net::ReconnectBackoff> backoffs_;
  std::size_t next_bootstrap_ = 0;
  std::size_t next_known_broker_ = 0;  // round robin over Metadata's brokers
  bool use_bootstrap_ = true;          // until a Metadata answer, and after a re-bootstrap
  bool in_flight_ = false;
  bool wanted_ = false;
  Clock::time_point next_request_at_{};
  Clock::time_point last_answer_at_{};  // last successful Metadata answer
  std::string last_failure_;
  // Per node whose latest connection attempt found no usable version: why.
  std::map<std::int32_t, std::string> unusable_;
  std::optional<Clock::time_point> unreachable_since_;  // needed a broker, none ready since then
};

}  // namespace sluice::detail
