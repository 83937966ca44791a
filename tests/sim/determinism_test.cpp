#include <catch2/catch.hpp>

#include "sim/trace.hpp"
#include "sim/workloads/gossip.hpp"

using namespace ksim::sim;
using ksim::sim::workloads::GossipConfig;
using ksim::sim::workloads::GossipResult;
using ksim::sim::workloads::run_gossip;

namespace {
GossipConfig hundred_nodes(std::uint64_t seed) {
  GossipConfig config;
  config.seed = seed;
  config.nodes = 100;
  config.duration = seconds(3);
  return config;
}
}  // namespace

TEST_CASE("determinism: a 100-node gossip run with faults gives the same fingerprint twice, "
          "and another seed a different one",
          "[sim][determinism]") {
  const GossipResult first = run_gossip(hundred_nodes(7));
  const GossipResult second = run_gossip(hundred_nodes(7));
  const GossipResult other = run_gossip(hundred_nodes(8));
  INFO("fingerprints " << format_hash(first.trace_hash) << " " << format_hash(second.trace_hash)
                       << " " << format_hash(other.trace_hash));

  CHECK(first.trace_hash == second.trace_hash);
  CHECK(first.trace_events == second.trace_events);
  CHECK(first.events_executed == second.events_executed);
  CHECK(other.trace_hash != first.trace_hash);

  // The run really is the rough workload it claims to be: every kind of trouble happened.
  CHECK(first.faults_applied >= 10);
  CHECK(first.events_dropped > 0);
  CHECK(first.connection_resets_seen > 0);
  CHECK(first.ack_timeouts > 0);
  CHECK(first.network.lost_to_cut > 0);
  CHECK(first.network.lost_to_loss > 0);
  CHECK(first.acks_received > first.ack_timeouts);
}

TEST_CASE("determinism: without faults the rumour reaches every node", "[sim][determinism]") {
  GossipConfig config = hundred_nodes(3);
  config.mean_fault_interval = Duration{};
  config.network.loss = 0.0;
  config.rumours_until = seconds(1);
  const GossipResult result = run_gossip(config);
  CHECK(result.faults_applied == 0);
  CHECK(result.newest_version > 0);
  CHECK(result.ack_timeouts == 0);
  CHECK(result.nodes_running == 100);
  CHECK(result.nodes_with_newest == 100);
}
