// FaultType: what a scenario's fault does, its "do" key. One table (fault_type.cpp) holds each
// type's name as scenario files spell it, whether it names a target, and the kernel fault it
// becomes, so the loader, the runner, `ksim explore` and the GUI agree on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_plan.hpp"

namespace ksim::core {

enum class FaultType : std::uint8_t {
  crash,           // the process of a broker, the controller or a client dies
  power_loss,      // its machine stops: what was not flushed is gone
  disk_loss,       // its machine stops and its disk is gone
  stop,            // a broker shuts down cleanly: controlled shutdown, flush, exit (SIGTERM)
  restart,         // a stopped node starts again
  pause,           // a stop-the-world pause (a long GC)
  resume,          // the pause ends
  partition,       // cut the network between two sides (one way with one_way)
  isolate,         // cut a node from everyone
  heal,            // remove cuts between two sides, or all of them
  slow_link,       // latency, jitter, bandwidth or loss between two sides
  restore_link,    // the network's defaults back between two sides
  slow,            // a consumer's application processes more slowly
  add_consumer,    // members join a group
  add_partitions,  // a topic gets more partitions
  reset_offsets,   // kafka-consumer-groups --reset-offsets on an inactive group
  set_config,      // change a topic's, producer's or group's configs while the run goes
};

// "crash", "power-loss", ..., "set-config".
std::string_view fault_type_name(FaultType type);
std::optional<FaultType> parse_fault_type(std::string_view name);
// Every name, in the table's order (for "did you mean").
std::vector<std::string> fault_type_names();
// Whether the fault names a target node ("target": "broker:1", "consumer:billing/0", a role).
bool names_target(FaultType type);
// The kernel's fault on one node for the node faults (crash, power-loss, disk-loss, restart,
// pause, resume, isolate); nothing for the others.
std::optional<sim::FaultKind> node_fault(FaultType type);
// Whether the fault acts between two sides of the network (partition, heal, slow-link,
// restore-link).
bool between_sides(FaultType type);

}  // namespace ksim::core
