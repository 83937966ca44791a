// Series: what the GUI's charts plot, sampled by a run on its own clock. The run fills it from
// the same periodic check that measures unavailability, so asking for a series adds no event to
// the simulation and leaves the trace hash alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace ksim::core {

struct SeriesPoint {
  sim::Time at;
  std::int32_t under_replicated = 0;  // partitions whose ISR is smaller than their replica set
  std::int32_t under_min_isr = 0;     // ... smaller than min.insync.replicas: acks=all writes fail
  std::int32_t offline = 0;           // partitions without a live leader
  std::int64_t acked = 0;             // records acknowledged to producers so far
  std::int64_t failed = 0;            // records whose send failed so far
  std::int64_t processed = 0;         // records processed by consumers so far
  // Produce latency (a batch's creation to its answer) of the batches answered since the
  // previous point, in milliseconds; negative when none was.
  double latency_p50_ms = -1;
  double latency_p99_ms = -1;
  std::vector<std::int64_t> lag;      // per group, in Series::groups order
};

struct Series {
  sim::Duration every = sim::milliseconds(100);  // a multiple of the run's 10 ms check
  std::vector<std::string> groups;
  std::vector<SeriesPoint> points;
};

}  // namespace ksim::core
