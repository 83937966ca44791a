// The assignors by the names partition.assignment.strategy uses, and the rebalance protocol each
// supports: range, roundrobin and sticky rebalance eagerly (everything is revoked before a
// rebalance); cooperative-sticky supports the cooperative protocol (only what moves is revoked).
#pragma once

#include <optional>
#include <string_view>

#include "core/client/assignor.hpp"

namespace ksim::core {

bool is_known_assignor(std::string_view name);
bool supports_cooperative(std::string_view name);
// The assignment the named assignor computes, or nothing for an unknown name.
std::optional<GroupAssignment> run_assignor(std::string_view name, const std::vector<MemberSubscription>& members,
                                            const std::map<std::string, std::int32_t>& partitions_per_topic);

}  // namespace ksim::core
