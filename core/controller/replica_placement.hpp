// Where a new partition's replicas go, as Kafka's AdminUtils spreads them.
//
// Rack-unaware: the first replica of partition p goes to broker (start + p) mod n, the others
// follow at a shift that changes every n partitions, so leaders and followers both spread
// evenly. Rack-aware (every broker has a rack): the same walk over a broker list that alternates
// racks, skipping a broker whose rack already holds a replica until every rack has one.
// `start_index` and `shift` are Kafka's random choices; the controller draws them from its seeded
// stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

struct BrokerPlacementInfo {
  BrokerId id;
  std::string rack;  // empty: no rack
};

// Replica lists for partitions [first_partition, first_partition + count). Brokers must number
// at least `replication_factor`.
std::vector<std::vector<BrokerId>> place_replicas(std::vector<BrokerPlacementInfo> brokers,
                                                  std::int32_t first_partition, std::int32_t count,
                                                  std::int32_t replication_factor,
                                                  std::int32_t start_index, std::int32_t shift);

}  // namespace ksim::core
