// The uniform assignor of the consumer group protocol (KIP-848): the group coordinator's default
// (group.consumer.assignors = uniform), computing the group's target assignment on the broker.
//
// This is the homogeneous case, where every member subscribes to the same topics (Kafka's
// UniformHomogeneousAssignmentBuilder). Balance first, then stickiness: every member gets the
// total divided by the member count, and the first `total % members` members one more (the
// quota); a member keeps what it already has up to its quota and gives back the rest, and what is
// free (partitions nobody holds, and those given back) is dealt to the members below their quota,
// in member order.
//
// Order: members in the order the coordinator's HashMap of member ids iterates them (as Java's
// java.util.HashMap would, core/protocol/java_hashing.hpp); topics by name and partitions in
// ascending order. In Kafka the topics go in the order of their random topic ids, so which
// partitions a newcomer gets differs from one cluster to another; the sizes and what each member
// keeps do not.
//
// Not modelled yet: the heterogeneous case (members with different subscriptions), which Kafka
// handles with UniformHeterogeneousAssignmentBuilder; assign_uniform refuses it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ksim::core {

// A partition by the index of its topic in the assignor's topic list.
struct TopicIndexPartition {
  std::int32_t topic = 0;
  std::int32_t partition = 0;
  auto operator<=>(const TopicIndexPartition&) const = default;
};

struct UniformAssignorMember {
  std::string member_id;
  std::vector<std::int32_t> subscribed;          // topic indices, ascending
  std::vector<TopicIndexPartition> assigned;      // its current target assignment, ascending
};

struct UniformAssignmentResult {
  // Per member, in the input's order: its new target assignment, ascending. Empty with `error`.
  std::vector<std::vector<TopicIndexPartition>> assignments;
  std::string error;
};

// `partitions[t]`: the partition count of topic t (-1: the topic is not in the metadata).
UniformAssignmentResult assign_uniform(const std::vector<std::int32_t>& partitions,
                                       const std::vector<UniformAssignorMember>& members);

}  // namespace ksim::core
