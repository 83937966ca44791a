#include "core/client/client_metadata.hpp"

namespace ksim::core {

void ClientMetadata::apply(const MetadataResponse& response, const sim::Simulation& sim, sim::Time now) {
  in_flight = false;
  updated_at_ = now;
  for (const PartitionState& state : response.partitions) {
    const auto [it, added] = partitions_.insert_or_assign(state.tp, state);
    if (added) ++partition_counts_[state.tp.topic];
  }
  for (const auto& broker : response.brokers) {
    // Brokers are named broker:<id> in every cluster the model builds.
    if (const auto node = sim.find_node("broker:" + to_string(broker.id))) brokers_[broker.id] = *node;
  }
}

std::int32_t ClientMetadata::partition_count(const std::string& topic) const {
  const auto it = partition_counts_.find(topic);
  return it == partition_counts_.end() ? 0 : it->second;
}

const PartitionState* ClientMetadata::partition(const TopicPartition& tp) const {
  const auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

std::optional<sim::NodeId> ClientMetadata::leader_node(const TopicPartition& tp) const {
  const PartitionState* state = partition(tp);
  if (state == nullptr || state->leader == kNoBroker) return std::nullopt;
  return broker_node(state->leader);
}

std::optional<sim::NodeId> ClientMetadata::broker_node(BrokerId id) const {
  const auto it = brokers_.find(id);
  if (it == brokers_.end()) return std::nullopt;
  return it->second;
}

std::optional<BrokerId> ClientMetadata::broker_of(sim::NodeId node) const {
  for (const auto& [id, n] : brokers_) {
    if (n == node) return id;
  }
  return std::nullopt;
}

}  // namespace ksim::core

namespace ksim::core {

std::vector<sim::NodeId> ClientMetadata::broker_nodes() const {
  std::vector<sim::NodeId> nodes;
  for (const auto& [id, node] : brokers_) nodes.push_back(node);
  return nodes;
}

}  // namespace ksim::core
