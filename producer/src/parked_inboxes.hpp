#pragma once
// ParkedInboxes: records whose topic has no metadata yet, in send order,
// kept in the inboxes send() staged them in. A pass none of whose records
// can be placed parks its inbox whole (no copy: before the first Metadata
// answer that is everything sent so far, up to buffer.memory); otherwise
// the records that must wait are copied one by one into the last parked
// inbox. An inbox is freed as soon as its last record has left, so placing
// a large backlog never holds it twice for long.
//
// Threads: the I/O thread only.
#include <iterator>
#include <list>

#include "inbox.hpp"

namespace sluice::detail {

class ParkedInboxes {
 public:
  bool empty() const noexcept { return inboxes_.empty(); }
  // The oldest parked record (only when !empty()).
  const Inbox::Entry& front() const { return inboxes_.front().entries().front(); }
  std::size_t inbox_count() const noexcept { return inboxes_.size(); }  // (tests)

  // Parks every record of `taken`, which is left empty.
  void park_whole(Inbox& taken) {
    if (taken.empty()) return;
    inboxes_.emplace_back().swap(taken);
  }
  // Parks one record of `from` (its bytes copied, its callback moved).
  void adopt(Inbox& from, Inbox::Entry& e) {
    if (inboxes_.empty()) inboxes_.emplace_back();
    inboxes_.back().adopt(from, e);
  }
  // True if pred(topic) holds for a topic of some parked inbox (a topic
  // an inbox has seen, which may have no parked record left).
  template <class Pred>
  bool any_topic(Pred&& pred) const {
    for (const Inbox& in : inboxes_) {
      for (std::uint32_t i = 0; i < in.topic_count(); ++i) {
        if (pred(in.topic_at(i))) return true;
      }
    }
    return false;
  }
  // Calls keep(inbox, entry) for every parked record in send order and
  // keeps those it returns true for; emptied inboxes are freed at once.
  template <class Keep>
  void retain(Keep&& keep) {
    for (auto it = inboxes_.begin(); it != inboxes_.end();) {
      Inbox& in = *it;
      in.retain([&](Inbox::Entry& e) { return keep(in, e); });
      it = in.empty() ? inboxes_.erase(it) : std::next(it);
    }
  }

 private:
  std::list<Inbox> inboxes_;  // oldest first
};

}  // namespace sluice::detail
