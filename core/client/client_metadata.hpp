// ClientMetadata: what a client (producer or consumer) knows of the cluster from its last
// Metadata response: each partition's state (leader, epoch, replicas, ISR) and where each live
// broker is. Clients ask again when a leader is unknown or wrong, and after metadata.max.age.ms.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/protocol/messages.hpp"
#include "sim/simulation.hpp"

namespace ksim::core {

class ClientMetadata {
 public:
  void apply(const MetadataResponse& response, const sim::Simulation& sim, sim::Time now);
  void clear() { *this = ClientMetadata{}; }

  std::int32_t partition_count(const std::string& topic) const;
  const PartitionState* partition(const TopicPartition& tp) const;
  // The node of the partition's leader, when both are known.
  std::optional<sim::NodeId> leader_node(const TopicPartition& tp) const;
  std::optional<sim::NodeId> broker_node(BrokerId id) const;
  std::optional<BrokerId> broker_of(sim::NodeId node) const;
  // The live brokers' nodes, by broker id (for requests any broker can answer).
  std::vector<sim::NodeId> broker_nodes() const;
  sim::Time updated_at() const { return updated_at_; }

  // Whether a Metadata request is on its way (clients keep one at a time).
  bool in_flight = false;

 private:
  std::map<TopicPartition, PartitionState> partitions_;
  std::map<std::string, std::int32_t, std::less<>> partition_counts_;  // asked once per record sent
  std::map<BrokerId, sim::NodeId> brokers_;
  sim::Time updated_at_;
};

}  // namespace ksim::core
