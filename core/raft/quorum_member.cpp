#include "core/raft/quorum_member.hpp"

namespace ksim::core {

QuorumMember::QuorumMember(std::string name, KafkaEvents& events, ReplicaId replica_id, QuorumConfig quorum)
    : KafkaNode(std::move(name), events), replica_id_(replica_id), quorum_(std::move(quorum)) {}

void QuorumMember::start_raft() {
  ++incarnation_;
  replica_.emplace(static_cast<RaftHost&>(*this), replica_id_, quorum_, durable_);
  replica_->start();
}

void QuorumMember::stop_raft(sim::StopKind kind) {
  replica_.reset();
  // The log and the quorum-state file are flushed before they count: only a lost disk loses them.
  if (kind == sim::StopKind::disk_loss) {
    durable_ = RaftDurableState{};
    ++disks_lost_;
  }
}

void QuorumMember::connection_lost(sim::NodeId peer) {
  if (replica_) replica_->connection_lost(peer);
}

void QuorumMember::raft_role_changed(RaftRole from, RaftRole to) {
  const RaftReplica* r = raft();
  emit(QuorumStateChanged{replica_id_, raft_role_name(from), raft_role_name(to), r != nullptr ? r->epoch() : LeaderEpoch{},
                          r != nullptr ? r->leader() : kNoBroker});
  on_raft_role_changed(from, to);
}

void QuorumMember::raft_committed(Offset high_watermark) {
  on_raft_committed(high_watermark);
  emit(MetadataCommitted{replica_id_, incarnation_, high_watermark, applied_metadata_offset()});
}

void QuorumMember::raft_truncated(Offset end) { emit(MetadataLogTruncated{replica_id_, end}); }

void QuorumMember::raft_send(sim::NodeId to, RaftRequest request) {
  std::visit([&](auto& m) { send_message(to, std::move(m)); }, request);
}

void QuorumMember::raft_reply(sim::NodeId to, RaftResponse response) {
  std::visit([&](auto& m) { send_message(to, std::move(m)); }, response);
}

#define KSIM_FORWARD_TO_RAFT(Message)                                   \
  void QuorumMember::handle(sim::NodeId from, const Message& m) {       \
    if (replica_) replica_->handle(from, m);                             \
  }
KSIM_FORWARD_TO_RAFT(VoteRequest)
KSIM_FORWARD_TO_RAFT(VoteResponse)
KSIM_FORWARD_TO_RAFT(BeginQuorumEpochRequest)
KSIM_FORWARD_TO_RAFT(BeginQuorumEpochResponse)
KSIM_FORWARD_TO_RAFT(EndQuorumEpochRequest)
KSIM_FORWARD_TO_RAFT(EndQuorumEpochResponse)
KSIM_FORWARD_TO_RAFT(MetadataFetchRequest)
KSIM_FORWARD_TO_RAFT(MetadataFetchResponse)
#undef KSIM_FORWARD_TO_RAFT

}  // namespace ksim::core
