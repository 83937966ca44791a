#include "core/client/assignor.hpp"

#include <algorithm>
#include <set>

namespace ksim::core {
namespace {

std::vector<const MemberSubscription*> sorted_members(const std::vector<MemberSubscription>& members) {
  std::vector<const MemberSubscription*> sorted;
  for (const MemberSubscription& m : members) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return member_before(*a, *b); });
  return sorted;
}

bool subscribes(const MemberSubscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

GroupAssignment empty_assignment(const std::vector<MemberSubscription>& members) {
  GroupAssignment assignment;
  for (const MemberSubscription& m : members) assignment[m.member_id];
  return assignment;
}

}  // namespace

bool member_before(const MemberSubscription& a, const MemberSubscription& b) {
  if (a.group_instance_id && b.group_instance_id) return *a.group_instance_id < *b.group_instance_id;
  if (a.group_instance_id) return true;
  if (b.group_instance_id) return false;
  return a.member_id < b.member_id;
}

GroupAssignment assign_range(const std::vector<MemberSubscription>& members,
                             const std::map<std::string, std::int32_t>& partitions_per_topic) {
  GroupAssignment assignment = empty_assignment(members);
  const std::vector<const MemberSubscription*> order = sorted_members(members);
  for (const auto& [topic, partitions] : partitions_per_topic) {
    std::vector<const MemberSubscription*> consumers;
    for (const auto* m : order) {
      if (subscribes(*m, topic)) consumers.push_back(m);
    }
    if (consumers.empty()) continue;
    const auto n = static_cast<std::int32_t>(consumers.size());
    const std::int32_t per_consumer = partitions / n;
    const std::int32_t with_extra = partitions % n;
    for (std::int32_t i = 0; i < n; ++i) {
      const std::int32_t start = per_consumer * i + std::min(i, with_extra);
      const std::int32_t length = per_consumer + (i + 1 > with_extra ? 0 : 1);
      auto& list = assignment[consumers[static_cast<std::size_t>(i)]->member_id];
      for (std::int32_t p = start; p < start + length; ++p) list.push_back(TopicPartition{topic, p});
    }
  }
  return assignment;
}

GroupAssignment assign_round_robin(const std::vector<MemberSubscription>& members,
                                   const std::map<std::string, std::int32_t>& partitions_per_topic) {
  GroupAssignment assignment = empty_assignment(members);
  const std::vector<const MemberSubscription*> order = sorted_members(members);
  if (order.empty()) return assignment;
  std::set<std::string> topics;
  for (const MemberSubscription& m : members) topics.insert(m.topics.begin(), m.topics.end());
  std::size_t next = 0;  // the circular iterator over the sorted members
  for (const std::string& topic : topics) {
    const auto count = partitions_per_topic.find(topic);
    if (count == partitions_per_topic.end()) continue;
    for (std::int32_t p = 0; p < count->second; ++p) {
      while (!subscribes(*order[next % order.size()], topic)) ++next;
      assignment[order[next % order.size()]->member_id].push_back(TopicPartition{topic, p});
      ++next;
    }
  }
  return assignment;
}

}  // namespace ksim::core
