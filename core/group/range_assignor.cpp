#include "core/group/range_assignor.hpp"

#include <algorithm>
#include <numeric>

namespace ksim::core {

ServerAssignment assign_range_server(const std::vector<std::int32_t>& partitions,
                                     const std::vector<AssignorMemberSpec>& members) {
  ServerAssignment result;
  result.assignments.resize(members.size());
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const AssignorMemberSpec& x = members[a];
    const AssignorMemberSpec& y = members[b];
    if (x.instance_id && y.instance_id) return *x.instance_id < *y.instance_id;
    if (x.instance_id || y.instance_id) return x.instance_id.has_value();
    return x.member_id < y.member_id;
  });
  // Per topic: how many members share it, and where the next range starts.
  struct Topic {
    std::int32_t members = 0;
    std::int32_t minimum = 0;
    std::int32_t extra = 0;
    std::int32_t next = 0;
  };
  std::vector<Topic> topics(partitions.size());
  for (const AssignorMemberSpec& m : members) {
    for (const std::int32_t t : m.subscribed) {
      if (t < 0 || static_cast<std::size_t>(t) >= partitions.size() || partitions[static_cast<std::size_t>(t)] < 0) {
        result.error = "member " + m.member_id + " subscribes to a topic the metadata does not have";
        result.assignments.clear();
        return result;
      }
      ++topics[static_cast<std::size_t>(t)].members;
    }
  }
  for (std::size_t t = 0; t < topics.size(); ++t) {
    if (topics[t].members == 0) continue;
    topics[t].minimum = partitions[t] / topics[t].members;
    topics[t].extra = partitions[t] % topics[t].members;
  }
  for (const std::size_t i : order) {
    std::vector<TopicIndexPartition>& list = result.assignments[i];
    for (const std::int32_t t : members[i].subscribed) {
      Topic& topic = topics[static_cast<std::size_t>(t)];
      std::int32_t quota = topic.minimum;
      if (topic.extra > 0) {
        ++quota;
        --topic.extra;
      }
      const std::int32_t end = std::min(topic.next + quota, partitions[static_cast<std::size_t>(t)]);
      for (std::int32_t p = topic.next; p < end; ++p) list.push_back({t, p});
      topic.next = end;
    }
  }
  return result;
}

}  // namespace ksim::core
