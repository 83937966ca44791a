// The range assignor of the consumer group protocol (KIP-848; group.consumer.assignors = range),
// as Kafka's group coordinator runs it (group-coordinator's assignor.RangeAssignor, Kafka 4.0).
//
// Each topic is shared out on its own among the members subscribed to it, in member order (static
// members first, by group.instance.id; then the others by member id): each gets
// partitions / members consecutive partitions, and the first partitions % members one more. Equal
// partition counts line up, so members get the same partition numbers of co-partitioned topics
// (the reason to choose range: joins of keyed topics). It does not look at the current
// assignment: a member that joins or leaves shifts the ranges of every member after it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/group/server_assignor.hpp"

namespace ksim::core {

// `partitions[t]`: the partition count of topic t (-1: the topic is not in the metadata).
ServerAssignment assign_range_server(const std::vector<std::int32_t>& partitions,
                                     const std::vector<AssignorMemberSpec>& members);

}  // namespace ksim::core
