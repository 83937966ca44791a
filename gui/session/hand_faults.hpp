// The faults a teacher makes by hand, as scenario-file JSON objects (without their "at": the
// session stamps the moment). Building them as the file's own text means a fault from a context
// menu is checked by the loader exactly as one written in a lab, and "Save as scenario" writes
// what was checked. Nothing here touches Qt.
#pragma once

#include <array>
#include <string>

#include "core/scenario/fault_type.hpp"

namespace ksim::gui::hand_fault {

// The node faults a broker's menus offer, in their order: a clean stop first, then the failures.
inline constexpr std::array kBrokerFaults{core::FaultType::stop,    core::FaultType::crash,  core::FaultType::power_loss,
                                          core::FaultType::restart, core::FaultType::pause,  core::FaultType::resume,
                                          core::FaultType::isolate};

// A node fault (stop, crash, power-loss, disk-loss, restart, pause, resume, isolate) on a node
// ("broker:2", "consumer:billing/0", ...); the loader says which a kind of node takes.
std::string on_node(core::FaultType type, const std::string& node);
// Messages from `from` to `to` are dropped; both ways unless `one_way`.
std::string cut_link(const std::string& from, const std::string& to, bool one_way);
// The link between two nodes gets this latency and loss (both ways).
std::string slow_link(const std::string& a, const std::string& b, int latency_ms, double loss);
// The link between two nodes back to the cluster's network (a cut healed, a slow link restored).
std::string heal_link(const std::string& a, const std::string& b);
std::string restore_link(const std::string& a, const std::string& b);
// A consumer's processing gets `factor` times slower.
std::string slow_consumer(const std::string& member, double factor);
// One more member in a group.
std::string add_consumer(const std::string& group);
// One config of a topic ("topic:orders"), a producer ("producer:app"), a group's members
// ("group:billing"); `value` is JSON text ("2", "true", "\"all\"").
std::string set_config(const std::string& target, const std::string& key, const std::string& value_json);

}  // namespace ksim::gui::hand_fault
