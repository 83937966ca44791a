// The assignor benchmark (see bench_assign.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ksim::cli {

struct AssignorTiming {
  std::string assignor;
  std::string case_name;
  double milliseconds = 0;
  std::size_t max_minus_min = 0;  // the spread of partition counts over members
};

// Each assignor on 1,000 members x 10,000 partitions (100 topics of 100): everyone subscribed to
// everything, then each member to its own 30 topics; and the sticky pair and the server-side
// uniform assignor once more after one member left (the previous round as ownership). The uniform
// assignor (KIP-848) takes homogeneous subscriptions only, so it has no non-uniform case.
std::vector<AssignorTiming> run_assignor_bench(std::uint64_t seed);

// Kafka's own scale case (its client and server assignor benchmarks): 2,000 members, 500 topics of
// 2,000 partitions, everyone subscribed to everything; sticky, cooperative-sticky and the
// server-side uniform assignor, each fresh and then again after one member left with the first
// result as ownership.
std::vector<AssignorTiming> run_assignor_scale_bench();

struct RebalanceTiming {
  double wall_milliseconds = 0;
  double simulated_milliseconds = 0;  // from the first join to every member holding partitions
  std::int32_t generation = 0;
  std::size_t members_in_group = 0;
};

// 500 consumers join one group over a 1,000-partition topic on a 3-broker cluster.
RebalanceTiming run_rebalance_bench(std::uint64_t seed, std::int32_t members);

}  // namespace ksim::cli
