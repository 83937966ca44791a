// Controller: one of KRaft's controllers, a voter of the metadata quorum (core/raft/).
//
// The quorum's leader is the active controller (QuorumController). Every decision it makes is a
// set of records (core/protocol/metadata_records.hpp) it applies to its own image at once and
// appends to the metadata log; what it answers (a registration, a heartbeat, an AlterPartition,
// an admin request) waits until those records are committed, and so does anything a broker
// learns, since brokers fetch the log. The other controllers apply the records as they commit,
// and so hold the committed metadata when one of them takes over: it becomes active once its own
// epoch's first record is committed, and starts every broker session afresh (a full
// broker.session.timeout.ms). An active controller that loses its leadership drops what it wrote
// that is not committed and goes back to the committed image.
//
// Brokers register and heartbeat (ClusterControlManager, BrokerHeartbeatManager): each run of a
// broker process is a new incarnation, refused with DUPLICATE_BROKER_REGISTRATION while the
// previous one still has a live session (its last heartbeat within broker.session.timeout.ms and
// it neither fenced nor in controlled shutdown); its broker epoch is the offset of its
// registration record; it stays fenced until its heartbeat shows it has the metadata up to that
// record; one that stays silent for the session timeout is fenced, which takes it out of every
// ISR and moves its leaderships. A new incarnation whose clean-shutdown mark does not name its
// last epoch shut down uncleanly: with eligible leader replicas on, it leaves the ISRs and the
// ELRs (it may have lost what it had not written back). A broker that asks to shut down
// (controlled shutdown) leaves the ISRs and its leaderships at once, and is told to go once the
// other brokers have seen that.
//
// Partitions (ReplicationControlManager): the controller places replicas of new topics, and
// every change to a partition's leader, ISR and ELR goes through change_partition
// (partition_change.hpp, Kafka's PartitionChangeBuilder). Leaders ask for ISR changes with
// AlterPartition. With auto.leader.rebalance.enable, a partition whose leader is not its preferred
// replica gets a preferred election leader.imbalance.check.interval.seconds later; a leaderless
// partition whose topic allows unclean elections gets one every
// unclean.leader.election.interval.ms. While no controller is active (the quorum has no leader),
// nothing is decided: no fencing, no elections, no ISR changes, no new topics.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/controller/partition_change.hpp"
#include "core/controller/replica_placement.hpp"
#include "core/metadata/metadata_image.hpp"
#include "core/protocol/configs.hpp"
#include "core/protocol/messages.hpp"
#include "core/raft/quorum_member.hpp"

namespace ksim::core {

class Controller final : public QuorumMember {
 public:
  Controller(KafkaEvents& events, std::string name, ReplicaId id, QuorumConfig quorum, BrokerConfig config);

  // The active controller: the quorum's leader, once its epoch's first record is committed.
  bool active() const { return active_; }
  // The metadata as this controller knows it: the committed records, and on the active
  // controller its own writes not yet committed.
  const MetadataImage& image() const { return active_ ? image_ : committed_; }
  const PartitionState* partition(const TopicPartition& tp) const { return image().partition(tp); }
  // The offset of the last record this controller applied that is committed.
  Offset committed_offset() const { return committed_.offset(); }

  // Admin operations, the ones the CreateTopics / CreatePartitions / ElectLeaders requests reach.
  // Only the active controller takes them (NOT_CONTROLLER otherwise); they take effect in its
  // image at once and are committed soon after.
  ErrorCode create_topic(const std::string& name, std::int32_t partitions,
                         std::int16_t replication_factor, const TopicConfig& config,
                         std::vector<std::vector<BrokerId>> assignment = {});
  ErrorCode create_partitions(const std::string& name, std::int32_t total_count);
  ErrorCode elect_preferred_leaders(const std::vector<TopicPartition>& partitions);
  ErrorCode set_topic_config(const std::string& name, const TopicConfig& config);

  using QuorumMember::handle;
  void handle(sim::NodeId from, const BrokerRegistrationRequest& m) override;
  void handle(sim::NodeId from, const BrokerHeartbeatRequest& m) override;
  void handle(sim::NodeId from, const AlterPartitionRequest& m) override;
  void handle(sim::NodeId from, const CreateTopicRequest& m) override;
  void handle(sim::NodeId from, const CreatePartitionsRequest& m) override;
  void handle(sim::NodeId from, const ElectLeadersRequest& m) override;
  void handle(sim::NodeId from, const MetadataRequest& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;
  void on_raft_committed(Offset high_watermark) override;
  Offset applied_metadata_offset() const override { return committed_.offset(); }
  void raft_leader_changed(LeaderAndEpoch leader) override;
  void on_raft_role_changed(RaftRole from, RaftRole to) override;

 private:
  // BrokerHeartbeatManager's view of one broker: volatile, the active controller's alone.
  struct BrokerSession {
    sim::Time last_heartbeat;
    std::int64_t metadata_offset = -1;             // as the broker's last heartbeat reported it
    std::int64_t controlled_shutdown_offset = -1;  // the metadata that moved its leaderships away
  };
  using Reply = std::variant<BrokerRegistrationResponse, BrokerHeartbeatResponse, AlterPartitionResponse, AdminResponse>;
  struct PendingReply {
    Offset offset;  // sent once the log is committed past this
    sim::NodeId to;
    Reply reply;
  };

  // controller_quorum.cpp: activation, writing records, replies after commit.
  void activate();
  void deactivate();
  // Applies `records` to the image and appends them to the metadata log.
  void write(std::vector<MetadataRecord> records);
  // Sends `reply` once everything written so far is committed (at once if it is).
  void reply_after_commit(sim::NodeId to, Reply reply);
  void send_reply(sim::NodeId to, Reply& reply);
  void write_no_op();
  // Runs `action` `delay` from now if this controller is still active in the same term.
  void while_active_after(sim::Duration delay, void (Controller::*action)());

  // controller.cpp: the decisions.
  bool has_valid_session(BrokerId id) const;
  PartitionChangeRules rules_for(const TopicImage& topic, const PartitionState& p) const;
  void check_sessions();
  void fence(BrokerId id, const char* reason);
  void unfence(BrokerId id);
  // Which partitions a broker's change looks at.
  enum class Scope : std::uint8_t { in_isr, in_isr_or_elr, leaderless };
  // Kafka's generateLeaderAndIsrUpdates: changes every partition in `scope` of `broker` as one
  // write. `leaving`: the broker leaves the ISRs and may not lead; `joining`: it may lead though
  // not yet unfenced; `unclean`: it leaves the ISRs and the ELRs and may not lead. `first` are
  // records to write before the partition changes, in the same batch.
  enum class BrokerChange : std::uint8_t { leaving, joining, unclean };
  void change_partitions_of(BrokerId broker, BrokerChange change, Scope scope, std::string_view reason,
                            std::vector<MetadataRecord> first = {}, std::vector<MetadataRecord> then = {});
  // Reports one change decided by change_partition and adds its record to `records`.
  void report_change(const PartitionState& next, const PartitionChangeResult& result, std::string_view reason,
                     std::vector<MetadataRecord>& records);
  // Elects a leader for a new partition.
  void elect_new(const TopicImage& topic, PartitionState& p);
  // An election with the ISR as it stands, among the usable brokers (preferred: ElectLeaders'
  // kind, which only moves a leader to the first replica).
  PartitionChangeResult reelect(const TopicImage& topic, PartitionState& p, bool preferred);
  // leader.imbalance.check.interval.seconds and unclean.leader.election.interval.ms: the
  // controller's two deferred elections, scheduled when there is something for them to do.
  void maybe_schedule_checks();
  void balance_leaders();
  void elect_unclean_leaders();
  // The lowest metadata offset the active brokers have reported (controlled shutdown waits for it).
  std::int64_t lowest_active_offset() const;
  bool leads_anything(BrokerId broker) const;
  std::vector<BrokerPlacementInfo> placement_candidates() const;

  BrokerConfig config_;
  MetadataImage committed_;  // the committed records, applied in order
  MetadataImage image_;      // on the active controller only: committed_ and its own later writes
  // The active controller's volatile state.
  bool active_ = false;
  std::uint64_t term_ = 0;  // raised at every activation and deactivation: stale timers do nothing
  Offset last_written_ = -1;
  std::map<BrokerId, BrokerSession> sessions_;
  std::vector<PendingReply> pending_replies_;
  bool balance_scheduled_ = false;
  bool unclean_scheduled_ = false;
};

}  // namespace ksim::core
