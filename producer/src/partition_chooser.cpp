// PartitionChooser: the user's partition function or the built-in
// partitioner, behind one lock. See partition_chooser.hpp.
#include "partition_chooser.hpp"

#include <exception>

#include "sluice/errors.hpp"

namespace sluice::detail {

PartitionChoice PartitionChooser::choose(std::string_view topic, std::optional<protocol::ByteView> key,
                                         std::int32_t count, std::span<const std::int32_t> available) {
  return choose_counting(topic, key, count, available, std::nullopt);
}

PartitionChoice PartitionChooser::choose_and_count(std::string_view topic, std::optional<protocol::ByteView> key,
                                                   std::int32_t count, std::span<const std::int32_t> available,
                                                   std::size_t bytes) {
  return choose_counting(topic, key, count, available, bytes);
}

PartitionChoice PartitionChooser::choose_counting(std::string_view topic, std::optional<protocol::ByteView> key,
                                                  std::int32_t count, std::span<const std::int32_t> available,
                                                  std::optional<std::size_t> bytes) {
  PartitionChoice out;
  if (user_) {
    // The function takes the key as a string (the public PartitionRequest).
    std::optional<std::string> key_string;
    if (key) key_string.emplace(reinterpret_cast<const char*>(key->data()), key->size());
    std::string why;
    {
      std::lock_guard lock(mu_);
      try {
        out.partition = user_(PartitionRequest{topic, key_string, count});
        if (bytes && out.partition >= 0 && out.partition < count) {
          partitioner_.on_append(topic, out.partition, *bytes, false);
        }
      } catch (const std::exception& e) {
        why = std::string("threw: ") + e.what();
      } catch (...) {
        why = "threw a non-standard exception";
      }
    }
    if (why.empty() && out.partition >= 0 && out.partition < count) return out;
    if (why.empty()) why = "returned " + std::to_string(out.partition);
    out.partition = -1;
    out.error = errc::partitioner_failed;
    out.message = "the partitioner for topic '" + std::string(topic) + "' " + why + " (the topic has " +
                  std::to_string(count) + " partitions: return 0.." + std::to_string(count - 1) + ")";
    return out;
  }
  std::lock_guard lock(mu_);
  auto chosen = partitioner_.choose(topic, key, count, available);
  if (chosen) {
    out.partition = chosen.value();
    if (bytes) partitioner_.on_append(topic, out.partition, *bytes, false);
  } else {
    out.error = errc::partitioner_failed;
    out.message = chosen.error().message;
  }
  return out;
}

void PartitionChooser::on_append(std::string_view topic, std::int32_t partition, std::size_t bytes, bool batch_full) {
  std::lock_guard lock(mu_);
  partitioner_.on_append(topic, partition, bytes, batch_full);
}

void PartitionChooser::on_batch_closed(std::string_view topic, std::int32_t partition) {
  std::lock_guard lock(mu_);
  partitioner_.on_batch_closed(topic, partition);
}

}  // namespace sluice::detail
