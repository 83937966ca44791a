#include "core/client/assignors.hpp"

#include "core/client/sticky_assignor.hpp"

namespace ksim::core {
namespace {

using AssignorFunction = GroupAssignment (*)(const std::vector<MemberSubscription>&,
                                             const std::map<std::string, std::int32_t>&);

AssignorFunction find(std::string_view name) {
  if (name == "range") return &assign_range;
  if (name == "roundrobin") return &assign_round_robin;
  if (name == "sticky") return &assign_sticky;
  if (name == "cooperative-sticky") return &assign_cooperative_sticky;
  return nullptr;
}

}  // namespace

bool is_known_assignor(std::string_view name) { return find(name) != nullptr; }

bool supports_cooperative(std::string_view name) { return name == "cooperative-sticky"; }

std::optional<GroupAssignment> run_assignor(std::string_view name, const std::vector<MemberSubscription>& members,
                                            const std::map<std::string, std::int32_t>& partitions_per_topic) {
  const AssignorFunction assignor = find(name);
  if (assignor == nullptr) return std::nullopt;
  return assignor(members, partitions_per_topic);
}

}  // namespace ksim::core
