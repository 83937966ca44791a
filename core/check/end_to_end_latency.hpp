// EndToEndLatency: per record, the time from its batch's creation in the producer to its first
// processing by any consumer (e2e_latency_p50_ms, e2e_latency_p99_ms). The two ends arrive in
// either order (a record can be processed before its producer hears the acknowledgement), and a
// record's first processing can move earlier when a copy processed sooner shows up later, so the
// latency of a record is added when both ends are known and replaced when its first processing
// moves. Records still waiting are the caller's to add to a question (HistoryCheckers does).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/check/percentile_samples.hpp"
#include "core/check/record_table.hpp"
#include "sim/time.hpp"

namespace ksim::core {

class EndToEndLatency {
 public:
  // The record's batch was created then (every completed record, whatever its fate).
  void sent(std::uint64_t record_id, sim::Time created_at);
  void processed(std::uint64_t record_id, sim::Time processed_at);
  bool was_processed(std::uint64_t record_id) const { return ends_.get(record_id).processed != sim::Time::max(); }
  // When the record's batch was created; Time::max() when not known (its batch has not completed).
  sim::Time sent_at(std::uint64_t record_id) const { return ends_.get(record_id).sent; }

  // p50 and p99 over the processed records' latencies and `waiting` (waits in ms, with how many
  // records wait that long).
  Quantiles quantiles_ms(std::vector<std::pair<double, std::int64_t>> waiting) const {
    return samples_.quantiles_with(std::move(waiting));
  }

 private:
  struct Ends {
    sim::Time sent = sim::Time::max();       // max: not known yet
    sim::Time processed = sim::Time::max();  // the earliest processing seen
  };
  static double latency_ms(const Ends& e) { return static_cast<double>((e.processed - e.sent).ns()) / 1e6; }
  static bool complete(const Ends& e) { return e.sent != sim::Time::max() && e.processed != sim::Time::max(); }

  RecordTable<Ends> ends_;
  PercentileSamples samples_;
};

}  // namespace ksim::core
