// The producer benchmark (see bench_producer.cpp).
#pragma once

#include <cstdint>

#include "core/log/record.hpp"
#include "sim/time.hpp"

namespace ksim::cli {

struct ProducerBench {
  double wall_seconds = 0;
  double sim_seconds = 0;
  std::uint64_t records_sent = 0;
  std::uint64_t records_acked = 0;
  std::uint64_t batches = 0;
  std::uint64_t stored_bytes = 0;  // one replica of every partition, after compression
};

ProducerBench run_producer_bench(std::uint64_t seed, core::CompressionType compression,
                                 sim::Duration duration);

}  // namespace ksim::cli
