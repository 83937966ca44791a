// World events: what the kernel itself reports (a node started or stopped, a fault applied, a
// message sent or lost), as typed values, to whoever observes the run.
//
// Every event reaches observers as (stamp, event): the stamp says when and on which node it
// happened, the event what. Observers receive them synchronously, in the order they happen, and
// the event lives only for the call: text in it is a view into the emitter's data, so an
// observer that keeps something copies it.
//
// The trace (the fingerprint and the JSON Lines file) is written from these same values by one
// encoder (world_trace.cpp): nothing else turns an event into text, and nothing reads text back.
// A model built on the kernel (core/'s Kafka) extends WorldObserver with events of its own.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/node_id.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace ksim::sim {

enum class StopKind;
struct FaultAction;

// When and where an event happened. `node` is NodeId::none() for the world itself (a fault).
struct EventStamp {
  Time time;
  NodeId node;
};

struct NodeStarted {
  std::uint32_t incarnation = 0;
};

struct NodeStopped {
  StopKind how;
};

struct NodePaused {};

struct NodeResumed {
  std::uint64_t waiting = 0;  // callbacks that came due during the pause and run now
};

// A fault took effect. A node fault names its target; a network fault its two sides, described
// as the trace shows them ("broker:1,broker:2", "rest" for every other node, "" for none).
struct FaultApplied {
  const FaultAction& action;
  std::string_view side_a;
  std::string_view side_b;
};

struct MessageSent {
  NodeId to;
  std::uint32_t bytes = 0;
  std::string_view label;  // the request or response type: "Produce", "FetchResponse", ...
  Time arrival;            // when it will reach `to`; Time::max() while it waits behind a lost one
};

// A transmission was lost ("loss", "partition", "host-down"); the sender's kernel sends it again
// at `retry`, and what was sent after it on its connection waits.
struct MessageDelayed {
  NodeId to;
  std::string_view label;
  std::string_view reason;
  Time retry;
};

// A message went out again after a loss; it arrives at `arrival` unless lost again.
struct MessageRetransmitted {
  NodeId to;
  std::string_view label;
  Time arrival;
};

// A message died with its connection ("connection-reset"), or was sent on one its sender no
// longer had ("not-connected").
struct MessageDropped {
  NodeId to;
  std::string_view label;
  std::string_view reason;
};

// The node's connection to `peer` completed its handshake.
struct ConnectionEstablished {
  NodeId peer;
};

// The node closed a connection: its own to `peer`, or the one `peer` opened to it.
struct ConnectionClosed {
  NodeId peer;
};

// The node's connection to `peer` ended from afar: "refused" (nothing listens there), "reset"
// (the peer's process died, or its host forgot the connection), "closed" (the peer closed it) or
// "timed-out" (TCP gave up retransmitting).
struct ConnectionReset {
  NodeId peer;
  std::string_view reason;
};

// Receives world events. Every handler does nothing by default: an observer overrides what it
// follows (and adds `using WorldObserver::on;` so the others stay visible).
class WorldObserver {
 public:
  virtual ~WorldObserver() = default;
  virtual void on(const EventStamp&, const NodeStarted&) {}
  virtual void on(const EventStamp&, const NodeStopped&) {}
  virtual void on(const EventStamp&, const NodePaused&) {}
  virtual void on(const EventStamp&, const NodeResumed&) {}
  virtual void on(const EventStamp&, const FaultApplied&) {}
  virtual void on(const EventStamp&, const MessageSent&) {}
  virtual void on(const EventStamp&, const MessageDelayed&) {}
  virtual void on(const EventStamp&, const MessageRetransmitted&) {}
  virtual void on(const EventStamp&, const MessageDropped&) {}
  virtual void on(const EventStamp&, const ConnectionEstablished&) {}
  virtual void on(const EventStamp&, const ConnectionClosed&) {}
  virtual void on(const EventStamp&, const ConnectionReset&) {}
};

// Encodes a world event into the trace exactly as `ksim` has always written it (world_trace.cpp).
void encode(Trace& trace, const EventStamp& stamp, const NodeStarted& e);
void encode(Trace& trace, const EventStamp& stamp, const NodeStopped& e);
void encode(Trace& trace, const EventStamp& stamp, const NodePaused& e);
void encode(Trace& trace, const EventStamp& stamp, const NodeResumed& e);
void encode(Trace& trace, const EventStamp& stamp, const FaultApplied& e);
void encode(Trace& trace, const EventStamp& stamp, const MessageSent& e);
void encode(Trace& trace, const EventStamp& stamp, const MessageDelayed& e);
void encode(Trace& trace, const EventStamp& stamp, const MessageRetransmitted& e);
void encode(Trace& trace, const EventStamp& stamp, const MessageDropped& e);
void encode(Trace& trace, const EventStamp& stamp, const ConnectionEstablished& e);
void encode(Trace& trace, const EventStamp& stamp, const ConnectionClosed& e);
void encode(Trace& trace, const EventStamp& stamp, const ConnectionReset& e);

// The kernel's event stream: the trace first (when anyone listens to it), then each observer in
// the order they were attached. Reporting to nobody costs two branches.
class WorldEvents {
 public:
  explicit WorldEvents(Trace& trace) : trace_(trace) {}

  void attach(WorldObserver& observer) { observers_.push_back(&observer); }
  void detach(WorldObserver& observer);
  Trace& trace() const { return trace_; }
  bool wanted() const { return trace_.enabled() || !observers_.empty(); }

  template <typename Event>
  void report(const EventStamp& stamp, const Event& event) {
    if (trace_.enabled()) encode(trace_, stamp, event);
    for (WorldObserver* observer : observers_) observer->on(stamp, event);
  }

 private:
  Trace& trace_;
  std::vector<WorldObserver*> observers_;
};

}  // namespace ksim::sim
