#include "core/cluster/cluster.hpp"

#include <algorithm>

namespace ksim::core {

Cluster::Cluster(const ClusterSpec& spec)
    : sim_(std::make_unique<sim::Simulation>(spec.seed, spec.network)), events_(std::make_unique<KafkaEvents>(*sim_)) {
  controller_ = &add_node<Controller>("controller", spec.broker);
  for (std::int32_t i = 1; i <= spec.brokers; ++i) {
    const std::string rack =
        spec.racks.empty() ? std::string() : spec.racks.at(static_cast<std::size_t>(i - 1));
    brokers_.push_back(&add_node<Broker>(i, rack, spec.broker));
  }
  for (Broker* b : brokers_) {
    b->set_controller(controller_->id());
    controller_->add_broker(b->broker_id(), b->id(), b->rack());
    for (Broker* peer : brokers_) {
      if (peer != b) b->add_peer(peer->broker_id(), peer->id());
    }
  }
}

bool Cluster::start(sim::Duration within) {
  sim_->start(controller_->id());
  for (Broker* b : brokers_) sim_->start(b->id());
  const sim::Time deadline = sim_->now() + within;
  const auto all_unfenced = [&] {
    const auto& records = controller_->brokers();
    return std::all_of(records.begin(), records.end(),
                       [](const auto& entry) { return entry.second.registered && !entry.second.fenced; });
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
  view.controller_running = controller_->running();
  for (const Broker* b : brokers_) {
    const auto& record = controller_->brokers().at(b->broker_id());
    view.brokers.push_back({b->broker_id(), b->running(), b->paused(), record.fenced, b->rack()});
  }
  for (const auto& [name, topic] : controller_->topics()) {
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
