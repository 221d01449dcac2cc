// ProducerEngine, placement: takes the records send() staged in the send
// gate and has the record placer (record_placer.hpp) put them into their
// partitions' batches. Runs on the I/O thread only; see producer_engine.hpp.
#include "producer_engine.hpp"

namespace sluice::detail {

void ProducerEngine::take_incoming(bool place_now) {
  const TakenInbox took = gate_.take(taken_);
  flushing_ = took.flushing;
  PlacerActions actions;
  placer_.place_taken(taken_, took.promised, clock_->steady(), clock_->wall_ms(), place_now, actions);
  carry_out(actions);
}

void ProducerEngine::carry_out(PlacerActions& actions) {
  if (actions.metadata_wanted) cluster_.want_metadata();
  for (auto& e : actions.ended) {
    fail_record(std::move(e.topic), e.partition, std::move(e.callback), e.generation, e.reserved, e.error, e.message);
  }
  actions.ended.clear();
}

}  // namespace sluice::detail
