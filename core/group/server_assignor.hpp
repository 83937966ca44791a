// What the consumer group protocol's assignors (KIP-848) work on: the group coordinator computes
// the target assignment on the broker, from each member's subscription and current assignment and
// the topics' partition counts (Kafka's GroupSpec and SubscribedTopicDescriber). Topics are
// referred to by their index in the caller's topic list, partitions by number.
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

struct AssignorMemberSpec {
  std::string member_id;
  std::optional<std::string> instance_id;       // group.instance.id of a static member
  std::vector<std::int32_t> subscribed;          // topic indices, ascending
  std::vector<TopicIndexPartition> assigned;     // its current target assignment, ascending
};

struct ServerAssignment {
  // Per member, in the input's order: its new target assignment, ascending. Empty with `error`.
  std::vector<std::vector<TopicIndexPartition>> assignments;
  std::string error;
};

}  // namespace ksim::core
