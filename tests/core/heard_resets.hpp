// HeardResets: a world observer for tests that counts the "connection reset" notices one node
// receives from another (a peer that crashed, refused it, or closed the connection).
#pragma once

#include "sim/world_events.hpp"

namespace ksim::core::testing {

struct HeardResets final : sim::WorldObserver {
  HeardResets(sim::NodeId at_node, sim::NodeId from_node) : at(at_node), from(from_node) {}
  using sim::WorldObserver::on;
  void on(const sim::EventStamp& s, const sim::ConnectionReset& e) override { heard += s.node == at && e.peer == from ? 1 : 0; }

  sim::NodeId at;
  sim::NodeId from;
  int heard = 0;
};

}  // namespace ksim::core::testing
