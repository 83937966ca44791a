// Faults as data: what to break, when, and where.
//
// A FaultPlan is a time-ordered list of actions. The simulation applies each one through the
// scheduler when its time comes, and records it in the trace ("fault.applied"). Faults injected by
// hand (from the GUI) are the same FaultAction values appended to the running plan, so any session
// can be saved and replayed.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "sim/network.hpp"
#include "sim/node_id.hpp"
#include "sim/time.hpp"

namespace ksim::sim {

enum class FaultKind {
  crash,              // process crash: volatile state lost, page cache kept, peers see a reset
  power_loss,         // the machine stops: unflushed data lost, peers learn only by timeout
  disk_loss,          // like power_loss, and the disk is gone: the node restarts empty
  restart,            // a stopped node starts a new incarnation from its durable state
  pause,              // stop-the-world pause (a long GC): the node does nothing, its work waits
  resume,             // the pause ends; what waited runs now, in order
  partition,          // cut both ways between side_a and side_b
  partition_one_way,  // cut only what side_a sends to side_b
  isolate,            // cut the target from every other node, both ways
  heal,               // remove cuts between side_a and side_b, or every cut when both are empty
  set_link,           // override latency / jitter / bandwidth / loss between the sides
  restore_link,       // back to the network defaults between the sides
};

// Spelled as in scenario files: "crash", "power-loss", "partition-one-way", ...
std::string_view fault_kind_name(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view name);
// Node faults name a target; network faults name sides (isolate names a target).
bool fault_needs_target(FaultKind kind);

struct FaultAction {
  Time at;
  FaultKind kind = FaultKind::crash;
  NodeId target;                 // crash, power_loss, restart, pause, resume, isolate
  std::vector<NodeId> side_a;    // partition, heal, set_link, restore_link
  std::vector<NodeId> side_b;    // empty for partitions: every node not in side_a
  LinkParams link;               // set_link

  // A fault on one node (crash, power_loss, restart, pause, resume, isolate).
  static FaultAction on_node(Time at, FaultKind kind, NodeId target);
  // A fault between two sides of the network; an empty side_b means every other node.
  static FaultAction between(Time at, FaultKind kind, std::vector<NodeId> side_a,
                             std::vector<NodeId> side_b = {});
};

class FaultPlan {
 public:
  // Keeps the plan in time order; actions at the same time stay in the order they were added.
  void add(FaultAction action);
  const std::vector<FaultAction>& actions() const { return actions_; }
  bool empty() const { return actions_.empty(); }

 private:
  std::vector<FaultAction> actions_;
};

}  // namespace ksim::sim
