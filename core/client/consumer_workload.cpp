#include "core/client/consumer_workload.hpp"

namespace ksim::core {

ConsumerWorkload::ConsumerWorkload(Consumer& consumer, ProcessingSpec spec, sim::Rng rng)
    : consumer_(consumer), spec_(spec), rng_(rng) {
  consumer_.simulation().scheduler().schedule_after(sim::Duration{}, [this] { poll(); });
}

sim::Duration ConsumerWorkload::processing_time(sim::Time at) {
  std::int64_t ns = spec_.per_record_min.ns();
  if (spec_.per_record_max > spec_.per_record_min) ns = rng_.uniform_int(ns, spec_.per_record_max.ns());
  if (at >= spec_.slow_from) ns = static_cast<std::int64_t>(static_cast<double>(ns) * spec_.slow_factor);
  return sim::Duration::from_ns(ns);
}

void ConsumerWorkload::poll() {
  if (!consumer_.running()) return;  // the application died with its process
  sim::Scheduler& scheduler = consumer_.simulation().scheduler();
  const std::vector<ConsumedRecord> records = consumer_.poll();
  if (records.empty()) {
    scheduler.schedule_after(spec_.idle_poll, [this] { poll(); });
    return;
  }
  // The records are processed one after the other; they count as processed, each with its own
  // finishing time, once the last is done, and then the application polls again.
  sim::Time clock = scheduler.now();
  for (const ConsumedRecord& r : records) {
    clock = clock + processing_time(clock);
    in_progress_.push_back(ProcessedRecord{r.tp, r.offset, r.record.id, clock});
  }
  scheduler.schedule_at(clock, [this] {
    if (!consumer_.running()) return;  // crashed mid-batch: nothing of it counts as processed
    processed_.insert(processed_.end(), in_progress_.begin(), in_progress_.end());
    in_progress_.clear();
    poll();
  });
}

}  // namespace ksim::core
