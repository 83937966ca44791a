#include "core/scenario/fault_type.hpp"

#include <array>

namespace ksim::core {
namespace {

struct FaultTypeInfo {
  FaultType type;
  std::string_view name;
  bool names_target;
  std::optional<sim::FaultKind> node_fault;
  bool between_sides;
};

constexpr std::array kFaultTypes{
    FaultTypeInfo{FaultType::crash, "crash", true, sim::FaultKind::crash, false},
    FaultTypeInfo{FaultType::power_loss, "power-loss", true, sim::FaultKind::power_loss, false},
    FaultTypeInfo{FaultType::disk_loss, "disk-loss", true, sim::FaultKind::disk_loss, false},
    FaultTypeInfo{FaultType::stop, "stop", true, std::nullopt, false},
    FaultTypeInfo{FaultType::restart, "restart", true, sim::FaultKind::restart, false},
    FaultTypeInfo{FaultType::pause, "pause", true, sim::FaultKind::pause, false},
    FaultTypeInfo{FaultType::resume, "resume", true, sim::FaultKind::resume, false},
    FaultTypeInfo{FaultType::partition, "partition", false, std::nullopt, true},
    FaultTypeInfo{FaultType::isolate, "isolate", true, sim::FaultKind::isolate, false},
    FaultTypeInfo{FaultType::heal, "heal", false, std::nullopt, true},
    FaultTypeInfo{FaultType::slow_link, "slow-link", false, std::nullopt, true},
    FaultTypeInfo{FaultType::restore_link, "restore-link", false, std::nullopt, true},
    FaultTypeInfo{FaultType::slow, "slow", true, std::nullopt, false},
    FaultTypeInfo{FaultType::add_consumer, "add-consumer", false, std::nullopt, false},
    FaultTypeInfo{FaultType::add_partitions, "add-partitions", false, std::nullopt, false},
    FaultTypeInfo{FaultType::reset_offsets, "reset-offsets", false, std::nullopt, false},
    FaultTypeInfo{FaultType::set_config, "set-config", false, std::nullopt, false},
};

const FaultTypeInfo& info(FaultType type) {
  for (const FaultTypeInfo& i : kFaultTypes) {
    if (i.type == type) return i;
  }
  return kFaultTypes.front();  // unreachable: every type is in the table (a test pins it)
}

}  // namespace

std::string_view fault_type_name(FaultType type) { return info(type).name; }

std::optional<FaultType> parse_fault_type(std::string_view name) {
  for (const FaultTypeInfo& i : kFaultTypes) {
    if (i.name == name) return i.type;
  }
  return std::nullopt;
}

std::vector<std::string> fault_type_names() {
  std::vector<std::string> names;
  for (const FaultTypeInfo& i : kFaultTypes) names.emplace_back(i.name);
  return names;
}

bool names_target(FaultType type) { return info(type).names_target; }
std::optional<sim::FaultKind> node_fault(FaultType type) { return info(type).node_fault; }
bool between_sides(FaultType type) { return info(type).between_sides; }

}  // namespace ksim::core
