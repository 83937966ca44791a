#include "core/cluster/group_admin.hpp"

#include <algorithm>
#include <set>

namespace ksim::core {
namespace {

const Broker* coordinator_of(const Cluster& cluster, const std::string& group) {
  for (BrokerId b = 1; b <= cluster.broker_count(); ++b) {
    const Broker& broker = cluster.broker(b);
    if (broker.running() && broker.group_coordinator().coordinates(group)) return &broker;
  }
  return nullptr;
}

// The leader's replica of a partition, as the controller last decided it.
const Partition* leader_replica(const Cluster& cluster, const TopicPartition& tp) {
  for (BrokerId b = 1; b <= cluster.broker_count(); ++b) {
    const Broker& broker = cluster.broker(b);
    const Partition* p = broker.partition(tp);
    if (broker.running() && p != nullptr && p->role() == ReplicaRole::leader) return p;
  }
  return nullptr;
}

}  // namespace

std::string_view offset_reset_kind_name(OffsetResetKind kind) {
  switch (kind) {
    case OffsetResetKind::to_earliest: return "to-earliest";
    case OffsetResetKind::to_latest: return "to-latest";
    case OffsetResetKind::shift_by: return "shift-by";
    case OffsetResetKind::to_datetime: return "to-datetime";
  }
  return "unknown";
}

std::optional<GroupAdminView> describe_group(const Cluster& cluster, const std::string& group) {
  const Broker* coordinator = coordinator_of(cluster, group);
  if (coordinator == nullptr) return std::nullopt;
  const std::optional<GroupDescription> description = coordinator->group_coordinator().describe(group);
  GroupAdminView view;
  view.group = group;
  view.coordinator = coordinator->broker_id();
  if (!description) {
    view.state = GroupState::dead;  // unknown to its coordinator, as kafka-consumer-groups says
    return view;
  }
  view.state = description->state;
  view.generation = description->generation;
  view.protocol = description->protocol;
  view.leader = description->leader;
  view.members = description->members;
  view.consumer_protocol = description->consumer_protocol;
  view.assignment_epoch = description->assignment_epoch;
  view.consumer_members = description->consumer_members;
  std::set<TopicPartition> partitions;
  for (const auto& [tp, committed] : description->offsets) partitions.insert(tp);
  for (const GroupMemberView& m : description->members) partitions.insert(m.assignment.begin(), m.assignment.end());
  for (const TopicPartition& tp : partitions) {
    GroupPartitionRow row;
    row.tp = tp;
    if (const auto it = description->offsets.find(tp); it != description->offsets.end()) row.committed = it->second.offset;
    if (const Partition* p = leader_replica(cluster, tp)) row.log_end = p->log().high_watermark();
    if (row.committed >= 0 && row.log_end >= 0) row.lag = row.log_end - row.committed;
    for (const GroupMemberView& m : description->members) {
      if (std::find(m.assignment.begin(), m.assignment.end(), tp) != m.assignment.end()) row.member = m.member_id;
    }
    view.partitions.push_back(std::move(row));
  }
  return view;
}

void reset_group_offsets(Cluster& cluster, const std::string& group, const std::string& topic,
                         const OffsetResetSpec& spec, std::function<void(ErrorCode)> done) {
  const Broker* coordinator = coordinator_of(cluster, group);
  if (coordinator == nullptr) return done(ErrorCode::COORDINATOR_NOT_AVAILABLE);
  const std::optional<GroupDescription> description = coordinator->group_coordinator().describe(group);
  std::vector<std::pair<TopicPartition, Offset>> offsets;
  for (const PartitionView& pv : cluster.view().partitions) {
    if (pv.tp.topic != topic) continue;
    const Partition* p = leader_replica(cluster, pv.tp);
    if (p == nullptr) return done(ErrorCode::LEADER_NOT_AVAILABLE);
    const Offset start = p->log().log_start_offset();
    const Offset end = p->log().high_watermark();
    Offset target = start;
    switch (spec.kind) {
      case OffsetResetKind::to_earliest: target = start; break;
      case OffsetResetKind::to_latest: target = end; break;
      case OffsetResetKind::shift_by: {
        Offset committed = end;
        if (description) {
          if (const auto it = description->offsets.find(pv.tp); it != description->offsets.end()) committed = it->second.offset;
        }
        target = std::clamp<Offset>(committed + spec.shift, start, end);
        break;
      }
      case OffsetResetKind::to_datetime: {
        const Offset found = p->log().offset_for_timestamp(spec.datetime, end);
        target = found < 0 ? end : found;
        break;
      }
    }
    offsets.emplace_back(pv.tp, target);
  }
  if (offsets.empty()) return done(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  cluster.broker(coordinator->broker_id()).reset_group_offsets(group, std::move(offsets), std::move(done));
}

}  // namespace ksim::core
