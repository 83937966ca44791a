// The gossip workload: a kernel-only exercise (no Kafka) that uses every part of sim/.
//
// N nodes spread a rumour: each node wakes at random intervals, sometimes starts a newer version
// of the rumour, and gossips the newest version it knows to a random peer, which acknowledges.
// An acknowledgement that does not come back within the timeout is counted as a timeout. Random
// faults (crashes, power losses, pauses, partitions, isolations, slow links) come from a plan
// drawn from the seed. A node keeps its rumour version in "page cache" and flushes it every
// flush interval: a process crash keeps the cached version, a power loss falls back to the last
// flushed one.
//
// It is the workload behind `ksim demo gossip` and the kernel's determinism test: the same
// config gives the same trace fingerprint, run after run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sim/network.hpp"
#include "sim/time.hpp"

namespace ksim::sim {
class Simulation;
}

namespace ksim::sim::workloads {

struct GossipConfig {
  std::uint64_t seed = 1;
  std::uint32_t nodes = 100;
  Duration duration = seconds(5);
  Duration mean_tick = milliseconds(20);
  Duration ack_timeout = milliseconds(100);
  Duration flush_interval = milliseconds(500);
  double new_rumour_probability = 0.01;
  Duration rumours_until = Duration::max();  // no new versions after this time
  Duration mean_fault_interval = milliseconds(250);  // zero: no faults
  LinkParams network{milliseconds(1), microseconds(500), 100'000'000, 0.001};
};

struct GossipResult {
  std::uint64_t trace_hash = 0;
  std::uint64_t trace_events = 0;
  std::uint64_t events_executed = 0;
  std::uint64_t events_dropped = 0;  // timers and messages of incarnations that ended
  std::uint64_t faults_applied = 0;
  std::uint64_t gossip_sent = 0;
  std::uint64_t acks_received = 0;
  std::uint64_t ack_timeouts = 0;
  std::uint64_t connection_resets_seen = 0;
  std::uint64_t newest_version = 0;
  std::uint32_t nodes_with_newest = 0;
  std::uint32_t nodes_running = 0;
  NetworkStats network;
};

// Runs the workload. `prepare`, when given, is called with the simulation once its nodes exist
// and before anything runs: the place to attach more trace sinks (a JSON Lines writer, a test's
// listener), which must outlive the call.
GossipResult run_gossip(const GossipConfig& config,
                        const std::function<void(Simulation&)>& prepare = {});

}  // namespace ksim::sim::workloads
