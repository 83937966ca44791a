#include "sim/workloads/gossip.hpp"

#include <algorithm>
#include <vector>

#include "sim/simulation.hpp"

namespace ksim::sim::workloads {
namespace {

constexpr std::uint32_t kGossipBytes = 64;
constexpr std::uint32_t kAckBytes = 32;

struct Counters {
  std::uint64_t gossip_sent = 0;
  std::uint64_t acks_received = 0;
  std::uint64_t ack_timeouts = 0;
  std::uint64_t connection_resets_seen = 0;
};

class GossipNode final : public Node {
 public:
  GossipNode(std::string name, const GossipConfig& config, Counters& counters)
      : Node(std::move(name)), config_(config), counters_(counters) {}

  std::uint64_t version() const { return version_; }

 protected:
  void on_start() override {
    flushed_at_version_ = version_;
    schedule_tick();
    after(config_.flush_interval, [this] { flush(); });
  }

  void on_stop(StopKind kind) override {
    awaiting_ack_ = false;
    // The page cache survives a process crash but not a power loss.
    if (kind == StopKind::power_loss) version_ = flushed_at_version_;
  }

  void on_connection_reset(NodeId /*peer*/) override { ++counters_.connection_resets_seen; }

 private:
  void schedule_tick() {
    const auto delay = static_cast<std::int64_t>(
        rng().exponential(static_cast<double>(config_.mean_tick.ns())));
    after(Duration::from_ns(delay), [this] { tick(); });
  }

  void flush() {
    flushed_at_version_ = version_;
    after(config_.flush_interval, [this] { flush(); });
  }

  void tick() {
    const bool may_start_rumour = now().since_start() < config_.rumours_until;
    if (may_start_rumour && rng().bernoulli(config_.new_rumour_probability)) {
      ++version_;
      emit("rumour.started", {{"version", version_}});
    }
    if (!awaiting_ack_) gossip();
    schedule_tick();
  }

  void gossip() {
    const auto count = static_cast<std::uint32_t>(simulation().node_count());
    auto peer = static_cast<std::uint32_t>(rng().below(count - 1));
    if (peer >= id().value) ++peer;  // any node but this one
    // Gossip goes on a connection that is up; a round without one opens it and gossips once it
    // is ready.
    if (connection_state(NodeId{peer}) != ConnectionState::established) {
      if (connection_state(NodeId{peer}) == ConnectionState::closed) connect(NodeId{peer});
      return;
    }
    gossip_to(NodeId{peer});
  }

  void on_connection_ready(NodeId peer) override {
    if (!awaiting_ack_) gossip_to(peer);
  }

  void gossip_to(NodeId peer_id) {
    const std::uint32_t peer = peer_id.value;
    GossipNode& target = static_cast<GossipNode&>(simulation().node(NodeId{peer}));
    const std::uint64_t round = ++round_;
    awaiting_ack_ = true;
    ++counters_.gossip_sent;
    send(NodeId{peer}, kGossipBytes, "gossip",
         [&target, from = id(), version = version_, round] {
           target.on_gossip(from, version, round);
         });
    ack_timer_ = after(config_.ack_timeout, [this, round] {
      if (!awaiting_ack_ || round != round_) return;
      awaiting_ack_ = false;
      ++counters_.ack_timeouts;
      emit("gossip.timed_out", {{"round", round}});
    });
  }

  void on_gossip(NodeId from, std::uint64_t version, std::uint64_t round) {
    if (version > version_) {
      version_ = version;
      emit("rumour.learned", {{"version", version_}, {"from", from}});
    }
    GossipNode& sender = static_cast<GossipNode&>(simulation().node(from));
    reply(from, kAckBytes, "ack", [&sender, round, version = version_] {
      sender.on_ack(round, version);
    });
  }

  void on_ack(std::uint64_t round, std::uint64_t version) {
    if (version > version_) version_ = version;
    if (!awaiting_ack_ || round != round_) return;
    awaiting_ack_ = false;
    ++counters_.acks_received;
    cancel(ack_timer_);
  }

  const GossipConfig& config_;
  Counters& counters_;
  std::uint64_t version_ = 0;
  std::uint64_t flushed_at_version_ = 0;
  std::uint64_t round_ = 0;
  bool awaiting_ack_ = false;
  TimerId ack_timer_;
};

Time clamp_to_run(Time t, Duration duration) {
  const Time end = Time::zero() + duration;
  return t < end ? t : end;
}

// Draws a random fault and, a little later, the action that undoes it.
void add_random_fault(FaultPlan& plan, Rng& rng, Time at, const GossipConfig& config) {
  const NodeId target{static_cast<std::uint32_t>(rng.below(config.nodes))};
  const Time undo_at = clamp_to_run(
      at + milliseconds(rng.uniform_int(50, 600)), config.duration);
  FaultAction fault;
  fault.at = at;
  fault.target = target;
  FaultAction undo = fault;
  undo.at = undo_at;
  switch (rng.below(6)) {
    case 0: fault.kind = FaultKind::crash; undo.kind = FaultKind::restart; break;
    case 1: fault.kind = FaultKind::power_loss; undo.kind = FaultKind::restart; break;
    case 2: fault.kind = FaultKind::pause; undo.kind = FaultKind::resume; break;
    case 3: {
      fault.kind = FaultKind::partition;
      for (std::uint32_t i = 0; i < config.nodes; ++i) {
        if (rng.bernoulli(0.3)) fault.side_a.push_back(NodeId{i});
      }
      if (fault.side_a.empty()) fault.side_a.push_back(target);
      undo.kind = FaultKind::heal;
      undo.side_a = fault.side_a;
      break;
    }
    case 4:
      fault.kind = FaultKind::isolate;
      undo.kind = FaultKind::heal;
      undo.side_a = {target};
      break;
    default:
      fault.kind = FaultKind::set_link;
      fault.side_a = {target};
      fault.link = LinkParams{milliseconds(20), milliseconds(5), 1'000'000, 0.05};
      undo.kind = FaultKind::restore_link;
      undo.side_a = {target};
      break;
  }
  plan.add(std::move(fault));
  plan.add(std::move(undo));
}

FaultPlan random_fault_plan(const GossipConfig& config, Rng rng) {
  FaultPlan plan;
  if (config.mean_fault_interval <= Duration{}) return plan;
  Time at = Time::zero();
  for (;;) {
    at = at + Duration::from_ns(static_cast<std::int64_t>(
                  rng.exponential(static_cast<double>(config.mean_fault_interval.ns()))));
    if (at >= Time::zero() + config.duration) break;
    add_random_fault(plan, rng, at, config);
  }
  return plan;
}

}  // namespace

GossipResult run_gossip(const GossipConfig& config,
                        const std::function<void(Simulation&)>& prepare) {
  Simulation sim(config.seed, config.network);
  TraceHasher hasher;
  sim.trace().attach(hasher);

  Counters counters;
  std::vector<GossipNode*> nodes;
  for (std::uint32_t i = 0; i < config.nodes; ++i) {
    nodes.push_back(&sim.add_node<GossipNode>("node:" + std::to_string(i), config, counters));
  }
  if (prepare) prepare(sim);
  for (const GossipNode* node : nodes) sim.start(node->id());
  const FaultPlan plan = random_fault_plan(config, sim.random().stream("faults"));
  sim.schedule(plan);
  sim.run_until(Time::zero() + config.duration);

  GossipResult result;
  result.trace_hash = hasher.hash();
  result.trace_events = hasher.events();
  result.events_executed = sim.scheduler().executed_events();
  result.events_dropped = sim.scheduler().dropped_events();
  result.faults_applied = sim.applied_plan().actions().size();
  result.gossip_sent = counters.gossip_sent;
  result.acks_received = counters.acks_received;
  result.ack_timeouts = counters.ack_timeouts;
  result.connection_resets_seen = counters.connection_resets_seen;
  result.network = sim.network().stats();
  for (const GossipNode* node : nodes) {
    result.newest_version = std::max(result.newest_version, node->version());
  }
  for (const GossipNode* node : nodes) {
    if (node->running()) ++result.nodes_running;
    if (node->version() == result.newest_version) ++result.nodes_with_newest;
  }
  return result;
}

}  // namespace ksim::sim::workloads
