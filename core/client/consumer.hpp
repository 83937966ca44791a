// Consumer: the Java KafkaConsumer (classic group protocol): partitions assigned by hand
// (assign) or by its group (subscribe), fetching, positions, commits and rebalances.
//
// For every assigned partition the consumer keeps a position. A partition without one asks its
// leader where it starts or ends (ListOffsets), as auto.offset.reset says; a position that falls
// outside the log (OFFSET_OUT_OF_RANGE, for example after retention) is reset the same way, or
// becomes an error with auto.offset.reset=none. After a leader change the position is validated
// against the new leader first (KIP-320, consumer_validation.cpp): if the new leader's log ends
// the last consumed epoch below the position, the consumer resumes where it diverged. A position
// from ListOffsets or a committed offset carries a leader epoch too and is validated before the
// first fetch (Java's seekUnvalidated). The fetcher keeps one Fetch in flight per leader
// broker for the partitions that have no buffered records (fetch.min.bytes, fetch.max.wait.ms,
// max.partition.fetch.bytes, fetch.max.bytes); poll() hands out up to max.poll.records buffered
// records and moves the positions past them.
//
// With group.id and subscribe() the consumer is a member of a consumer group (consumer_group.cpp):
// it finds the group's coordinator, joins (JoinGroup; the leader runs the assignor and hands the
// result back through SyncGroup), heartbeats on its own timer as Java's heartbeat thread does,
// starts each newly assigned partition at its committed offset (or per auto.offset.reset), and
// rejoins when the coordinator says a rebalance is under way. Like Java, it (re)joins only from
// poll(): a member that does not poll holds a rebalance up. With the eager protocol it gives up
// every partition before joining; with the cooperative one (every assignor cooperative-sticky) it
// keeps consuming and gives up only the partitions that move, then joins once more. When
// max.poll.interval.ms passes without a poll, the member leaves the group and loses its
// partitions; it rejoins on its next poll. Commits go to the coordinator: automatically from
// poll() (enable.auto.commit: the positions, i.e. what earlier polls returned) or when the
// application asks; a commit from a member whose generation is over fails (CommitFailed).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/kafka_client.hpp"

namespace ksim::core {

enum class OffsetReset : std::uint8_t { earliest, latest, none };
// group.protocol: the classic protocol (JoinGroup/SyncGroup, the client's default in Kafka 4.x) or
// the consumer group protocol of KIP-848 (ConsumerGroupHeartbeat, assignment on the broker).
enum class GroupProtocol : std::uint8_t { classic, consumer };
// read_committed reads up to the last stable offset, which equals the high watermark as long as
// there are no transactions (ksim has none): both levels read the same records.
enum class IsolationLevel : std::uint8_t { read_uncommitted, read_committed };

struct ConsumerConfig {
  std::int32_t fetch_min_bytes = 1;                            // fetch.min.bytes
  sim::Duration fetch_max_wait = sim::milliseconds(500);       // fetch.max.wait.ms
  std::int32_t max_partition_fetch_bytes = 1'048'576;          // max.partition.fetch.bytes
  std::int32_t fetch_max_bytes = 52'428'800;                   // fetch.max.bytes
  std::int32_t max_poll_records = 500;                         // max.poll.records
  OffsetReset auto_offset_reset = OffsetReset::latest;         // auto.offset.reset
  sim::Duration request_timeout = sim::milliseconds(30000);    // request.timeout.ms
  sim::Duration retry_backoff = sim::milliseconds(100);        // retry.backoff.ms
  sim::Duration metadata_max_age = sim::milliseconds(300000);  // metadata.max.age.ms
  ConnectionConfig connection;  // reconnect.backoff.ms, socket.connection.setup.timeout.ms, ...
  IsolationLevel isolation_level = IsolationLevel::read_uncommitted;  // isolation.level

  // The group (subscribe mode).
  std::optional<std::string> group_id;                          // group.id
  GroupProtocol group_protocol = GroupProtocol::classic;        // group.protocol
  std::optional<std::string> remote_assignor;                   // group.remote.assignor (consumer protocol)
  std::optional<std::string> group_instance_id;                 // group.instance.id (static membership)
  sim::Duration session_timeout = sim::milliseconds(45000);     // session.timeout.ms
  sim::Duration heartbeat_interval = sim::milliseconds(3000);   // heartbeat.interval.ms
  sim::Duration max_poll_interval = sim::milliseconds(300000);  // max.poll.interval.ms
  bool enable_auto_commit = true;                               // enable.auto.commit (needs group.id)
  sim::Duration auto_commit_interval = sim::milliseconds(5000); // auto.commit.interval.ms
  sim::Duration default_api_timeout = sim::milliseconds(60000); // default.api.timeout.ms (commitSync)
  // partition.assignment.strategy, in preference order.
  std::vector<std::string> assignors{"range", "cooperative-sticky"};
};

// The application's ConsumerRebalanceListener.
struct RebalanceListener {
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
  std::function<void(const std::vector<TopicPartition>&)> on_assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_lost;
};

struct ConsumedRecord {
  TopicPartition tp;
  Offset offset = -1;
  Record record;
};

class Consumer final : public KafkaClient {
 public:
  Consumer(KafkaEvents& events, std::string name, ConsumerConfig config, std::vector<sim::NodeId> bootstrap);

  const ConsumerConfig& config() const { return config_; }
  // New configs from now on (a scenario's set-config). As with the producer, Kafka would need a
  // new consumer; ksim keeps this one and each value takes effect where it is next read (the
  // poll timer at the next poll, session.timeout.ms at the next JoinGroup, fetch sizes at the next
  // fetch). The group and the assignment strategy cannot change this way.
  void reconfigure(const ConsumerConfig& config);
  using sim::Node::simulation;

  // consumer.assign: replaces the set of partitions; kept positions of partitions still assigned.
  void assign(const std::vector<TopicPartition>& partitions);
  void seek(const TopicPartition& tp, Offset offset);
  void seek_to_beginning(const TopicPartition& tp);
  void seek_to_end(const TopicPartition& tp);
  // offsetsForTimes + seek: the first record at or after `t`; the end when there is none.
  void seek_to_timestamp(const TopicPartition& tp, sim::Time t);
  std::optional<Offset> position(const TopicPartition& tp) const;
  void pause(const TopicPartition& tp);
  void resume(const TopicPartition& tp);

  // Up to max.poll.records buffered records, in fetch order; the positions move past them.
  std::vector<ConsumedRecord> poll();
  // Partitions with no usable position while auto.offset.reset=none: none was ever set
  // (NoOffsetForPartitionException in Java) or it left the log (OffsetOutOfRangeException).
  // The consumer stops fetching them until seek() gives them one.
  const std::vector<TopicPartition>& position_errors() const { return position_errors_; }

  // --- the group (consumer_group.cpp) ---
  // subscribe(): the group assigns the partitions of these topics (needs group.id). Survives a
  // restart of the process, as the restarted application would subscribe again.
  void subscribe(std::vector<std::string> topics);
  void set_rebalance_listener(RebalanceListener listener) { listener_ = std::move(listener); }
  using CommitCallback = std::function<void(CommitOutcome)>;
  // commitSync of the positions (what poll() has returned so far): retried through coordinator
  // moves until default.api.timeout.ms. commitAsync: one attempt.
  void commit_sync(CommitCallback done);
  void commit_async(CommitCallback done);
  void commit_offsets(std::vector<std::pair<TopicPartition, Offset>> offsets, bool retry, CommitCallback done);
  // close(): commits if auto-commit is on, and a dynamic member leaves the group at once (a
  // static member stays until its session times out). The node can be stopped afterwards.
  void close();
  bool in_group() const;
  const std::string& member_id() const { return member_id_; }
  // The generation (classic protocol) or the member epoch (consumer protocol).
  std::int32_t generation() const { return generation_; }
  // The partitions the group gave this member (subscribe mode).
  const std::vector<TopicPartition>& owned() const { return owned_; }

  using KafkaClient::handle;
  void handle(sim::NodeId from, const MetadataResponse& m) override;
  void handle(sim::NodeId from, const ListOffsetsResponse& m) override;
  void handle(sim::NodeId from, const FetchResponse& m) override;
  void handle(sim::NodeId from, const OffsetsForLeaderEpochResponse& m) override;
  void handle(sim::NodeId from, const FindCoordinatorResponse& m) override;
  void handle(sim::NodeId from, const JoinGroupResponse& m) override;
  void handle(sim::NodeId from, const SyncGroupResponse& m) override;
  void handle(sim::NodeId from, const HeartbeatResponse& m) override;
  void handle(sim::NodeId from, const LeaveGroupResponse& m) override;
  void handle(sim::NodeId from, const ConsumerGroupHeartbeatResponse& m) override;
  void handle(sim::NodeId from, const OffsetCommitResponse& m) override;
  void handle(sim::NodeId from, const OffsetFetchResponse& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;
  void connection_lost(sim::NodeId peer) override;

 private:
  struct PartitionFetch {
    std::optional<Offset> position;
    std::optional<OffsetReset> reset;  // a ListOffsets to send or waiting for its answer
    std::optional<sim::Time> seek_time;  // with reset: look the offset up by this time
    bool reset_in_flight = false;
    bool paused = false;
    bool failed = false;  // out of range with auto.offset.reset=none
    bool awaiting_committed = false;  // asking the coordinator for the committed offset
    // KIP-320 (consumer_validation.cpp): the leader epoch of the batch that held the last record
    // handed out, and the leader epoch the position was last known good under. When the
    // partition's leader epoch moves on, the position is checked with OffsetsForLeaderEpoch
    // before the partition is fetched again.
    std::optional<LeaderEpoch> offset_epoch;
    LeaderEpoch validated_epoch = kNoLeaderEpoch;
    bool awaiting_validation = false;
    bool validation_in_flight = false;
    // Fetched batches not yet handed out, each with the index of its next record: records are
    // copied out one by one only when poll() returns them.
    struct Buffered {
      RecordBatch batch;
      std::int32_t next = 0;
    };
    std::deque<Buffered> buffered;
    std::size_t buffered_records = 0;
    void clear_buffer() {
      buffered.clear();
      buffered_records = 0;
    }
  };
  struct FetchInFlight {
    std::int32_t correlation_id = 0;
    sim::TimerId timeout;
  };

  void reset_position(const TopicPartition& tp, OffsetReset where);  // seek_to_beginning / _end
  void work();  // send what can be sent: resets, fetches
  void send_resets();
  void send_fetches();
  // --- consumer_validation.cpp ---
  // Whether the partition may be fetched at `meta`'s leader epoch; when the epoch moved on since
  // the position was last good and the position has an epoch, it must be validated first.
  bool position_valid_for(PartitionFetch& state, const PartitionState& meta);
  void send_validations();
  // A ListOffsets or OffsetsForLeaderEpoch request in flight to one broker, by correlation id:
  // what to ask again when the broker's connection fails or the request times out (Java retries
  // both after retry.backoff.ms).
  struct PartitionRequest {
    BrokerId broker = kNoBroker;
    std::vector<TopicPartition> partitions;
    sim::TimerId timeout;
  };
  using PartitionRequests = std::map<std::int32_t, PartitionRequest>;
  // Keeps a request sent to `broker` in `requests` until it is answered, fails or times out.
  void track_partition_request(PartitionRequests& requests, bool PartitionFetch::*in_flight, std::int32_t correlation,
                               BrokerId broker, std::vector<TopicPartition> partitions);
  // The requests to `broker` failed: their partitions are asked again after retry.backoff.ms.
  void partition_requests_failed(PartitionRequests& requests, bool PartitionFetch::*in_flight, BrokerId broker);
  PartitionRequests resets_;       // ListOffsets
  PartitionRequests validations_;  // OffsetsForLeaderEpoch
  void schedule_work(sim::Duration after_delay);

  // --- consumer_membership.cpp: group.protocol=consumer (KIP-848), as the Java client's
  // ConsumerMembershipManager and ConsumerHeartbeatRequestManager run it ---
  enum class MemberState : std::uint8_t {
    unjoined,       // not in the group (not subscribed yet, or stopped)
    joining,        // epoch 0 sent, waiting for the first answer
    stable,         // owns what it was last given
    reconciling,    // committing before it gives partitions up
    acknowledging,  // reconciled: the next heartbeat, sent at once, reports what it owns
    stale,          // left after max.poll.interval.ms; rejoins at the next poll
    leaving,        // the leave heartbeat is on its way
  };
  struct Membership {
    MemberState state = MemberState::unjoined;
    sim::Duration interval = sim::milliseconds(5000);  // from the last answer
    std::int32_t in_flight = 0;                        // the heartbeat's correlation id, 0: none
    std::int32_t ack_sent = 0;                         // the heartbeat that reports a reconciliation
    sim::Time sent_at;
    sim::TimerId tick;
    bool full_request = true;  // the next heartbeat sends every field (joining, after an error)
    std::optional<std::vector<std::string>> sent_subscription;
    std::optional<std::vector<TopicPartition>> sent_owned;
    std::optional<std::vector<TopicPartition>> pending;  // an assignment not yet reconciled
  };
  bool consumer_protocol() const { return config_.group_protocol == GroupProtocol::consumer; }
  void membership_poll();
  void membership_join();
  void schedule_membership_heartbeat(sim::Duration after_delay);
  void membership_tick();
  void send_membership_heartbeat();
  void membership_failed(ErrorCode error);
  void membership_fenced(const char* reason);
  void reconcile_membership();
  void finish_reconciliation(std::vector<TopicPartition> target);
  void membership_leave(const char* reason, bool poll_expired);
  void membership_coordinator_found();
  void reset_membership();
  Membership membership_;

  // --- consumer_group.cpp ---
  enum class MemberPhase : std::uint8_t { unjoined, joining, syncing, stable };
  struct PendingCommit {
    std::vector<std::pair<TopicPartition, Offset>> offsets;
    std::vector<LeaderEpoch> leader_epochs;  // per offset: the epoch of the last record before it
    bool retry = false;
    std::int32_t generation = -1;  // the member's generation when the commit was made
    sim::Time give_up_at;
    CommitCallback done;
    sim::TimerId timeout;
  };
  bool group_managed() const { return config_.group_id.has_value() && !subscription_.empty(); }
  bool cooperative() const;
  void group_poll();  // what poll() does for the group before handing out records
  void find_coordinator();
  void coordinator_timed_out(const char* reason);
  void coordinator_lost(const char* reason);
  void start_join(const char* reason);
  void join_after_commit(const char* reason);
  void send_join();
  // The leader needs every subscribed topic in its metadata for the assignor to see it.
  void refresh_metadata_for(const JoinGroupResponse& m);
  void apply_assignment(const std::vector<TopicPartition>& assignment);
  void take_partitions(const std::vector<TopicPartition>& added);
  void give_up(const std::vector<TopicPartition>& partitions, bool lost);
  void reset_generation(bool forget_member_id, const char* reason);
  void schedule_heartbeat();
  void heartbeat_tick();
  void leave_group(const char* reason);
  void fetch_committed();
  void send_commit(std::int32_t correlation);
  void finish_commit(std::int32_t correlation, CommitOutcome outcome);
  std::vector<std::pair<TopicPartition, Offset>> consumed_positions() const;
  // Tells the run's observers what the rebalance listener is told (who owns what, from when).
  void report_ownership(OwnershipChange change, const std::vector<TopicPartition>& partitions);

  ConsumerConfig config_;
  std::vector<std::string> subscription_;
  RebalanceListener listener_;
  std::optional<sim::NodeId> coordinator_;
  bool finding_coordinator_ = false;
  sim::NodeId coordinator_query_target_;
  MemberPhase phase_ = MemberPhase::unjoined;
  bool rejoin_needed_ = false;
  bool generation_lost_ = false;  // owned partitions are lost, not revoked, at the next join
  std::string member_id_;
  std::int32_t generation_ = -1;
  std::string protocol_;
  std::vector<TopicPartition> owned_;
  std::vector<TopicPartition> previous_assignment_;  // for the eager sticky assignor
  // The leader's view of the subscribed topics' partition counts when it last assigned.
  std::map<std::string, std::int32_t> assignment_snapshot_;
  void check_assignment_snapshot();
  std::int32_t previous_generation_ = -1;
  std::int32_t group_request_ = 0;  // correlation id of the JoinGroup or SyncGroup in flight
  sim::TimerId group_request_timeout_;
  sim::TimerId heartbeat_timer_;
  bool heartbeat_in_flight_ = false;
  std::int32_t heartbeat_generation_ = -1;
  bool preparing_join_ = false;  // waiting for the pre-rebalance commit before joining
  sim::Time heartbeat_sent_at_;
  sim::Time last_heartbeat_answer_;
  sim::Time last_poll_;
  sim::Time next_auto_commit_;
  std::int32_t committed_request_ = 0;  // the OffsetFetch in flight
  std::map<std::int32_t, PendingCommit> commits_;
  std::map<TopicPartition, PartitionFetch> assigned_;
  std::map<BrokerId, FetchInFlight> fetches_;  // one fetch in flight per leader broker
  std::vector<TopicPartition> position_errors_;
  bool work_scheduled_ = false;
};

}  // namespace ksim::core
