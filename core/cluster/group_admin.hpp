// What kafka-consumer-groups does for a lab: describe a group (its members and, per partition,
// the committed offset, the log end and the lag) and reset an inactive group's offsets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::core {

// One row of kafka-consumer-groups --describe.
struct GroupPartitionRow {
  TopicPartition tp;
  Offset committed = -1;  // CURRENT-OFFSET; -1: none
  Offset log_end = -1;    // LOG-END-OFFSET: the high watermark, what a consumer can reach
  std::optional<std::int64_t> lag;  // LAG: log end minus committed, when both are known
  std::string member;     // CONSUMER-ID, or empty when no member holds the partition
};

struct GroupAdminView {
  std::string group;
  BrokerId coordinator = kNoBroker;
  GroupState state = GroupState::empty;
  std::int32_t generation = 0;
  std::string protocol;
  std::string leader;
  std::vector<GroupMemberView> members;
  std::vector<GroupPartitionRow> partitions;  // by topic, then partition
  // The consumer group protocol: `generation` is the group epoch and `protocol` the assignor.
  bool consumer_protocol = false;
  std::int32_t assignment_epoch = 0;
  std::vector<GroupDescription::ConsumerMember> consumer_members;
};

// The group as its coordinator knows it, or nothing when no running broker coordinates it.
std::optional<GroupAdminView> describe_group(const Cluster& cluster, const std::string& group);

enum class OffsetResetKind : std::uint8_t { to_earliest, to_latest, shift_by, to_datetime };
struct OffsetResetSpec {
  OffsetResetKind kind = OffsetResetKind::to_earliest;
  std::int64_t shift = 0;  // shift_by: added to the committed offset (kept within the log)
  sim::Time datetime;      // to_datetime: the first offset at or after this time
};

// --reset-offsets --topic TOPIC --execute: refused with NON_EMPTY_GROUP while the group has
// members, COORDINATOR_NOT_AVAILABLE when no coordinator runs; `done` hears the outcome once
// the new offsets are committed to __consumer_offsets.
void reset_group_offsets(Cluster& cluster, const std::string& group, const std::string& topic,
                         const OffsetResetSpec& spec, std::function<void(ErrorCode)> done);
std::string_view offset_reset_kind_name(OffsetResetKind kind);

}  // namespace ksim::core
