// Broker: a Kafka broker node. It registers with the controller and heartbeats, keeps a replica
// of every partition assigned to it, leads some of them and follows the others.
//
// As leader it appends produced batches (acks 0, 1, all; the checks, min.insync.replicas and
// idempotent sequences, are the replica's: Partition::append_records_as_leader), serves fetches to consumers (up to the high watermark) and to followers (up
// to its log end), tracks its followers to move the high watermark and to shrink or expand the
// ISR through the controller, and parks acks=all produces and under-filled fetches in purgatories
// until they can complete. As follower it truncates by leader epoch (or, with the legacy switch,
// to its high watermark) and then fetches from the leader: its ReplicaFetcher does that part. The
// code is spread by concern: broker.cpp (lifecycle, controller session, metadata, timers),
// broker_produce.cpp, broker_fetch.cpp and broker_fetch_sessions.cpp (serving fetches), and
// replica_fetcher.cpp (following).
#pragma once

#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/broker/fetch_purgatory.hpp"
#include "core/broker/fetch_session.hpp"
#include "core/broker/partition.hpp"
#include "core/broker/produce_purgatory.hpp"
#include "core/broker/replica_fetcher.hpp"
#include "core/group/group_coordinator.hpp"
#include "core/metadata/metadata_image.hpp"
#include "core/protocol/configs.hpp"
#include "core/raft/quorum_member.hpp"

namespace ksim::core {

class Broker final : public QuorumMember, private GroupCoordinatorHost, private ReplicaFetcherHost {
 public:
  Broker(KafkaEvents& events, BrokerId id, std::string rack, BrokerConfig config, QuorumConfig quorum);

  BrokerId broker_id() const override { return id_; }
  const std::string& rack() const { return rack_; }
  const BrokerConfig& config() const override { return config_; }
  void set_config(const BrokerConfig& config) { config_ = config; }
  // Where the other brokers are (the cluster's static wiring).
  void add_peer(BrokerId id, sim::NodeId node) { peers_[id] = node; }
  // The metadata as this broker applied it from the metadata log's committed records.
  const MetadataImage& metadata_image() const { return image_; }

  bool registered() const { return broker_epoch_ >= 0; }
  // Flushes every log to disk now, as a clean shutdown does.
  void flush_logs();
  // A clean stop (SIGTERM), as BrokerServer.shutdown does it: a controlled shutdown first (the
  // controller moves this broker's leaderships away and takes it out of the ISRs, and says when
  // it may go), then the logs are flushed, the clean-shutdown mark names this run's broker epoch,
  // and the process exits. Without a registration it goes at once; if the controller never
  // answers, after kControlledShutdownWait.
  void shut_down();
  bool shutting_down() const { return shutting_down_; }
  static constexpr sim::Duration kControlledShutdownWait = sim::minutes(5);
  const std::map<TopicPartition, Partition>& partitions() const { return partitions_; }
  const Partition* partition(const TopicPartition& tp) const;
  // The consumer groups this broker coordinates (read-only: for describe and the checkers).
  const GroupCoordinator& group_coordinator() const { return groups_; }
  // Admin (kafka-consumer-groups --reset-offsets): overwrite an inactive group's offsets, when
  // this broker coordinates the group.
  void reset_group_offsets(const std::string& group, std::vector<std::pair<TopicPartition, Offset>> offsets,
                           std::function<void(ErrorCode)> done);

  using QuorumMember::handle;
  void handle(sim::NodeId from, const ProduceRequest& m) override;
  void handle(sim::NodeId from, const FetchRequest& m) override;
  void handle(sim::NodeId from, const FetchResponse& m) override;
  void handle(sim::NodeId from, const ListOffsetsRequest& m) override;
  void handle(sim::NodeId from, const OffsetsForLeaderEpochRequest& m) override;
  void handle(sim::NodeId from, const MetadataRequest& m) override;
  void handle(sim::NodeId from, const InitProducerIdRequest& m) override;
  void handle(sim::NodeId from, const BrokerRegistrationResponse& m) override;
  void handle(sim::NodeId from, const BrokerHeartbeatResponse& m) override;
  void handle(sim::NodeId from, const AlterPartitionResponse& m) override;
  void handle(sim::NodeId from, const AdminResponse& m) override;
  // broker_groups.cpp: the group coordinator's requests.
  void handle(sim::NodeId from, const FindCoordinatorRequest& m) override;
  void handle(sim::NodeId from, const JoinGroupRequest& m) override;
  void handle(sim::NodeId from, const SyncGroupRequest& m) override;
  void handle(sim::NodeId from, const HeartbeatRequest& m) override;
  void handle(sim::NodeId from, const LeaveGroupRequest& m) override;
  void handle(sim::NodeId from, const ConsumerGroupHeartbeatRequest& m) override;
  void handle(sim::NodeId from, const OffsetCommitRequest& m) override;
  void handle(sim::NodeId from, const OffsetFetchRequest& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;
  void connection_lost(sim::NodeId peer) override;
  // The metadata log (QuorumMember's listener): committed records, and who leads the quorum.
  void on_raft_committed(Offset high_watermark) override;
  Offset applied_metadata_offset() const override { return image_.offset(); }
  void raft_leader_changed(LeaderAndEpoch leader) override;

 private:
  // --- broker.cpp: lifecycle, controller session, metadata, periodic work ---
  void register_with_controller();
  void heartbeat();
  // The next heartbeat: `delay` after this one's answer (or its failure).
  void schedule_heartbeat(sim::Duration delay);
  void exit_cleanly();
  // Hands the given partitions, as the image now has them, to the replicas (BrokerMetadataPublisher).
  void publish(const std::vector<TopicPartition>& partitions);
  void publish_all();
  void apply_partition_state(const PartitionState& state, const TopicConfig& config);
  void check_isr();
  void request_isr_change(Partition& p, std::vector<BrokerId> new_isr, const char* reason);
  // After what can move a leader's high watermark (an append, a follower's fetch, an ISR or
  // leadership change): advances it as far as the ISR allows, completes the produces and
  // fetches waiting on the partition (`wake`: always, or only when it advanced, for a follower
  // position that moved nothing else), and asks to add a follower that caught up to the ISR.
  enum class WakeWaiters : std::uint8_t { always, if_advanced };
  void advance_high_watermark(Partition& p, WakeWaiters wake = WakeWaiters::always);
  void periodic_checkpoint();
  void periodic_retention();
  void periodic_flush();
  Partition* find(const TopicPartition& tp);
  void trace_truncation(const Partition& p, const OffsetRange& range, const char* reason);

  // --- broker_produce.cpp ---
  ProduceResponse::Partition append_one(const ProduceRequest::Partition& part, std::int16_t acks);
  void try_complete_produces(const TopicPartition& tp);
  void finish_produce(std::uint64_t id, bool timed_out);

  // --- broker_groups.cpp ---
  void append_offsets_records(std::int32_t partition, std::vector<OffsetsTopicValue> values,
                              std::function<void(ErrorCode)> done) override;
  void report(const GroupEvent& event) override;
  std::int32_t partition_count(const std::string& topic) const override;
  // Loads or unloads the groups of an __consumer_offsets partition as its leadership changes.
  void follow_offsets_partition_leadership(const Partition& p);
  void rearm_group_timer();

  // --- broker_fetch.cpp ---
  static ErrorCode leadership_error(const Partition* p, LeaderEpoch expected);
  // A plain Fetch waiting in the fetch purgatory: what its answer needs.
  struct DelayedFetch {
    sim::NodeId from;
    FetchRequest request;
    sim::TimerId timeout;
  };
  // A follower's Fetch says how far its log reaches: the leader records it (Kafka's
  // Partition.updateFollowerFetchState), which may advance the high watermark and complete what
  // waited on it. Only a Fetch's first reading notes positions, not its completion from the
  // purgatory. Nothing happens for a consumer (kNoBroker) or when this broker does not lead `p`
  // in the expected epoch.
  void note_follower_fetch(Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset, BrokerId replica);
  // Reads one partition for a fetch by `replica` (kNoBroker: a consumer, who reads up to the high
  // watermark; a follower reads to the log end, after the check of its last fetched epoch). It
  // changes nothing. The answer's tp is left for the caller to fill.
  FetchResponse::Partition read_partition(const Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset,
                                          LeaderEpoch last_fetched_epoch, std::int32_t max_bytes,
                                          BrokerId replica) const;
  // Whether a follower's Fetch finds its log diverged (or its epoch unknown): then its position is
  // not noted, as Kafka's Partition.fetchRecords skips updateFollowerFetchState.
  bool fetch_diverges(const Partition* p, Offset fetch_offset, LeaderEpoch last_fetched_epoch, BrokerId replica) const;
  // The bytes a read answer carries; -1 for an answer that goes at once (an error, a divergence).
  static std::int64_t batch_bytes(const FetchResponse::Partition& part);
  // Reads for a fetch; `bytes` is the total read. `per_partition`, when given, receives each
  // partition's bytes (-1 for a partition answered with an error).
  FetchResponse read_for_fetch(const FetchRequest& request, bool record_positions, std::int64_t& bytes,
                               std::vector<std::int64_t>* per_partition = nullptr);
  // The bytes one partition of a fetch could return now; -1 when it would be an error.
  std::int64_t readable_bytes(const Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset,
                              LeaderEpoch last_fetched_epoch, std::int32_t max_bytes, BrokerId replica);
  // `tp` changed: answers the Fetches of either kind that can now be answered.
  void try_complete_fetches(const TopicPartition& tp);
  // The bytes that partition of a waiting Fetch can return now (-1: an error).
  std::int64_t readable_now(FetchPurgatory::Waiter waiter, std::size_t index);
  void finish_fetch(std::uint64_t id);

  // --- broker_fetch_sessions.cpp: the leader's side of KIP-227 fetch sessions ---
  void handle_session_fetch(sim::NodeId from, const FetchRequest& m);
  // Reads every partition of the session; the answer lists them all for a full fetch, and only
  // the changed ones (records, a new high watermark or log start, an error) otherwise.
  FetchResponse read_session(FetchSession& session, bool record_positions, bool full, std::int64_t& bytes);
  // Sends a session's answer, noting what the follower now knows of each partition in it.
  void answer_session_fetch(FetchSession& session, sim::NodeId to, FetchResponse response);
  void finish_session_fetch(std::int32_t session_id);
  std::map<std::int32_t, FetchSession>::iterator close_fetch_session(std::map<std::int32_t, FetchSession>::iterator it);

  // --- broker.cpp: what the replica fetcher needs of its broker (ReplicaFetcherHost) ---
  std::int64_t broker_epoch() const override { return broker_epoch_; }
  Partition* find_partition(const TopicPartition& tp) override { return find(tp); }
  std::optional<sim::NodeId> node_of(BrokerId broker) const override;
  BrokerId broker_at(sim::NodeId node) const override;
  std::int32_t next_correlation_id() override { return next_correlation_id_++; }
  void send_to_peer(BrokerId broker, FetchRequest request) override;
  void close_connection_to(BrokerId broker) override;
  sim::TimerId start_timer(sim::Duration delay, sim::Callback callback) override;
  void stop_timer(sim::TimerId timer) override { cancel(timer); }
  sim::Time time_now() const override { return now(); }
  void truncated(const Partition& p, const OffsetRange& range, const char* reason) override {
    trace_truncation(p, range, reason);
  }
  void report(const FetchSessionReset& event) override { emit(event); }
  void report(const ReplicaFetched& event) override { emit(event); }

  BrokerId id_;
  std::string rack_;
  BrokerConfig config_;
  std::optional<sim::NodeId> controller_;  // the active controller, as the metadata quorum says
  std::map<BrokerId, sim::NodeId> peers_;

  // Durable: the partition replicas and their logs, and the producer ids handed out (a broker
  // draws ids from a block of its own, as brokers do from blocks the controller grants).
  std::map<TopicPartition, Partition> partitions_;
  // The same partitions for lookups by name, which every fetch does once per partition it lists:
  // a hash lookup instead of a walk down the map comparing topic names. Partitions are never
  // removed, so the pointers stay valid.
  struct PartitionHash {
    std::size_t operator()(const TopicPartition& tp) const {
      return std::hash<std::string>{}(tp.topic) * 31U + static_cast<std::size_t>(tp.partition);
    }
  };
  std::unordered_map<TopicPartition, Partition*, PartitionHash> partition_index_;  // tidy:allow(unordered) lookups only, never iterated
  std::int64_t next_producer_id_ = 0;
  // Fetch session ids are never reused, across restarts too: a follower naming a session of the
  // broker's previous life must find none, not another follower's.
  std::int32_t next_fetch_session_id_ = 1;
  // The clean-shutdown mark (.kafka_cleanshutdown): the broker epoch of a run that ended in an
  // orderly shutdown. Read and removed when the next run starts; -1 when there is none.
  std::int64_t clean_shutdown_epoch_ = -1;

  // Volatile: everything below is lost when the process stops.
  std::int64_t broker_epoch_ = -1;
  std::int64_t previous_broker_epoch_ = -1;  // from the clean-shutdown mark this run found
  sim::TimerId registration_timer_;
  std::int32_t failed_registrations_ = 0;
  bool caught_up_ = false;       // the controller says this run has the metadata to its registration
  bool shutting_down_ = false;   // a controlled shutdown is under way
  bool shutdown_answered_ = false;  // the controller has answered a heartbeat that asked to shut down
  bool heartbeat_wants_shut_down_ = false;  // what the heartbeat in flight asked
  bool heartbeating_ = false;
  std::uint64_t heartbeats_sent_ = 0;
  std::uint64_t heartbeat_in_flight_ = 0;  // which heartbeat awaits its answer; 0 for none
  sim::TimerId heartbeat_timeout_;
  MetadataImage image_;
  bool publishing_ = false;  // the image reaches the replicas (from the first caught-up heartbeat on)
  std::map<TopicPartition, PartitionState> metadata_;  // every partition, for Metadata requests
  std::vector<MetadataResponse::Broker> live_brokers_;
  ProducePurgatory produces_;  // acks=all produces waiting for the high watermark
  std::map<std::uint64_t, DelayedFetch> delayed_fetches_;  // plain Fetches in the purgatory
  FetchPurgatory fetches_;  // both kinds of waiting Fetch
  std::uint64_t next_delayed_fetch_id_ = 1;
  std::map<std::int32_t, FetchSession> fetch_sessions_;  // as leader, by session id
  ReplicaFetcher replica_fetcher_{*this};  // the follower side
  std::int32_t next_correlation_id_ = 1;
  GroupCoordinator groups_{*this, config_};
  sim::TimerId group_timer_;
  bool offsets_topic_requested_ = false;
};

}  // namespace ksim::core
