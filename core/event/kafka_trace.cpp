// The trace encoding of the Kafka model's events: for each typed event, the kind and the fields
// that the fingerprint hashes and the JSON Lines trace shows (docs/architecture.md lists them).
// Changing a name, a field or its order here changes every golden hash: on purpose or not at all.
#include <string>

#include "core/event/kafka_observer.hpp"

namespace ksim::core {
namespace {

std::string_view ownership_kind(OwnershipChange change) {
  switch (change) {
    case OwnershipChange::assigned: return "consumer.partitions_assigned";
    case OwnershipChange::revoked: return "consumer.partitions_revoked";
    case OwnershipChange::lost: return "consumer.partitions_lost";
  }
  return "consumer.partitions_lost";
}

// The controller's three partition-state events share their fields.
void encode_partition_state(sim::Trace& trace, const EventStamp& s, std::string_view kind, const PartitionState& p,
                            std::string_view reason) {
  trace.emit(s.time, s.node, kind,
             {{"partition", p.tp.str()},
              {"leader", p.leader},
              {"leader_epoch", p.leader_epoch},
              {"partition_epoch", p.partition_epoch},
              {"isr", join_broker_ids(p.isr)},
              {"elr", join_broker_ids(p.elr)},
              {"last_known_elr", join_broker_ids(p.last_known_elr)},
              {"reason", reason}});
}

}  // namespace

std::string_view election_kind_name(ElectionKind kind) {
  switch (kind) {
    case ElectionKind::clean: return "clean";
    case ElectionKind::eligible: return "eligible";
    case ElectionKind::last_known: return "last-known";
    case ElectionKind::unclean: return "unclean";
    case ElectionKind::preferred: return "preferred";
  }
  return "clean";
}

// --- brokers -----------------------------------------------------------------------------------

void encode(sim::Trace& trace, const EventStamp& s, const RecordsAppended& e) {
  trace.emit(s.time, s.node, "log.appended",
             {{"partition", e.tp.str()},
              {"base_offset", e.batch.base_offset},
              {"records", e.batch.record_count()},
              {"bytes", e.batch.size_bytes()},
              {"leader_epoch", e.batch.partition_leader_epoch},
              {"first_record_id", e.batch.records->records.front().id}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ReplicaRoleChanged& e) {
  trace.emit(s.time, s.node, "replica.role_changed",
             {{"partition", e.tp.str()},
              {"role", replica_role_name(e.role)},
              {"leader_epoch", e.leader_epoch},
              {"previous_epoch", e.previous_epoch}});
}

void encode(sim::Trace& trace, const EventStamp& s, const HighWatermarkAdvanced& e) {
  trace.emit(s.time, s.node, "partition.hw_advanced", {{"partition", e.tp.str()}, {"from", e.from}, {"to", e.to}});
}

void encode(sim::Trace& trace, const EventStamp& s, const IsrChangeRequested& e) {
  trace.emit(s.time, s.node, "partition.isr_change_requested",
             {{"partition", e.tp.str()}, {"isr", join_broker_ids(e.isr)}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ReplicaFetched& e) {
  trace.emit(s.time, s.node, "replica.fetched",
             {{"partition", e.tp.str()}, {"from", e.from}, {"to", e.to}, {"high_watermark", e.high_watermark}});
}

void encode(sim::Trace& trace, const EventStamp& s, const FetchSessionReset& e) {
  trace.emit(s.time, s.node, "replica.fetch_session_reset",
             {{"leader", e.leader}, {"session", e.session}, {"error", error_name(e.error)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const LogTruncated& e) {
  trace.emit(s.time, s.node, "log.truncated",
             {{"partition", e.tp.str()}, {"from", e.from}, {"to", e.to}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const LogSegmentsDeleted& e) {
  trace.emit(s.time, s.node, "log.segments_deleted", {{"partition", e.tp.str()}, {"from", e.from}, {"to", e.to}});
}

// --- the controller ----------------------------------------------------------------------------

void encode(sim::Trace& trace, const EventStamp& s, const BrokerRegistered& e) {
  trace.emit(s.time, s.node, "controller.broker_registered",
             {{"broker", e.broker}, {"broker_epoch", e.broker_epoch}, {"clean", e.clean}});
}

void encode(sim::Trace& trace, const EventStamp& s, const QuorumStateChanged& e) {
  trace.emit(s.time, s.node, "quorum.state_changed",
             {{"replica", e.replica}, {"from", e.from}, {"to", e.to}, {"epoch", e.epoch}, {"leader", e.leader}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ControllerActivated& e) {
  trace.emit(s.time, s.node, "controller.activated", {{"controller", e.controller}, {"epoch", e.epoch}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ControllerDeactivated& e) {
  trace.emit(s.time, s.node, "controller.deactivated", {{"controller", e.controller}});
}

void encode(sim::Trace& trace, const EventStamp& s, const BrokerRegistrationRefused& e) {
  trace.emit(s.time, s.node, "controller.broker_registration_refused",
             {{"broker", e.broker}, {"error", error_name(e.error)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const BrokerControlledShutdown& e) {
  trace.emit(s.time, s.node, "controller.broker_controlled_shutdown", {{"broker", e.broker}});
}

void encode(sim::Trace& trace, const EventStamp& s, const BrokerFenced& e) {
  trace.emit(s.time, s.node, "controller.broker_fenced", {{"broker", e.broker}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const BrokerUnfenced& e) {
  trace.emit(s.time, s.node, "controller.broker_unfenced", {{"broker", e.broker}});
}

void encode(sim::Trace& trace, const EventStamp& s, const TopicCreated& e) {
  trace.emit(s.time, s.node, "controller.topic_created",
             {{"topic", e.topic}, {"partitions", e.partitions}, {"replication_factor", e.replication_factor}});
}

void encode(sim::Trace& trace, const EventStamp& s, const LeaderElected& e) {
  encode_partition_state(trace, s, "partition.leader_elected", e.state, election_kind_name(e.kind));
}

void encode(sim::Trace& trace, const EventStamp& s, const PartitionWentOffline& e) {
  encode_partition_state(trace, s, "partition.offline", e.state, "no in-sync replica is alive");
}

void encode(sim::Trace& trace, const EventStamp& s, const IsrChanged& e) {
  encode_partition_state(trace, s, "partition.isr_changed", e.state, e.reason);
}

// --- the group coordinator ---------------------------------------------------------------------

void encode(sim::Trace& trace, const EventStamp& s, const GroupCreated& e) {
  trace.emit(s.time, s.node, "group.created", {{"group", e.group}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupGenerationPersisted& e) {
  trace.emit(s.time, s.node, "group.generation",
             {{"group", e.group},
              {"generation", e.generation},
              {"state", group_state_name(e.state)},
              {"protocol", e.protocol},
              {"leader", e.leader},
              {"members", e.members}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupLoaded& e) {
  trace.emit(s.time, s.node, "group.loaded",
             {{"group", e.group}, {"state", group_state_name(e.state)}, {"generation", e.generation}, {"offsets", e.offsets}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupUnloaded& e) {
  trace.emit(s.time, s.node, "group.unloaded", {{"group", e.group}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupMemberLeft& e) {
  trace.emit(s.time, s.node, "group.member_left", {{"group", e.group}, {"member", e.member}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupMemberExpired& e) {
  trace.emit(s.time, s.node, "group.member_expired", {{"group", e.group}, {"member", e.member}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ConsumerGroupTargetComputed& e) {
  trace.emit(s.time, s.node, "group.target_assignment",
             {{"group", e.group}, {"epoch", e.epoch}, {"assignor", e.assignor}, {"members", e.members}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ConsumerGroupMemberReconciled& e) {
  trace.emit(s.time, s.node, "group.member_reconciled",
             {{"group", e.group},
              {"member", e.member},
              {"epoch", e.epoch},
              {"state", e.state},
              {"assigned", e.assigned},
              {"pending_revocation", e.pending_revocation}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupCommitRefused& e) {
  trace.emit(s.time, s.node, "group.commit_refused",
             {{"group", e.group}, {"member", e.member}, {"generation", e.generation}, {"error", error_name(e.error)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupOffsetExpired& e) {
  trace.emit(s.time, s.node, "group.offset_expired", {{"group", e.group}, {"partition", e.tp.str()}, {"offset", e.offset}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupDied& e) {
  trace.emit(s.time, s.node, "group.dead", {{"group", e.group}});
}

void encode(sim::Trace& trace, const EventStamp& s, const OffsetsTopicNotCreated& e) {
  trace.emit(s.time, s.node, "coordinator.offsets_topic_not_created",
             {{"error", error_name(e.error)}, {"replication_factor", e.replication_factor}});
}

// --- the producer ------------------------------------------------------------------------------

void encode(sim::Trace& trace, const EventStamp& s, const BatchCompleted& e) {
  trace.emit(s.time, s.node, e.acknowledged() ? "producer.batch_acked" : "producer.batch_failed",
             {{"partition", e.tp.str()},
              {"base_offset", e.base_offset},
              {"records", e.records},
              {"attempts", e.attempts},
              {"client_error", client_error_name(e.client_error)},
              {"error", error_name(e.error)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const ProducerEpochBumped& e) {
  std::string partitions;
  for (const TopicPartition& tp : e.partitions) partitions += (partitions.empty() ? "" : ",") + tp.str();
  trace.emit(s.time, s.node, "producer.epoch_bumped",
             {{"producer_id", e.producer_id}, {"epoch", e.epoch}, {"renumbered", partitions}});
}

void encode(sim::Trace& trace, const EventStamp& s, const BatchSplit& e) {
  trace.emit(s.time, s.node, "producer.batch_split",
             {{"partition", e.tp.str()}, {"records", e.records}, {"parts", e.parts}});
}

// --- the consumer ------------------------------------------------------------------------------

void encode(sim::Trace& trace, const EventStamp& s, const ConsumerTruncationDetected& e) {
  trace.emit(s.time, s.node, "consumer.truncation_detected",
             {{"partition", e.tp.str()}, {"position", e.position}, {"end_offset", e.end_offset}, {"reset", e.reset}});
}

void encode(sim::Trace& trace, const EventStamp& s, const PartitionsOwnershipChanged& e) {
  trace.emit(s.time, s.node, ownership_kind(e.change),
             {{"group", e.group},
              {"member", e.member},
              {"generation", e.generation},
              {"partitions", join_partitions(e.partitions)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const CoordinatorFound& e) {
  trace.emit(s.time, s.node, "consumer.coordinator_found", {{"group", e.group}, {"broker", e.broker}});
}

void encode(sim::Trace& trace, const EventStamp& s, const CoordinatorLost& e) {
  trace.emit(s.time, s.node, "consumer.coordinator_lost", {{"group", e.group}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const JoinStarted& e) {
  trace.emit(s.time, s.node, "consumer.join_started", {{"group", e.group}, {"member", e.member}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const JoinFailed& e) {
  trace.emit(s.time, s.node, "consumer.join_failed", {{"group", e.group}, {"error", error_name(e.error)}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GroupJoined& e) {
  trace.emit(s.time, s.node, "consumer.joined",
             {{"group", e.group},
              {"member", e.member},
              {"generation", e.generation},
              {"protocol", e.protocol},
              {"leader", e.leader}});
}

void encode(sim::Trace& trace, const EventStamp& s, const AssignmentComputed& e) {
  trace.emit(s.time, s.node, "consumer.assignment_computed",
             {{"group", e.group}, {"generation", e.generation}, {"assignor", e.assignor}, {"members", e.members}});
}

void encode(sim::Trace& trace, const EventStamp& s, const MemberEpochChanged& e) {
  trace.emit(s.time, s.node, "consumer.member_epoch", {{"group", e.group}, {"member", e.member}, {"from", e.from}, {"to", e.to}});
}

void encode(sim::Trace& trace, const EventStamp& s, const SubscribedPartitionsChanged& e) {
  trace.emit(s.time, s.node, "consumer.partitions_changed",
             {{"group", e.group}, {"topic", e.topic}, {"from", e.from}, {"to", e.to}});
}

void encode(sim::Trace& trace, const EventStamp& s, const GenerationReset& e) {
  trace.emit(s.time, s.node, "consumer.generation_reset", {{"group", e.group}, {"member", e.member}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const RebalanceNoticed& e) {
  trace.emit(s.time, s.node, "consumer.rebalance_noticed", {{"group", e.group}, {"member", e.member}});
}

void encode(sim::Trace& trace, const EventStamp& s, const LeftGroup& e) {
  trace.emit(s.time, s.node, "consumer.left_group", {{"group", e.group}, {"member", e.member}, {"reason", e.reason}});
}

void encode(sim::Trace& trace, const EventStamp& s, const PositionInitialised& e) {
  trace.emit(s.time, s.node, "consumer.position_initialised", {{"partition", e.tp.str()}, {"committed", e.committed}});
}

void encode(sim::Trace& trace, const EventStamp& s, const CommitCompleted& e) {
  if (e.offsets == nullptr) {
    trace.emit(s.time, s.node, "consumer.commit",
               {{"group", e.group}, {"member", e.member}, {"generation", e.generation},
                {"outcome", commit_outcome_name(e.outcome)}});
    return;
  }
  std::string offsets;
  for (const auto& [tp, offset] : *e.offsets) offsets += (offsets.empty() ? "" : ",") + tp.str() + "@" + to_string(offset);
  trace.emit(s.time, s.node, "consumer.commit",
             {{"group", e.group}, {"member", e.member}, {"generation", e.generation},
              {"outcome", commit_outcome_name(e.outcome)}, {"offsets", offsets}});
}

// --- the stream --------------------------------------------------------------------------------

void KafkaEvents::attach(KafkaObserver& observer) {
  observers_.push_back(&observer);
  simulation_.events().attach(observer);
}

void KafkaEvents::detach(KafkaObserver& observer) {
  std::erase(observers_, &observer);
  simulation_.events().detach(observer);
}

}  // namespace ksim::core
