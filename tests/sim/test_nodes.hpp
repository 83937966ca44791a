// A node for kernel tests: it records what happens to it and lets the test drive its services.
#pragma once

#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace ksim::sim::testing {

class ProbeNode final : public Node {
 public:
  explicit ProbeNode(std::string name) : Node(std::move(name)) {}

  std::vector<std::string> log;  // "start 1", "ready node:b", "reset node:b", "got ping", ...
  std::vector<Time> received_at;

  using Node::after;
  using Node::cancel;
  using Node::now;

  using Node::connection_state;
  using Node::unacknowledged_bytes;

  // Opens this node's connection to `peer`.
  void connect_to(ProbeNode& peer) { connect(peer.id()); }
  // Sends a request on this node's connection to `to`; the receiver records "got <label>".
  void send_to(ProbeNode& to, std::uint32_t bytes, const char* label) {
    send(to.id(), bytes, label, [&to, label] { to.receive(label); });
  }
  // Sends a response on the connection `to` opened to this node.
  void reply_to(ProbeNode& to, std::uint32_t bytes, const char* label) {
    reply(to.id(), bytes, label, [&to, label] { to.receive(label); });
  }
  // Closes this node's connection to `peer`, or the one `peer` opened to it.
  void close_to(ProbeNode& peer) { close_connection(peer.id()); }
  void close_accepted(ProbeNode& peer) { close_accepted_connection(peer.id()); }
  void receive(const char* label) {
    log.push_back(std::string("got ") + label);
    received_at.push_back(now());
  }

 protected:
  void on_start() override { log.push_back("start " + std::to_string(incarnation())); }
  void on_stop(StopKind kind) override { log.push_back("stop " + std::string(stop_kind_name(kind))); }
  void on_connection_ready(NodeId peer) override {
    log.push_back("ready " + simulation().node_name(peer));
    ready_at.push_back(now());
  }
  void on_connection_reset(NodeId peer) override {
    log.push_back("reset " + simulation().node_name(peer));
    reset_at.push_back(now());
  }

 public:
  std::vector<Time> ready_at;
  std::vector<Time> reset_at;
};

}  // namespace ksim::sim::testing
