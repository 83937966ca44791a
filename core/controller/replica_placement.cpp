#include "core/controller/replica_placement.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ksim::core {
namespace {

std::int32_t replica_index(std::int32_t first, std::int32_t shift, std::int32_t replica,
                           std::int32_t brokers) {
  const std::int32_t offset = 1 + (shift + replica) % (brokers - 1);
  return (first + offset) % brokers;
}

// Brokers ordered so that consecutive ones sit in different racks: one from each rack (racks in
// name order, brokers by id within a rack), round after round.
std::vector<BrokerPlacementInfo> rack_alternated(const std::vector<BrokerPlacementInfo>& brokers) {
  std::map<std::string, std::vector<BrokerPlacementInfo>> by_rack;
  for (const auto& b : brokers) by_rack[b.rack].push_back(b);
  std::vector<BrokerPlacementInfo> out;
  for (std::size_t round = 0; out.size() < brokers.size(); ++round) {
    for (const auto& [rack, members] : by_rack) {
      if (round < members.size()) out.push_back(members[round]);
    }
  }
  return out;
}

}  // namespace

std::vector<std::vector<BrokerId>> place_replicas(std::vector<BrokerPlacementInfo> brokers,
                                                  std::int32_t first_partition, std::int32_t count,
                                                  std::int32_t replication_factor,
                                                  std::int32_t start_index, std::int32_t shift) {
  std::sort(brokers.begin(), brokers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const bool rack_aware = !brokers.empty() && std::all_of(brokers.begin(), brokers.end(),
                                                          [](const auto& b) { return !b.rack.empty(); });
  const auto n = static_cast<std::int32_t>(brokers.size());
  std::vector<std::vector<BrokerId>> result;
  if (rack_aware) brokers = rack_alternated(brokers);
  std::set<std::string> all_racks;
  for (const auto& b : brokers) all_racks.insert(b.rack);
  const auto racks = static_cast<std::int32_t>(all_racks.size());

  std::int32_t next_shift = shift;
  for (std::int32_t partition = first_partition; partition < first_partition + count; ++partition) {
    if (partition > 0 && partition % n == 0) ++next_shift;
    const std::int32_t first = (partition + start_index) % n;
    std::vector<BrokerId> replicas{brokers[static_cast<std::size_t>(first)].id};
    if (!rack_aware) {
      for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
        replicas.push_back(brokers[static_cast<std::size_t>(replica_index(first, next_shift, j, n))].id);
      }
    } else {
      std::set<std::string> used_racks{brokers[static_cast<std::size_t>(first)].rack};
      std::set<BrokerId> used{replicas[0]};
      std::int32_t k = 0;
      for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
        for (;;) {
          const auto& candidate =
              brokers[static_cast<std::size_t>(replica_index(first, next_shift * racks, k, n))];
          ++k;
          const bool rack_ok = !used_racks.count(candidate.rack) ||
                               static_cast<std::int32_t>(used_racks.size()) == racks;
          const bool broker_ok = !used.count(candidate.id) || static_cast<std::int32_t>(used.size()) == n;
          if (rack_ok && broker_ok) {
            replicas.push_back(candidate.id);
            used_racks.insert(candidate.rack);
            used.insert(candidate.id);
            break;
          }
        }
      }
    }
    result.push_back(std::move(replicas));
  }
  return result;
}

}  // namespace ksim::core
