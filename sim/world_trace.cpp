// The trace encoding of the kernel's own events: kinds and fields exactly as the fingerprint has
// always hashed them (docs/architecture.md lists them). Changing a name or a field here changes
// every golden hash, on purpose or not at all.
#include "sim/fault_plan.hpp"
#include "sim/node.hpp"
#include "sim/world_events.hpp"

namespace ksim::sim {

void encode(Trace& trace, const EventStamp& s, const NodeStarted& e) {
  trace.emit(s.time, s.node, "node.started", {{"incarnation", e.incarnation}});
}

void encode(Trace& trace, const EventStamp& s, const NodeStopped& e) {
  trace.emit(s.time, s.node, "node.stopped", {{"how", stop_kind_name(e.how)}});
}

void encode(Trace& trace, const EventStamp& s, const NodePaused&) { trace.emit(s.time, s.node, "node.paused"); }

void encode(Trace& trace, const EventStamp& s, const NodeResumed& e) {
  trace.emit(s.time, s.node, "node.resumed", {{"waiting", e.waiting}});
}

void encode(Trace& trace, const EventStamp& s, const FaultApplied& e) {
  const std::string_view name = fault_kind_name(e.action.kind);
  if (fault_needs_target(e.action.kind)) {
    trace.emit(s.time, s.node, "fault.applied", {{"fault", name}, {"target", e.action.target}});
  } else {
    trace.emit(s.time, s.node, "fault.applied", {{"fault", name}, {"side_a", e.side_a}, {"side_b", e.side_b}});
  }
}

void encode(Trace& trace, const EventStamp& s, const MessageSent& e) {
  trace.emit(s.time, s.node, "net.sent",
             {{"to", e.to}, {"bytes", e.bytes}, {"label", e.label}, {"arrival_ns", e.arrival.ns()}});
}

void encode(Trace& trace, const EventStamp& s, const MessageDelayed& e) {
  trace.emit(s.time, s.node, "net.delayed",
             {{"to", e.to}, {"label", e.label}, {"reason", e.reason}, {"retry_ns", e.retry.ns()}});
}

void encode(Trace& trace, const EventStamp& s, const MessageRetransmitted& e) {
  trace.emit(s.time, s.node, "net.retransmitted", {{"to", e.to}, {"label", e.label}, {"arrival_ns", e.arrival.ns()}});
}

void encode(Trace& trace, const EventStamp& s, const ConnectionEstablished& e) {
  trace.emit(s.time, s.node, "net.connected", {{"peer", e.peer}});
}

void encode(Trace& trace, const EventStamp& s, const ConnectionClosed& e) {
  trace.emit(s.time, s.node, "net.closed", {{"peer", e.peer}});
}

void encode(Trace& trace, const EventStamp& s, const MessageDropped& e) {
  trace.emit(s.time, s.node, "net.dropped", {{"to", e.to}, {"label", e.label}, {"reason", e.reason}});
}

void encode(Trace& trace, const EventStamp& s, const ConnectionReset& e) {
  trace.emit(s.time, s.node, "net.connection_reset", {{"peer", e.peer}, {"reason", e.reason}});
}

void WorldEvents::detach(WorldObserver& observer) {
  std::erase(observers_, &observer);
}

}  // namespace ksim::sim
