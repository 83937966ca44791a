#include "core/cluster/cluster.hpp"

#include <algorithm>

#include "sim/assert.hpp"

namespace ksim::core {

Cluster::Cluster(const ClusterSpec& spec)
    : sim_(std::make_unique<sim::Simulation>(spec.seed, spec.network)), events_(std::make_unique<KafkaEvents>(*sim_)) {
  // Node ids are handed out in order: the controllers first, then the brokers.
  QuorumConfig quorum = spec.quorum;
  quorum.voters.clear();
  for (std::int32_t i = 0; i < spec.controllers; ++i) {
    quorum.voters.push_back(QuorumVoter{ReplicaId{kFirstControllerId + i}, sim::NodeId{static_cast<std::uint32_t>(i)}});
  }
  for (std::int32_t i = 1; i <= spec.controllers; ++i) {
    controllers_.push_back(&add_node<Controller>("controller:" + std::to_string(i), ReplicaId{kFirstControllerId + i - 1},
                                                 quorum, spec.broker));
    KSIM_ASSERT(controllers_.back()->id() == quorum.voters[static_cast<std::size_t>(i - 1)].node, "controllers come first");
  }
  for (std::int32_t i = 1; i <= spec.brokers; ++i) {
    const std::string rack =
        spec.racks.empty() ? std::string() : spec.racks.at(static_cast<std::size_t>(i - 1));
    brokers_.push_back(&add_node<Broker>(i, rack, spec.broker, quorum));
  }
  for (Broker* b : brokers_) {
    for (Broker* peer : brokers_) {
      if (peer != b) b->add_peer(peer->broker_id(), peer->id());
    }
  }
}

const Controller* Cluster::active_controller() const {
  for (const Controller* c : controllers_) {
    if (c->running() && c->active()) return c;
  }
  return nullptr;
}

const Controller& Cluster::controller() const {
  if (const Controller* active = active_controller()) return *active;
  const Controller* best = controllers_.front();
  for (const Controller* c : controllers_) {
    if (c->committed_offset() > best->committed_offset()) best = c;
  }
  return *best;
}

Controller& Cluster::controller() { return const_cast<Controller&>(static_cast<const Cluster*>(this)->controller()); }

bool Cluster::start(sim::Duration within) {
  for (Controller* c : controllers_) sim_->start(c->id());
  for (Broker* b : brokers_) sim_->start(b->id());
  const sim::Time deadline = sim_->now() + within;
  const auto all_unfenced = [&] {
    const Controller* active = active_controller();
    if (active == nullptr) return false;
    return std::all_of(brokers_.begin(), brokers_.end(), [&](const Broker* b) {
      const BrokerRegistration* r = active->image().broker(b->broker_id());
      return r != nullptr && !r->fenced && active->committed_offset() >= Offset{r->epoch};
    });
  };
  while (!all_unfenced() && sim_->now() < deadline) sim_->run_for(sim::milliseconds(10));
  return all_unfenced();
}

BrokerId Cluster::broker_of(sim::NodeId node) const {
  for (const Broker* b : brokers_) {
    if (b->id() == node) return b->broker_id();
  }
  return kNoBroker;
}

ClusterView Cluster::view() const {
  ClusterView view;
  const Controller& controller = this->controller();
  view.controller_running = active_controller() != nullptr;
  if (view.controller_running) view.active_controller = active_controller()->name();
  for (const Controller* c : controllers_) {
    ControllerView v;
    v.name = c->name();
    v.id = c->replica_id();
    v.running = c->running();
    v.active = c->active();
    v.log_end = c->metadata_log().end_offset();
    if (const RaftReplica* r = c->raft()) {
      v.role = raft_role_name(r->role());
      v.epoch = r->epoch();
      v.high_watermark = r->high_watermark();
    }
    view.controllers.push_back(std::move(v));
  }
  for (const Broker* b : brokers_) {
    const BrokerRegistration* record = controller.image().broker(b->broker_id());
    view.brokers.push_back({b->broker_id(), b->running(), b->paused(), record == nullptr || record->fenced, b->rack()});
  }
  for (const auto& [name, topic] : controller.image().topics()) {
    for (const PartitionState& state : topic.partitions) {
      PartitionView p;
      p.tp = state.tp;
      p.replicas = state.replicas;
      p.isr = state.isr;
      p.elr = state.elr;
      p.last_known_elr = state.last_known_elr;
      p.leader = state.leader;
      p.leader_epoch = state.leader_epoch;
      p.partition_epoch = state.partition_epoch;
      p.min_insync_replicas = topic.config.min_insync_replicas;
      for (const BrokerId r : state.replicas) {
        ReplicaView replica;
        replica.broker = r;
        replica.in_isr = std::find(state.isr.begin(), state.isr.end(), r) != state.isr.end();
        replica.is_leader = r == state.leader;
        if (const Partition* local = brokers_.at(static_cast<std::size_t>(r.value() - 1))->partition(state.tp)) {
          replica.log_start_offset = local->log().log_start_offset();
          replica.log_end_offset = local->log().log_end_offset();
          replica.high_watermark = local->log().high_watermark();
          replica.flushed_offset = local->log().durable_offset();
          replica.acts_as_leader = brokers_.at(static_cast<std::size_t>(r.value() - 1))->running() && local->role() == ReplicaRole::leader;
        }
        p.replica_logs.push_back(replica);
      }
      view.partitions.push_back(std::move(p));
    }
  }
  return view;
}

}  // namespace ksim::core
