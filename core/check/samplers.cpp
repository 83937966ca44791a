#include "core/check/samplers.hpp"

#include <algorithm>

#include "core/cluster/group_admin.hpp"
#include "core/group/offsets_records.hpp"

namespace ksim::core {

void AvailabilitySampler::sample(const Cluster& cluster) {
  for (const auto& [name, topic] : cluster.controller().image().topics()) {
    if (name == kOffsetsTopic) continue;
    for (const PartitionState& p : topic.partitions) {
      // Live: the named leader runs and itself acts as leader in that epoch. A restarted broker
      // the controller still names (its old run not yet fenced) leads nothing.
      const Broker* leader = p.leader != kNoBroker ? &cluster.broker(p.leader) : nullptr;
      const Partition* replica = leader != nullptr && leader->running() ? leader->partition(p.tp) : nullptr;
      const bool live = replica != nullptr && replica->role() == ReplicaRole::leader &&
                        replica->leader_epoch() == p.leader_epoch;
      if (!live) unavailable_[p.tp] += every_;
    }
  }
}

void LagSampler::maybe_sample(const Cluster& cluster, sim::Time now, const std::vector<std::string>& groups) {
  if (now - last_ < every_) return;
  last_ = now;
  for (const std::string& group : groups) {
    if (const auto view = describe_group(cluster, group)) {
      std::int64_t lag = 0;
      for (const GroupPartitionRow& row : view->partitions) lag += row.lag.value_or(0);
      max_lag_[group] = std::max(max_lag_[group], lag);
    }
  }
}

std::int64_t LagSampler::max_lag(const std::string& group) const {
  const auto it = max_lag_.find(group);
  return it != max_lag_.end() ? it->second : 0;
}

void QuorumSampler::sample(const Cluster& cluster) {
  for (const Controller* c : cluster.controllers()) {
    if (const RaftReplica* r = c->raft()) highest_epoch_ = std::max(highest_epoch_, r->epoch());
  }
  const Controller* active = cluster.active_controller();
  if (active == nullptr) {
    if (last_active_epoch_) without_ += every_;
    return;
  }
  const LeaderEpoch epoch = active->raft()->epoch();
  if (last_active_epoch_ && *last_active_epoch_ != epoch) ++changes_;
  last_active_epoch_ = epoch;
}

}  // namespace ksim::core
