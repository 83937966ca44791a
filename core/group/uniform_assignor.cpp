#include "core/group/uniform_assignor.hpp"

#include <algorithm>

#include "core/protocol/java_hashing.hpp"

namespace ksim::core {

ServerAssignment assign_uniform(const std::vector<std::int32_t>& partitions,
                                       const std::vector<AssignorMemberSpec>& members) {
  ServerAssignment result;
  result.assignments.resize(members.size());
  if (members.empty()) return result;
  const std::vector<std::int32_t>& subscribed = members.front().subscribed;
  for (const AssignorMemberSpec& m : members) {
    if (m.subscribed != subscribed) return assign_uniform_heterogeneous(partitions, members);
  }
  if (subscribed.empty()) return result;
  std::vector<char> is_subscribed(partitions.size(), 0);
  for (const std::int32_t t : subscribed) is_subscribed[static_cast<std::size_t>(t)] = 1;

  // Who holds what now, to find the partitions nobody holds.
  std::vector<std::size_t> first_of_topic(partitions.size() + 1, 0);
  std::int64_t total = 0;
  for (std::size_t t = 0; t < partitions.size(); ++t) {
    first_of_topic[t + 1] = first_of_topic[t] + static_cast<std::size_t>(std::max(partitions[t], 0));
  }
  std::vector<char> held(first_of_topic.back(), 0);
  const auto index_of = [&](const TopicIndexPartition& tp) { return first_of_topic[static_cast<std::size_t>(tp.topic)] + static_cast<std::size_t>(tp.partition); };
  const auto exists = [&](const TopicIndexPartition& tp) {
    return tp.topic >= 0 && static_cast<std::size_t>(tp.topic) < partitions.size() && tp.partition >= 0 &&
           tp.partition < partitions[static_cast<std::size_t>(tp.topic)];
  };
  for (const AssignorMemberSpec& m : members) {
    for (const TopicIndexPartition& tp : m.assigned) {
      if (exists(tp)) held[index_of(tp)] = 1;
    }
  }
  std::vector<TopicIndexPartition> unassigned;
  for (const std::int32_t t : subscribed) {
    const std::int32_t count = partitions[static_cast<std::size_t>(t)];
    if (count < 0) {
      result.error = "members subscribe to a topic the metadata does not have";
      result.assignments.clear();
      return result;
    }
    for (std::int32_t p = 0; p < count; ++p) {
      if (held[first_of_topic[static_cast<std::size_t>(t)] + static_cast<std::size_t>(p)] == 0) unassigned.push_back({t, p});
    }
    total += count;
  }

  // The coordinator's members map is a HashMap keyed by member id: its iteration order decides who
  // gets the extra partitions and who is filled first.
  std::vector<std::int32_t> hashes;
  hashes.reserve(members.size());
  for (const AssignorMemberSpec& m : members) hashes.push_back(java_string_hash(m.member_id));
  const std::vector<std::size_t> order = java_hash_map_order(hashes);

  const auto member_count = static_cast<std::int64_t>(members.size());
  const auto minimum_quota = static_cast<std::int32_t>(total / member_count);
  auto extra = static_cast<std::int32_t>(total % member_count);

  // Keep up to the quota, give back the rest and what is no longer subscribed.
  struct Unfilled {
    std::size_t member;
    std::int32_t remaining;
  };
  std::vector<Unfilled> unfilled;
  for (const std::size_t i : order) {
    std::int32_t quota = minimum_quota;
    if (extra > 0) {
      ++quota;
      --extra;
    }
    std::vector<TopicIndexPartition>& kept = result.assignments[i];
    for (const TopicIndexPartition& tp : members[i].assigned) {
      if (!exists(tp) || is_subscribed[static_cast<std::size_t>(tp.topic)] == 0) continue;
      if (quota > 0) {
        kept.push_back(tp);
        --quota;
      } else {
        unassigned.push_back(tp);
      }
    }
    if (quota > 0) unfilled.push_back({i, quota});
  }

  // Deal what is free to the members below their quota.
  std::size_t next = 0;
  for (const Unfilled& u : unfilled) {
    std::vector<TopicIndexPartition>& list = result.assignments[u.member];
    for (std::int32_t n = 0; n < u.remaining && next < unassigned.size(); ++n) list.push_back(unassigned[next++]);
    std::sort(list.begin(), list.end());
  }
  if (next < unassigned.size()) {
    result.error = "partitions were left unassigned";  // cannot happen: the quotas add up to the total
    result.assignments.clear();
  }
  return result;
}

}  // namespace ksim::core
