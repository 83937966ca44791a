// Partition assignors: how a consumer group's leader divides partitions among the members, as the
// Java client's assignors do.
//
// range:       per topic, the members subscribed to it (in member order) get consecutive ranges
//              of its partitions; the first `partitions % members` get one extra.
// roundrobin:  all partitions of all subscribed topics (topics in name order), dealt one by one
//              to the members in member order, skipping members not subscribed to the topic.
//
// Member order is the Java client's: members with a group.instance.id first, by that id; then the
// others by member id. The sticky assignors are in sticky_assignor.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

struct MemberSubscription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<std::string> topics;
  std::vector<TopicPartition> owned;  // for the sticky assignors
  std::int32_t generation = -1;       // -1: unknown
};

// Member id -> its partitions, in the order the assignor produced them.
using GroupAssignment = std::map<std::string, std::vector<TopicPartition>>;

GroupAssignment assign_range(const std::vector<MemberSubscription>& members,
                             const std::map<std::string, std::int32_t>& partitions_per_topic);
GroupAssignment assign_round_robin(const std::vector<MemberSubscription>& members,
                                   const std::map<std::string, std::int32_t>& partitions_per_topic);

// The Java client's order of members (MemberInfo.compareTo).
bool member_before(const MemberSubscription& a, const MemberSubscription& b);

}  // namespace ksim::core
