// The replication benchmark (see bench_replication.cpp).
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace ksim::cli {

struct ReplicationBench {
  double wall_seconds = 0;
  double sim_seconds = 0;
  std::uint64_t batches_sent = 0;
  std::uint64_t batches_acked = 0;
  std::uint64_t batches_failed = 0;
  std::uint64_t events = 0;
};

ReplicationBench run_replication_bench(std::uint64_t seed, sim::Duration duration,
                                       std::int64_t batches_per_second);

}  // namespace ksim::cli
