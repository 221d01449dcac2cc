#include "sim_history.hpp"

#include <stdexcept>

namespace sluice::sim {

namespace {

// FNV-1a 64 over the value, with null distinct from empty.
std::uint64_t value_hash(const std::uint8_t* data, std::size_t size, bool null) {
  std::uint64_t h = null ? 0x84222325cbf29ce4ULL : 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

void SimHistory::sent(const verify::RecordId& id, std::optional<std::string> key, std::optional<std::string_view> value,
                      std::optional<std::int32_t> partition) {
  if (!index_.emplace(id, sent_.size()).second) {
    throw std::invalid_argument("SimHistory::sent: id sent twice: " + record_id_text(id));
  }
  verify::SentRecord s;
  s.id = id;
  s.key = std::move(key);
  s.partition = partition;
  sent_.push_back(std::move(s));
  value_hashes_.push_back(value ? value_hash(reinterpret_cast<const std::uint8_t*>(value->data()), value->size(), false)
                                : value_hash(nullptr, 0, true));
}

void SimHistory::report(const verify::RecordId& id, verify::Report report) {
  auto it = index_.find(id);
  if (it == index_.end()) throw std::invalid_argument("SimHistory::report: id never sent: " + record_id_text(id));
  sent_[it->second].reports.push_back(std::move(report));
}

std::vector<verify::LogRecord> SimHistory::log_records(const SimCluster& cluster, std::string_view topic) const {
  std::vector<verify::LogRecord> out;
  const SimTopic* t = cluster.topic(topic);
  if (t == nullptr) return out;
  for (const auto& p : t->partitions) {
    for (const auto& batch : p.log) {
      for (const auto& r : batch.records) {
        verify::LogRecord lr;
        lr.partition = p.index;
        lr.offset = r.offset;
        if (r.key) lr.key = std::string(r.key->begin(), r.key->end());
        for (const auto& h : r.headers) {
          if (h.key != kRecordIdHeader || !h.value) continue;
          lr.id = parse_record_id(std::string_view(reinterpret_cast<const char*>(h.value->data()), h.value->size()));
          break;
        }
        if (lr.id) {
          auto it = index_.find(*lr.id);
          const std::uint64_t h = r.value ? value_hash(r.value->data(), r.value->size(), false) : value_hash(nullptr, 0, true);
          // A never-sent id is the checker's to flag (corrupt); its value has nothing to match.
          lr.value_intact = it != index_.end() && value_hashes_[it->second] == h;
        }
        out.push_back(std::move(lr));
      }
    }
  }
  return out;
}

verify::CheckResult SimHistory::check(const SimCluster& cluster, std::string_view topic,
                                      const verify::CheckOptions& options) const {
  return verify::check_history(sent_, log_records(cluster, topic), options);
}

std::vector<std::string> violations(const verify::CheckResult& result, const verify::Tolerance& tolerance) {
  return verify::violations(result.counts, tolerance);
}

}  // namespace sluice::sim
