// Kafka events: what the Kafka model reports as it runs, one typed value per kind of thing that
// happened (a high watermark advanced, an ISR changed, a member got partitions, ...).
//
// Each event reaches every KafkaObserver (kafka_observer.hpp) with a stamp saying when and on
// which node it happened. An event lives only for the call: references and views point into the
// emitter's state, so an observer that keeps something copies it. The trace is one observer among
// others: kafka_trace.cpp encodes each event into the trace's kind and fields, and is the only
// place that does.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event/outcomes.hpp"
#include "core/log/record.hpp"
#include "core/protocol/error_code.hpp"
#include "core/protocol/messages.hpp"

namespace ksim::core {

// --- brokers: logs and replicas ----------------------------------------------------------------

// A leader appended a batch to its log (a producer's, or the group coordinator's own records).
struct RecordsAppended {
  const TopicPartition& tp;
  const RecordBatch& batch;  // as stored, with its offsets and leader epoch
};

// A replica's role or leader epoch changed on a broker, from the controller's metadata.
struct ReplicaRoleChanged {
  const TopicPartition& tp;
  ReplicaRole role;
  LeaderEpoch leader_epoch = 0;
  LeaderEpoch previous_epoch = 0;
};

// A leader moved its high watermark forward: [from, to) became committed.
struct HighWatermarkAdvanced {
  const TopicPartition& tp;
  Offset from = 0;
  Offset to = 0;
};

// A leader asked the controller to change the ISR (AlterPartition).
struct IsrChangeRequested {
  const TopicPartition& tp;
  const std::vector<BrokerId>& isr;
  std::string_view reason;  // "follower out of sync", "follower caught up"
};

// A follower's fetch moved its log end or its high watermark.
struct ReplicaFetched {
  const TopicPartition& tp;
  Offset from = 0;  // the log end before
  Offset to = 0;    // the log end after
  Offset high_watermark = 0;
};

// A follower's fetch session with a leader broke and starts over with a full Fetch.
struct FetchSessionReset {
  BrokerId leader = kNoBroker;
  std::int32_t session = 0;
  ErrorCode error = ErrorCode::NONE;
};

// A replica removed [from, to) from the end of its log.
struct LogTruncated {
  const TopicPartition& tp;
  Offset from = 0;
  Offset to = 0;
  std::string_view reason;  // "leader epoch", "high watermark", "disk lost", ...
};

// Retention deleted the segments holding [from, to).
struct LogSegmentsDeleted {
  const TopicPartition& tp;
  Offset from = 0;
  Offset to = 0;
};

// --- the metadata quorum -----------------------------------------------------------------------

// A member of the metadata quorum (a controller, or a broker as an observer) changed its Raft
// state: "Unattached", "Prospective", "Candidate", "Leader", "Follower", "Resigned".
struct QuorumStateChanged {
  BrokerId replica = kNoBroker;
  std::string_view from;
  std::string_view to;
  LeaderEpoch epoch;
  BrokerId leader = kNoBroker;
};

// A member of the metadata quorum learnt a higher high watermark and applied the records below it
// (`applied`: the offset of the last record its metadata image holds; `incarnation` counts the
// starts of its process), or cut its copy of the log back to end at `end` (a follower whose log
// diverged from its leader's). The quorum's invariants follow them; the trace does not (what the
// records change shows there on its own).
struct MetadataCommitted {
  BrokerId replica = kNoBroker;
  std::uint32_t incarnation = 0;
  Offset high_watermark;
  Offset applied;
};
struct MetadataLogTruncated {
  BrokerId replica = kNoBroker;
  Offset end;
};

// A controller became the active one (its epoch's first record is committed), or stopped being it.
struct ControllerActivated {
  BrokerId controller = kNoBroker;
  LeaderEpoch epoch;
};
struct ControllerDeactivated {
  BrokerId controller = kNoBroker;
};

// --- the controller ----------------------------------------------------------------------------

// A broker registered a new incarnation (or the same one again). `clean`: its clean-shutdown mark
// named the epoch the controller held for it, so its last run ended in a controlled shutdown.
struct BrokerRegistered {
  BrokerId broker = kNoBroker;
  std::int64_t broker_epoch = 0;
  bool clean = false;
};

// The controller turned a registration away (DUPLICATE_BROKER_REGISTRATION: the broker's
// previous incarnation still has a live session).
struct BrokerRegistrationRefused {
  BrokerId broker = kNoBroker;
  ErrorCode error = ErrorCode::NONE;
};

// A broker asked for a controlled shutdown: it leaves the ISRs and its leaderships move away.
struct BrokerControlledShutdown {
  BrokerId broker = kNoBroker;
};

struct BrokerFenced {
  BrokerId broker = kNoBroker;
  std::string_view reason;  // "session timeout"
};

struct BrokerUnfenced {
  BrokerId broker = kNoBroker;
};

struct TopicCreated {
  std::string_view topic;
  std::int32_t partitions = 0;
  std::int32_t replication_factor = 0;
};

// clean: from the ISR; eligible: from the ELR (KIP-966); last-known: the last known leader with
// the ISR and the ELR empty (unclean, as Kafka counts it); unclean: outside the ISR, allowed by
// unclean.leader.election.enable; preferred: the first replica, by ElectLeaders or rebalancing.
enum class ElectionKind : std::uint8_t { clean, eligible, last_known, unclean, preferred };
std::string_view election_kind_name(ElectionKind kind);  // "clean", "eligible", "last-known", ...

// The controller chose a leader for a partition (its new state, with the bumped epochs).
struct LeaderElected {
  const PartitionState& state;
  ElectionKind kind;
};

// The controller found no live in-sync replica to lead the partition.
struct PartitionWentOffline {
  const PartitionState& state;
};

// The controller changed a partition's ISR or ELR without a new leader: a leader's request, or a
// broker leaving (fenced, shut down, or registered after an unclean shutdown).
struct IsrChanged {
  const PartitionState& state;
  std::string_view reason;  // "leader request", "broker fenced", "unclean shutdown", ...
};

// --- the group coordinator (on a broker) -------------------------------------------------------

struct GroupCreated {
  std::string_view group;
};

// A classic group's generation was persisted: its state, protocol, leader and member count.
struct GroupGenerationPersisted {
  std::string_view group;
  std::int32_t generation = 0;
  GroupState state;
  std::string_view protocol;
  std::string_view leader;
  std::int64_t members = 0;
};

// A coordinator took a group over from __consumer_offsets.
struct GroupLoaded {
  std::string_view group;
  GroupState state;
  std::int32_t generation = 0;
  std::int64_t offsets = 0;
};

struct GroupUnloaded {
  std::string_view group;
};

struct GroupMemberLeft {
  std::string_view group;
  std::string_view member;
};

struct GroupMemberExpired {
  std::string_view group;
  std::string_view member;
};

// Consumer protocol: the coordinator computed the group's target assignment for `epoch`.
struct ConsumerGroupTargetComputed {
  std::string_view group;
  std::int32_t epoch = 0;
  std::string_view assignor;
  std::int64_t members = 0;
};

// Consumer protocol: a member moved a step towards its target (a new member epoch, partitions to
// revoke, or partitions handed over). `state` is Kafka's MemberState name.
struct ConsumerGroupMemberReconciled {
  std::string_view group;
  std::string_view member;
  std::int32_t epoch = 0;
  std::string_view state;
  std::int64_t assigned = 0;
  std::int64_t pending_revocation = 0;
};

struct GroupCommitRefused {
  std::string_view group;
  std::string_view member;
  std::int32_t generation = 0;
  ErrorCode error = ErrorCode::NONE;
};

struct GroupOffsetExpired {
  std::string_view group;
  const TopicPartition& tp;
  Offset offset = 0;
};

struct GroupDied {
  std::string_view group;
};

// The coordinator could not create __consumer_offsets (too few brokers for its replication factor).
struct OffsetsTopicNotCreated {
  ErrorCode error = ErrorCode::NONE;
  std::int32_t replication_factor = 0;
};

// --- the producer ------------------------------------------------------------------------------

// A batch's fate is known: acknowledged (client_error none) or failed.
struct BatchCompleted {
  const TopicPartition& tp;
  Offset base_offset = -1;
  std::uint32_t records = 0;
  std::int32_t attempts = 0;
  ClientError client_error = ClientError::none;
  ErrorCode error = ErrorCode::NONE;
  bool acknowledged() const { return client_error == ClientError::none; }
};

// An idempotent producer bumped its epoch to mend a broken sequence: `partitions` are numbered
// again from 0 (their batches in flight too), the others move to the new epoch once their
// batches in flight are answered.
struct ProducerEpochBumped {
  ProducerId producer_id = kNoProducerId;
  ProducerEpoch epoch = -1;
  const std::vector<TopicPartition>& partitions;
};

// A broker refused a batch of several records as MESSAGE_TOO_LARGE: the producer split it into
// `parts` batches of at most batch.size bytes, sent again in its place.
struct BatchSplit {
  const TopicPartition& tp;
  std::uint32_t records = 0;
  std::uint32_t parts = 0;
};

// --- the consumer ------------------------------------------------------------------------------

// KIP-320: after a leader change, the new leader's log ends the consumer's last fetched epoch
// below its position: the records it read past `end_offset` are gone. With a reset policy it
// resumes at `end_offset` (`reset`); with auto.offset.reset=none the application gets a
// LogTruncationException and the partition stops until it seeks.
struct ConsumerTruncationDetected {
  const TopicPartition& tp;
  Offset position = -1;
  Offset end_offset = -1;  // -1: the leader knows nothing of the epoch
  bool reset = false;
};

enum class OwnershipChange : std::uint8_t { assigned, revoked, lost };

// A member's rebalance listener was told of partitions it gained, gave back or lost.
struct PartitionsOwnershipChanged {
  OwnershipChange change;
  std::string_view group;
  std::string_view member;
  std::int32_t generation = 0;
  const std::vector<TopicPartition>& partitions;
};

struct CoordinatorFound {
  std::string_view group;
  BrokerId broker = kNoBroker;
};

struct CoordinatorLost {
  std::string_view group;
  std::string_view reason;
};

struct JoinStarted {
  std::string_view group;
  std::string_view member;
  std::string_view reason;
};

struct JoinFailed {
  std::string_view group;
  ErrorCode error = ErrorCode::NONE;
};

struct GroupJoined {
  std::string_view group;
  std::string_view member;
  std::int32_t generation = 0;
  std::string_view protocol;
  bool leader = false;
};

// The group's leader ran the assignor for every member.
struct AssignmentComputed {
  std::string_view group;
  std::int32_t generation = 0;
  std::string_view assignor;
  std::int64_t members = 0;
};

// A subscribed topic's partition count changed: the member rejoins to assign the new ones.
struct SubscribedPartitionsChanged {
  std::string_view group;
  std::string_view topic;
  std::int32_t from = 0;
  std::int32_t to = 0;
};

struct GenerationReset {
  std::string_view group;
  std::string_view member;
  std::string_view reason;
};

// Consumer protocol: a heartbeat answer gave this member a new member epoch.
struct MemberEpochChanged {
  std::string_view group;
  std::string_view member;
  std::int32_t from = 0;
  std::int32_t to = 0;
};

struct RebalanceNoticed {
  std::string_view group;
  std::string_view member;
};

struct LeftGroup {
  std::string_view group;
  std::string_view member;
  std::string_view reason;
};

// A partition's position was set from the group's committed offset.
struct PositionInitialised {
  const TopicPartition& tp;
  Offset committed = 0;
};

// An offset commit ended. `offsets` is null when nothing was sent (no coordinator, nothing new).
struct CommitCompleted {
  std::string_view group;
  std::string_view member;
  std::int32_t generation = 0;
  CommitOutcome outcome;
  const std::vector<std::pair<TopicPartition, Offset>>* offsets = nullptr;
};

}  // namespace ksim::core
