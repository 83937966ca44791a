// Node: one process of the simulated world (a broker, the controller, a client).
//
// A node lives through incarnations. start() begins one; a crash or power loss ends it; restart()
// begins the next. Every timer a node sets and every message sent to it belongs to the incarnation
// that was current at the time, and is dropped if that incarnation has ended: nothing of a crashed
// process ever runs again. What survives a stop is the subclass's decision, made in on_stop(): the
// kernel only says how the node stopped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sim/callback.hpp"
#include "sim/connection_state.hpp"
#include "sim/node_id.hpp"
#include "sim/random.hpp"
#include "sim/scheduler.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace ksim::sim {

class Simulation;

enum class StopKind {
  process_crash,  // the process dies; the OS (and its page cache) lives on
  process_exit,   // the process ends on its own, in order (a clean shutdown); the OS lives on
  power_loss,     // the machine stops; whatever was not flushed to disk is gone
  disk_loss,      // the machine stops and its disk is gone: it restarts with nothing
};

std::string_view stop_kind_name(StopKind kind);

class Node {
 public:
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  std::uint32_t incarnation() const { return liveness_.incarnation; }
  bool running() const { return liveness_.running; }
  bool paused() const { return liveness_.paused; }

 protected:
  explicit Node(std::string name) : name_(std::move(name)) {}

  // Called at the start of each incarnation: build volatile state from durable state.
  virtual void on_start() = 0;
  // Called when the incarnation ends: drop volatile state, keep what `kind` lets survive.
  virtual void on_stop(StopKind kind) = 0;
  // This node's connection to `peer` completed its handshake: requests may go.
  virtual void on_connection_ready(NodeId /*peer*/) {}
  // This node's connection to `peer` ended from afar, or could not be made: the peer's host
  // refused it, the peer's process died or closed it, or TCP gave up.
  virtual void on_connection_reset(NodeId /*peer*/) {}

  // Services for the node's own code; all belong to the current incarnation.
  Time now() const;
  TimerId after(Duration delay, Callback callback);
  TimerId at(Time when, Callback callback);
  bool cancel(TimerId timer);
  // Connections this node opens (it is the client; sim/network.hpp has the rules).
  void connect(NodeId peer);
  ConnectionState connection_state(NodeId peer) const;
  std::uint64_t unacknowledged_bytes(NodeId peer) const;
  // A request on this node's connection to `to`, and a response on the connection `to` opened to
  // this node. Either is dropped when its connection has ended.
  void send(NodeId to, std::uint32_t bytes, std::string_view label, Callback on_delivery);
  void reply(NodeId to, std::uint32_t bytes, std::string_view label, Callback on_delivery);
  // Closes this node's connection to `peer`, or the one `peer` opened to this node.
  void close_connection(NodeId peer);
  void close_accepted_connection(NodeId peer);
  // The node's own random stream, "node/<name>". It carries on across restarts.
  Rng& rng() { return rng_; }
  void emit(std::string_view kind, std::initializer_list<TraceField> fields = {});
  Simulation& simulation() const { return *simulation_; }

 private:
  friend class Simulation;

  Simulation* simulation_ = nullptr;
  NodeId id_;
  std::string name_;
  Liveness liveness_;
  Rng rng_{0};
};

}  // namespace ksim::sim
