// A node for kernel tests: it records what happens to it and lets the test drive its services.
#pragma once

#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace ksim::sim::testing {

class ProbeNode final : public Node {
 public:
  explicit ProbeNode(std::string name) : Node(std::move(name)) {}

  std::vector<std::string> log;  // "start 1", "stop power-loss", "reset node:b", "got ping", ...
  std::vector<Time> received_at;

  using Node::after;
  using Node::cancel;
  using Node::now;

  // Sends a message whose arrival is recorded by the receiver as "got <label>".
  void send_to(ProbeNode& to, std::uint32_t bytes, const char* label) {
    send(to.id(), bytes, label, [&to, label] { to.receive(label); });
  }
  // Closes this node's connection to `peer`.
  void close_to(ProbeNode& peer) { close_connection(peer.id()); }
  void receive(const char* label) {
    log.push_back(std::string("got ") + label);
    received_at.push_back(now());
  }

 protected:
  void on_start() override { log.push_back("start " + std::to_string(incarnation())); }
  void on_stop(StopKind kind) override { log.push_back("stop " + std::string(stop_kind_name(kind))); }
  void on_connection_reset(NodeId peer) override {
    log.push_back("reset " + simulation().node_name(peer));
  }
};

}  // namespace ksim::sim::testing
