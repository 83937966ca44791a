// What the group coordinator writes to __consumer_offsets for a group under the consumer group
// protocol (KIP-848), one record per fact as Kafka keys them: the group epoch
// (ConsumerGroupMetadata), each member's subscription and current assignment
// (ConsumerGroupMemberMetadata and ConsumerGroupCurrentMemberAssignment, one record here), each
// member's target assignment (ConsumerGroupTargetAssignmentMember) and the epoch of the target
// assignment (ConsumerGroupTargetAssignmentMetadata). A coordinator taking the partition over
// replays them in order to rebuild the group exactly.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/protocol/messages.hpp"
#include "sim/time.hpp"

namespace ksim::core {

// Where a member stands in reconciling its assignment with its target (Kafka's MemberState).
enum class MemberReconciliation : std::uint8_t {
  stable,                 // it has its whole target (or all of it that is free)
  unrevoked_partitions,   // it must give partitions up before it may move to the next epoch
  unreleased_partitions,  // it is at the target epoch, waiting for partitions others still hold
};
std::string_view member_reconciliation_name(MemberReconciliation state);

// One member as the coordinator keeps it.
struct ConsumerGroupMember {
  std::string id;
  std::optional<std::string> instance_id;     // group.instance.id: a static member
  std::int32_t epoch = 0;                     // its member epoch; -2: a static member away
  std::int32_t previous_epoch = 0;
  MemberReconciliation state = MemberReconciliation::stable;
  std::vector<std::string> subscribed;        // topic names, sorted
  std::optional<std::string> server_assignor; // the assignor it asked for (group.remote.assignor)
  sim::Duration rebalance_timeout;            // its max.poll.interval.ms
  std::vector<TopicPartition> assigned;            // what it may consume now, sorted
  std::vector<TopicPartition> pending_revocation;  // what it must give up first, sorted
  bool operator==(const ConsumerGroupMember&) const = default;
};

struct ConsumerGroupEpochRecord {
  std::string group;
  std::int32_t epoch = 0;
  bool tombstone = false;  // the group is deleted
};

struct ConsumerGroupMemberRecord {
  std::string group;
  ConsumerGroupMember member;  // with a tombstone, only the id counts
  bool tombstone = false;
};

struct ConsumerGroupTargetRecord {
  std::string group;
  std::string member_id;
  std::vector<TopicPartition> partitions;
  bool tombstone = false;
};

struct ConsumerGroupTargetEpochRecord {
  std::string group;
  std::int32_t epoch = 0;
  sim::Time computed_at;  // when the assignor ran (KIP-1263's assignment timestamp)
};

using ConsumerGroupRecord =
    std::variant<ConsumerGroupEpochRecord, ConsumerGroupMemberRecord, ConsumerGroupTargetRecord, ConsumerGroupTargetEpochRecord>;

}  // namespace ksim::core
