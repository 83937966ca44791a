#include "sim/node.hpp"

#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace ksim::sim {

std::string_view stop_kind_name(StopKind kind) {
  switch (kind) {
    case StopKind::process_crash: return "process-crash";
    case StopKind::process_exit: return "process-exit";
    case StopKind::power_loss: return "power-loss";
    case StopKind::disk_loss: return "disk-loss";
  }
  return "unknown";
}

Time Node::now() const { return simulation_->now(); }

TimerId Node::after(Duration delay, Callback callback) { return at(now() + delay, std::move(callback)); }

TimerId Node::at(Time when, Callback callback) {
  KSIM_ASSERT(liveness_.running, "only a running node sets timers");
  return simulation_->scheduler().schedule_at(when, std::move(callback),
                                              Guard::of(liveness_));
}

bool Node::cancel(TimerId timer) { return simulation_->scheduler().cancel(timer); }

void Node::connect(NodeId peer) {
  KSIM_ASSERT(liveness_.running && !liveness_.paused, "only a running node connects");
  simulation_->network().connect(id_, peer);
}

ConnectionState Node::connection_state(NodeId peer) const { return simulation_->network().state(id_, peer); }

std::uint64_t Node::unacknowledged_bytes(NodeId peer) const {
  return simulation_->network().unacknowledged_bytes(id_, peer);
}

void Node::send(NodeId to, std::uint32_t bytes, std::string_view label, Callback on_delivery) {
  KSIM_ASSERT(liveness_.running && !liveness_.paused, "only a running node sends");
  simulation_->network().send(id_, to, Stream::request, bytes, label, std::move(on_delivery));
}

void Node::reply(NodeId to, std::uint32_t bytes, std::string_view label, Callback on_delivery) {
  KSIM_ASSERT(liveness_.running && !liveness_.paused, "only a running node sends");
  simulation_->network().send(id_, to, Stream::response, bytes, label, std::move(on_delivery));
}

void Node::close_connection(NodeId peer) {
  KSIM_ASSERT(liveness_.running && !liveness_.paused, "only a running node closes a connection");
  simulation_->network().close(id_, id_, peer);
}

void Node::close_accepted_connection(NodeId peer) {
  KSIM_ASSERT(liveness_.running && !liveness_.paused, "only a running node closes a connection");
  simulation_->network().close(id_, peer, id_);
}

void Node::emit(std::string_view kind, std::initializer_list<TraceField> fields) {
  simulation_->trace().emit(now(), id_, kind, fields);
}

}  // namespace ksim::sim
