// ConsumerWorkload: the application behind a consumer: a poll loop that processes each record
// for a while (fixed, or drawn from a range), possibly slower from some time on, and records
// every processed record. The records of one poll are processed back to back and accounted in
// one event when the last is done, so the simulation schedules per poll, not per record (use a
// small max.poll.records for a finer-grained account).
#pragma once

#include <cstdint>
#include <vector>

#include "core/client/consumer.hpp"
#include "sim/random.hpp"

namespace ksim::core {

struct ProcessingSpec {
  sim::Duration per_record_min = sim::milliseconds(1);
  sim::Duration per_record_max = sim::milliseconds(1);
  sim::Time slow_from = sim::Time::max();  // from then on, processing takes slow_factor times longer
  double slow_factor = 1.0;
  sim::Duration idle_poll = sim::milliseconds(10);  // how soon an empty poll is tried again
};

struct ProcessedRecord {
  TopicPartition tp;
  Offset offset = -1;
  std::uint64_t id = 0;
  sim::Time processed_at;
};

class ConsumerWorkload {
 public:
  // Starts polling now; the workload must outlive the run. It stops when the consumer stops.
  ConsumerWorkload(Consumer& consumer, ProcessingSpec spec, sim::Rng rng);

  const std::vector<ProcessedRecord>& processed() const { return processed_; }

 private:
  void poll();
  sim::Duration processing_time(sim::Time at);

  Consumer& consumer_;
  ProcessingSpec spec_;
  sim::Rng rng_;
  std::vector<ProcessedRecord> processed_;
  std::vector<ProcessedRecord> in_progress_;  // the current poll's records
};

}  // namespace ksim::core
