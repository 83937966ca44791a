// The uniform assignor of the consumer group protocol (KIP-848): the group coordinator's default
// (group.consumer.assignors = uniform), computing the group's target assignment on the broker.
//
// Where every member subscribes to the same topics (Kafka's UniformHomogeneousAssignmentBuilder):
// balance first, then stickiness. Every member gets the total divided by the member count, and
// the first `total % members` members one more (the quota); a member keeps what it already has up to its quota and gives back the rest, and what is
// free (partitions nobody holds, and those given back) is dealt to the members below their quota,
// in member order.
//
// Order: members in the order the coordinator's HashMap of member ids iterates them (as Java's
// java.util.HashMap would, core/protocol/java_hashing.hpp); topics by name and partitions in
// ascending order. In Kafka the topics go in the order of their random topic ids, so which
// partitions a newcomer gets differs from one cluster to another; the sizes and what each member
// keeps do not.
//
// Where members subscribe to different topics, assign_uniform hands over to
// assign_uniform_heterogeneous (uniform_heterogeneous_assignor.cpp, Kafka's
// UniformHeterogeneousAssignmentBuilder): balance topic by topic among each topic's subscribers.
#pragma once

#include <cstdint>
#include <vector>

#include "core/group/server_assignor.hpp"

namespace ksim::core {

// `partitions[t]`: the partition count of topic t (-1: the topic is not in the metadata). Topic
// indices follow the topics' names.
ServerAssignment assign_uniform(const std::vector<std::int32_t>& partitions, const std::vector<AssignorMemberSpec>& members);
ServerAssignment assign_uniform_heterogeneous(const std::vector<std::int32_t>& partitions,
                                              const std::vector<AssignorMemberSpec>& members);

}  // namespace ksim::core
