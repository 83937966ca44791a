#include "sim/fault_plan.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ksim::sim {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 12> kNames{{
    {FaultKind::crash, "crash"},
    {FaultKind::power_loss, "power-loss"},
    {FaultKind::disk_loss, "disk-loss"},
    {FaultKind::restart, "restart"},
    {FaultKind::pause, "pause"},
    {FaultKind::resume, "resume"},
    {FaultKind::partition, "partition"},
    {FaultKind::partition_one_way, "partition-one-way"},
    {FaultKind::isolate, "isolate"},
    {FaultKind::heal, "heal"},
    {FaultKind::set_link, "set-link"},
    {FaultKind::restore_link, "restore-link"},
}};

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  for (const auto& [kind, spelled] : kNames) {
    if (spelled == name) return kind;
  }
  return std::nullopt;
}

bool fault_needs_target(FaultKind kind) {
  switch (kind) {
    case FaultKind::crash:
    case FaultKind::power_loss:
    case FaultKind::disk_loss:
    case FaultKind::restart:
    case FaultKind::pause:
    case FaultKind::resume:
    case FaultKind::isolate:
      return true;
    default:
      return false;
  }
}

FaultAction FaultAction::on_node(Time at, FaultKind kind, NodeId target) {
  FaultAction action;
  action.at = at;
  action.kind = kind;
  action.target = target;
  return action;
}

FaultAction FaultAction::between(Time at, FaultKind kind, std::vector<NodeId> side_a,
                                 std::vector<NodeId> side_b) {
  FaultAction action;
  action.at = at;
  action.kind = kind;
  action.side_a = std::move(side_a);
  action.side_b = std::move(side_b);
  return action;
}

void FaultPlan::add(FaultAction action) {
  const auto after = std::upper_bound(
      actions_.begin(), actions_.end(), action.at,
      [](Time at, const FaultAction& existing) { return at < existing.at; });
  actions_.insert(after, std::move(action));
}

}  // namespace ksim::sim
