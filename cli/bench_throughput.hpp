// The end-to-end throughput benchmark (see bench_throughput.cpp).
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace ksim::cli {

struct ThroughputShape {
  std::int32_t brokers = 3;
  std::int32_t partitions = 12;
  sim::Duration duration = sim::seconds(60);
};

struct ThroughputBench {
  double wall_seconds = 0;
  double sim_seconds = 0;
  std::uint64_t records_sent = 0;
  std::uint64_t records_acked = 0;
  std::uint64_t records_consumed = 0;  // by the group, counted once per record
  std::uint64_t events = 0;
};

ThroughputBench run_throughput_bench(std::uint64_t seed, const ThroughputShape& shape);

}  // namespace ksim::cli
