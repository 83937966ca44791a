// Simulation: one run of the world. It owns the clock and scheduler, the random source, the
// network, the trace and the nodes, and it applies faults.
//
// Everything a front end does (the CLI running a scenario, the GUI stepping or injecting a crash
// by hand, a test) goes through these public calls, so every way of driving a run is the same
// deterministic sequence of scheduled events.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/fault_plan.hpp"
#include "sim/network.hpp"
#include "sim/node.hpp"
#include "sim/random.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "sim/world_events.hpp"

namespace ksim::sim {

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed, LinkParams network_defaults = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Scheduler& scheduler() { return scheduler_; }
  Time now() const { return scheduler_.now(); }
  Network& network() { return network_; }
  Trace& trace() { return trace_; }
  // The kernel's typed events (a node stopped, a fault applied, a message sent or lost); the
  // trace is written from them.
  WorldEvents& events() { return events_; }
  const RandomSource& random() const { return random_; }

  // Creates a node owned by the simulation. Names must be unique ("broker:1").
  template <typename NodeType, typename... Args>
  NodeType& add_node(Args&&... args) {
    auto node = std::make_unique<NodeType>(std::forward<Args>(args)...);
    NodeType& ref = *node;
    adopt(std::move(node));
    return ref;
  }
  std::size_t node_count() const { return nodes_.size(); }
  Node& node(NodeId id) { return *nodes_.at(id.value); }
  const Node& node(NodeId id) const { return *nodes_.at(id.value); }
  std::optional<NodeId> find_node(std::string_view name) const;
  std::string node_name(NodeId id) const;

  // Node lifecycle. Each call takes effect now and is traced.
  void start(NodeId id);
  void stop(NodeId id, StopKind kind);
  void pause(NodeId id);
  void resume(NodeId id);

  // Applies a fault now, or at its time through the scheduler. Every action, whether it came
  // from a plan or by hand, is recorded in applied_plan() with the time it took effect: the
  // record of what this run did, which can be saved and replayed.
  void apply(const FaultAction& action);
  void schedule(const FaultAction& action);
  void schedule(const FaultPlan& plan);
  const FaultPlan& applied_plan() const { return applied_; }

  // Running. These forward to the scheduler.
  bool step() { return scheduler_.step(); }
  void run_until(Time until) { scheduler_.run_until(until); }
  void run_for(Duration span) { scheduler_.run_until(now() + span); }

 private:
  void adopt(std::unique_ptr<Node> node);
  void apply_network_fault(const FaultAction& action);
  std::vector<NodeId> everyone_except(const std::vector<NodeId>& side) const;
  std::string describe_side(const std::vector<NodeId>& side) const;
  template <typename Event>
  void report(NodeId node, const Event& event) { events_.report(EventStamp{now(), node}, event); }

  Scheduler scheduler_;
  RandomSource random_;
  Trace trace_;
  WorldEvents events_{trace_};
  Network network_;
  std::vector<std::unique_ptr<Node>> nodes_;
  FaultPlan applied_;
};

}  // namespace ksim::sim
