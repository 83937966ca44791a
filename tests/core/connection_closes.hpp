// ConnectionCloses: a world observer for tests that counts how often one node closed its
// connection to another (a request timed out on it).
#pragma once

#include "sim/world_events.hpp"

namespace ksim::core::testing {

struct ConnectionCloses final : sim::WorldObserver {
  ConnectionCloses(sim::NodeId closer_node, sim::NodeId peer_node) : closer(closer_node), peer(peer_node) {}
  using sim::WorldObserver::on;
  void on(const sim::EventStamp& s, const sim::ConnectionClosed& e) override {
    count += s.node == closer && e.peer == peer ? 1 : 0;
  }

  sim::NodeId closer;
  sim::NodeId peer;
  int count = 0;
};

}  // namespace ksim::core::testing
