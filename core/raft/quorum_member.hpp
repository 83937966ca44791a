// QuorumMember: a node that takes part in the metadata quorum: a controller (a voter) or a broker
// (an observer). It carries the Raft replica across the node's life: the durable part (the log
// and the quorum-state file) stays with the node, the replica itself is built at every start and
// dropped at every stop; a disk loss takes the durable part too. It is the replica's RaftHost for
// the clock, timers, randomness and connections; what the log commits is the subclass's business
// (RaftHost's listener calls).
#pragma once

#include <optional>

#include "core/node/kafka_node.hpp"
#include "core/raft/raft_replica.hpp"

namespace ksim::core {

class QuorumMember : public KafkaNode, protected RaftHost {
 public:
  ReplicaId replica_id() const { return replica_id_; }
  // The running replica, or nullptr while the process is down.
  const RaftReplica* raft() const { return replica_ ? &*replica_ : nullptr; }
  const RaftLog& metadata_log() const { return durable_.log; }
  const QuorumConfig& quorum_config() const { return quorum_; }
  // How many times the node lost its disk, and with it the log and the quorum-state file.
  std::uint32_t disks_lost() const { return disks_lost_; }

  using KafkaNode::handle;
  void handle(sim::NodeId from, const VoteRequest& m) override;
  void handle(sim::NodeId from, const VoteResponse& m) override;
  void handle(sim::NodeId from, const BeginQuorumEpochRequest& m) override;
  void handle(sim::NodeId from, const BeginQuorumEpochResponse& m) override;
  void handle(sim::NodeId from, const EndQuorumEpochRequest& m) override;
  void handle(sim::NodeId from, const EndQuorumEpochResponse& m) override;
  void handle(sim::NodeId from, const MetadataFetchRequest& m) override;
  void handle(sim::NodeId from, const MetadataFetchResponse& m) override;

 protected:
  QuorumMember(std::string name, KafkaEvents& events, ReplicaId replica_id, QuorumConfig quorum);

  RaftReplica* raft() { return replica_ ? &*replica_ : nullptr; }
  // Call from on_start and on_stop.
  void start_raft();
  void stop_raft(sim::StopKind kind);
  // A subclass that overrides this calls it too.
  void connection_lost(sim::NodeId peer) override;

  // RaftHost: the node's own services.
  sim::Time raft_now() const override { return now(); }
  sim::TimerId raft_at(sim::Time when, sim::Callback callback) override { return at(when, std::move(callback)); }
  void raft_cancel(sim::TimerId timer) override { cancel(timer); }
  sim::Rng& raft_rng() override { return rng(); }
  void raft_send(sim::NodeId to, RaftRequest request) override;
  void raft_reply(sim::NodeId to, RaftResponse response) override;
  void raft_disconnect(sim::NodeId peer) override { disconnect(peer); }
  // Reports the change, then tells the subclass (on_raft_role_changed).
  void raft_role_changed(RaftRole from, RaftRole to) final;
  virtual void on_raft_role_changed(RaftRole /*from*/, RaftRole /*to*/) {}
  // Tells the subclass (on_raft_committed), then reports how far it applied the log.
  void raft_committed(Offset high_watermark) final;
  virtual void on_raft_committed(Offset high_watermark) = 0;
  // The offset of the last record the subclass's metadata image holds (-1: none).
  virtual Offset applied_metadata_offset() const = 0;
  void raft_truncated(Offset end) final;

 private:
  ReplicaId replica_id_;
  std::uint32_t incarnation_ = 0;  // raised at every start of the replica
  std::uint32_t disks_lost_ = 0;
  QuorumConfig quorum_;
  RaftDurableState durable_;
  std::optional<RaftReplica> replica_;
};

}  // namespace ksim::core
