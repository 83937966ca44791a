#include "sim/simulation.hpp"

#include "sim/assert.hpp"

namespace ksim::sim {

Simulation::Simulation(std::uint64_t seed, LinkParams network_defaults)
    : random_(seed), network_(scheduler_, events_, random_, network_defaults) {
  network_.set_ready_handler([this](NodeId client, NodeId server) {
    nodes_[client.value]->on_connection_ready(server);
  });
  network_.set_reset_handler([this](NodeId client, NodeId server) {
    nodes_[client.value]->on_connection_reset(server);
  });
}

Simulation::~Simulation() {
  // Pending events and paused nodes' waiting work may hold messages of the network; drop them
  // while the network still exists.
  network_.shut_down();
  scheduler_.clear();
  for (auto& node : nodes_) node->liveness_.deferred.clear();
}

void Simulation::adopt(std::unique_ptr<Node> node) {
  KSIM_ASSERT(!find_node(node->name()).has_value(), "node names must be unique");
  const NodeId id{static_cast<std::uint32_t>(nodes_.size())};
  node->simulation_ = this;
  node->id_ = id;
  node->rng_ = random_.stream("node/" + node->name());
  scheduler_.register_owner(node->liveness_);
  network_.add_node(id, node->name(), node->liveness_);
  nodes_.push_back(std::move(node));
}

std::optional<NodeId> Simulation::find_node(std::string_view name) const {
  for (const auto& node : nodes_) {
    if (node->name() == name) return node->id();
  }
  return std::nullopt;
}

std::string Simulation::node_name(NodeId id) const {
  return id.valid() && id.value < nodes_.size() ? nodes_[id.value]->name() : "?";
}

void Simulation::start(NodeId id) {
  Node& n = node(id);
  if (n.liveness_.running) return;
  n.liveness_.incarnation += 1;
  n.liveness_.running = true;
  n.liveness_.paused = false;
  network_.node_started(id);
  report(id, NodeStarted{n.liveness_.incarnation});
  n.on_start();
}

void Simulation::stop(NodeId id, StopKind kind) {
  Node& n = node(id);
  if (!n.liveness_.running) return;
  n.liveness_.running = false;
  n.liveness_.paused = false;
  // The network first: messages that waited out a pause die with their connections.
  network_.node_stopped(id, kind == StopKind::process_crash || kind == StopKind::process_exit,
                        kind == StopKind::process_exit);
  n.liveness_.deferred.clear();
  report(id, NodeStopped{kind});
  n.on_stop(kind);
}

void Simulation::pause(NodeId id) {
  Liveness& life = node(id).liveness_;
  if (!life.running || life.paused) return;
  life.paused = true;
  report(id, NodePaused{});
}

void Simulation::resume(NodeId id) {
  Liveness& life = node(id).liveness_;
  if (!life.paused) return;
  life.paused = false;
  // What came due during the pause runs now, in the order it came due.
  std::vector<Callback> waiting = std::move(life.deferred);
  life.deferred.clear();
  report(id, NodeResumed{waiting.size()});
  for (Callback& callback : waiting) {
    scheduler_.schedule_at(now(), std::move(callback), Guard::of(life));
  }
}

void Simulation::schedule(const FaultAction& action) {
  scheduler_.schedule_at(action.at, [this, action_copy = std::make_unique<FaultAction>(action)] {
    apply(*action_copy);
  });
}

void Simulation::schedule(const FaultPlan& plan) {
  for (const FaultAction& action : plan.actions()) schedule(action);
}

void Simulation::apply(const FaultAction& action) {
  FaultAction record = action;
  record.at = now();
  if (fault_needs_target(action.kind)) {
    KSIM_ASSERT(action.target.valid() && action.target.value < nodes_.size(),
                "a node fault needs an existing target");
    report(NodeId::none(), FaultApplied{action, {}, {}});
  } else if (events_.wanted()) {
    const std::string a = describe_side(action.side_a);
    const std::string b = action.side_b.empty() && !action.side_a.empty()
                              ? std::string("rest")
                              : describe_side(action.side_b);
    report(NodeId::none(), FaultApplied{action, a, b});
  }
  applied_.add(std::move(record));

  switch (action.kind) {
    case FaultKind::crash: stop(action.target, StopKind::process_crash); break;
    case FaultKind::power_loss: stop(action.target, StopKind::power_loss); break;
    case FaultKind::disk_loss: stop(action.target, StopKind::disk_loss); break;
    case FaultKind::restart: start(action.target); break;
    case FaultKind::pause: pause(action.target); break;
    case FaultKind::resume: resume(action.target); break;
    default: apply_network_fault(action); break;
  }
}

void Simulation::apply_network_fault(const FaultAction& action) {
  for (const auto* side : {&action.side_a, &action.side_b}) {
    for (const NodeId id : *side) {
      KSIM_ASSERT(id.valid() && id.value < nodes_.size(), "a network fault names an unknown node");
    }
  }
  if (action.kind == FaultKind::isolate) {
    for (const NodeId other : everyone_except({action.target})) {
      network_.block(action.target, other);
      network_.block(other, action.target);
    }
    return;
  }
  if (action.kind == FaultKind::heal && action.side_a.empty() && action.side_b.empty()) {
    network_.unblock_all();
    return;
  }
  const std::vector<NodeId> side_b =
      action.side_b.empty() ? everyone_except(action.side_a) : action.side_b;
  for (const NodeId a : action.side_a) {
    for (const NodeId b : side_b) {
      if (a == b) continue;
      switch (action.kind) {
        case FaultKind::partition:
          network_.block(a, b);
          network_.block(b, a);
          break;
        case FaultKind::partition_one_way:
          network_.block(a, b);
          break;
        case FaultKind::heal:
          network_.unblock(a, b);
          network_.unblock(b, a);
          break;
        case FaultKind::set_link:
          network_.set_link(a, b, action.link);
          network_.set_link(b, a, action.link);
          break;
        case FaultKind::restore_link:
          network_.restore_link(a, b);
          network_.restore_link(b, a);
          break;
        default:
          KSIM_ASSERT(false, "not a network fault");
      }
    }
  }
}

std::vector<NodeId> Simulation::everyone_except(const std::vector<NodeId>& side) const {
  std::vector<NodeId> rest;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    const NodeId id{i};
    bool inside = false;
    for (const NodeId s : side) inside = inside || s == id;
    if (!inside) rest.push_back(id);
  }
  return rest;
}

std::string Simulation::describe_side(const std::vector<NodeId>& side) const {
  std::string text;
  for (const NodeId id : side) {
    if (!text.empty()) text += ',';
    text += node_name(id);
  }
  return text;
}

}  // namespace ksim::sim
