// The consumer's group membership under group.protocol=consumer (KIP-848), as the Java client's
// ConsumerMembershipManager and ConsumerHeartbeatRequestManager run it.
//
// There is no JoinGroup and no SyncGroup: the member heartbeats (ConsumerGroupHeartbeat) every
// group.consumer.heartbeat.interval.ms, as the coordinator tells it, and each answer may carry a
// new assignment computed on the broker. The member joins with epoch 0 and a member id it chose
// itself. When an answer brings an assignment that differs from what it owns, it reconciles:
// with auto-commit it first commits what it consumed, then gives up the partitions no longer in
// the assignment (onPartitionsRevoked) and takes the new ones (onPartitionsAssigned), and
// acknowledges at once with a heartbeat that lists what it now owns. Partitions it keeps are
// consumed throughout: nothing stops for the group as a whole.
//
// The reconciliation runs inside poll(), on the application's thread, as in Kafka 4.x: an answer
// only records the new assignment; the next poll commits, revokes and assigns.
//
// A member told FENCED_MEMBER_EPOCH or UNKNOWN_MEMBER_ID has lost its partitions (onPartitionsLost)
// and joins again with epoch 0, keeping its member id. A member that does not poll for
// max.poll.interval.ms leaves (epoch -1; a static member -2, which keeps its place for the
// session timeout) and joins again at its next poll. close() commits, revokes and leaves.
#include <algorithm>

#include "core/client/consumer.hpp"
#include "core/client/partition_lists.hpp"

namespace ksim::core {
namespace {

std::vector<TopicPartition> sorted(std::vector<TopicPartition> list) {
  std::sort(list.begin(), list.end());
  return list;
}

}  // namespace

void Consumer::membership_poll() {
  const bool wants_in = (membership_.state == MemberState::unjoined && rejoin_needed_) || membership_.state == MemberState::stale;
  if (wants_in) membership_join();
  // A new assignment is reconciled here, on the application's poll, as Kafka 4.x does
  // (KAFKA-18641, KAFKA-20106): what this poll commits first is what earlier polls returned, so
  // records handed out but not yet processed are never committed.
  reconcile_membership();
}

void Consumer::membership_join() {
  rejoin_needed_ = false;
  // Java draws a random UUID per consumer instance (KIP-1082); ksim names the process and its
  // incarnation, which is as unique and reads better: "analytics/0-1".
  if (member_id_.empty()) {
    const std::string_view process = std::string_view(name()).starts_with("consumer:") ? std::string_view(name()).substr(9) : name();
    member_id_ = std::string(process) + "-" + std::to_string(incarnation());
  }
  membership_.state = MemberState::joining;
  membership_.full_request = true;
  membership_.pending.reset();
  generation_ = 0;
  emit(JoinStarted{*config_.group_id, member_id_, "joining"});
  if (!coordinator_) {
    find_coordinator();
    return;
  }
  if (membership_.in_flight == 0) send_membership_heartbeat();
}

void Consumer::schedule_membership_heartbeat(sim::Duration after_delay) {
  cancel(membership_.tick);
  membership_.tick = after(after_delay, [this] {
    membership_.tick = {};
    membership_tick();
  });
}

void Consumer::membership_tick() {
  const MemberState state = membership_.state;
  if (state == MemberState::unjoined || state == MemberState::stale || state == MemberState::leaving) return;
  if (now() - last_poll_ > config_.max_poll_interval) {
    membership_leave("consumer poll timeout has expired (max.poll.interval.ms)", true);
    return;
  }
  if (membership_.in_flight != 0 || !coordinator_) {
    schedule_membership_heartbeat(membership_.interval);
    return;
  }
  send_membership_heartbeat();
}

void Consumer::send_membership_heartbeat() {
  if (!coordinator_) {
    find_coordinator();
    return;
  }
  ConsumerGroupHeartbeatRequest request;
  request.correlation_id = next_correlation_++;
  request.group_id = *config_.group_id;
  request.member_id = member_id_;
  request.member_epoch = generation_;
  request.instance_id = config_.group_instance_id;
  if (membership_.state == MemberState::leaving) {
    request.member_epoch = config_.group_instance_id ? kLeaveGroupStaticMemberEpoch : kLeaveGroupMemberEpoch;
  } else {
    // Only what changed since the last heartbeat, unless the coordinator must hear everything.
    const bool full = membership_.full_request || generation_ == 0;
    if (full) {
      request.rebalance_timeout = config_.max_poll_interval;
      request.server_assignor = config_.remote_assignor;
    }
    if (full || membership_.sent_subscription != subscription_) {
      request.subscribed = subscription_;
      membership_.sent_subscription = subscription_;
    }
    const std::vector<TopicPartition> owned = sorted(owned_);
    if (full || membership_.sent_owned != owned) {
      request.owned = owned;
      membership_.sent_owned = owned;
    }
  }
  membership_.in_flight = request.correlation_id;
  if (membership_.state == MemberState::acknowledging) membership_.ack_sent = request.correlation_id;
  membership_.sent_at = now();
  const std::int32_t correlation = request.correlation_id;
  after(config_.request_timeout, [this, correlation] {
    if (membership_.in_flight != correlation) return;
    membership_.in_flight = 0;
    membership_failed(ErrorCode::REQUEST_TIMED_OUT);
  });
  send_message(*coordinator_, std::move(request));
  if (membership_.state != MemberState::leaving) schedule_membership_heartbeat(membership_.interval);
}

void Consumer::handle(sim::NodeId, const ConsumerGroupHeartbeatResponse& m) {
  if (m.correlation_id != membership_.in_flight) return;
  membership_.in_flight = 0;
  if (membership_.state == MemberState::leaving) {
    membership_.state = rejoin_needed_ ? MemberState::stale : MemberState::unjoined;
    rejoin_needed_ = false;
    return;
  }
  if (m.error != ErrorCode::NONE) {
    membership_failed(m.error);
    return;
  }
  membership_.full_request = false;
  membership_.interval = m.heartbeat_interval;
  member_id_ = m.member_id;
  if (m.member_epoch != generation_) {
    emit(MemberEpochChanged{*config_.group_id, member_id_, generation_, m.member_epoch});
    if (generation_ == 0) emit(GroupJoined{*config_.group_id, member_id_, m.member_epoch, "consumer", false});
    generation_ = m.member_epoch;
  }
  // Joined; or the heartbeat that reported the reconciled partitions is answered.
  const bool acknowledged = membership_.state == MemberState::acknowledging && membership_.ack_sent == m.correlation_id;
  if (membership_.state == MemberState::joining || acknowledged) membership_.state = MemberState::stable;
  // Reconciled at the application's next poll (below), not here.
  if (m.assignment) membership_.pending = sorted(*m.assignment);
  schedule_membership_heartbeat(membership_.state == MemberState::acknowledging ? sim::Duration{} : membership_.interval);
}

void Consumer::membership_failed(ErrorCode error) {
  membership_.full_request = true;  // Java resends every field after a failed heartbeat
  if (membership_.state == MemberState::leaving) {
    // The leave went unanswered: the coordinator's session timeout will remove the member.
    membership_.state = rejoin_needed_ ? MemberState::stale : MemberState::unjoined;
    rejoin_needed_ = false;
    if (error == ErrorCode::REQUEST_TIMED_OUT && coordinator_) disconnect(*coordinator_);
    return;
  }
  switch (error) {
    case ErrorCode::FENCED_MEMBER_EPOCH:
    case ErrorCode::UNKNOWN_MEMBER_ID:
      membership_fenced(error_name(error).data());
      return;
    case ErrorCode::REQUEST_TIMED_OUT:
      if (coordinator_) disconnect(*coordinator_);
      coordinator_lost("ConsumerGroupHeartbeat timed out");
      return;
    case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
      schedule_membership_heartbeat(config_.retry_backoff);
      return;
    case ErrorCode::NOT_COORDINATOR:
    case ErrorCode::COORDINATOR_NOT_AVAILABLE:
      coordinator_lost(error_name(error).data());
      return;
    default:
      // UNRELEASED_INSTANCE_ID, UNSUPPORTED_ASSIGNOR, INVALID_REQUEST, GROUP_ID_NOT_FOUND: fatal for
      // the application in Java; this member stays out of the group.
      emit(JoinFailed{*config_.group_id, error});
      give_up(owned_, true);
      membership_.state = MemberState::unjoined;
      generation_ = 0;
      return;
  }
}

void Consumer::membership_fenced(const char* reason) {
  emit(GenerationReset{*config_.group_id, member_id_, reason});
  give_up(owned_, true);
  membership_join();  // at once, with epoch 0 and the same member id
}

void Consumer::reconcile_membership() {
  if (membership_.state == MemberState::reconciling || !membership_.pending) return;
  const std::vector<TopicPartition> target = *membership_.pending;
  const std::vector<TopicPartition> revoked = minus(owned_, target);
  if (minus(target, owned_).empty() && revoked.empty()) {
    membership_.pending.reset();
    return;
  }
  if (revoked.empty() || !config_.enable_auto_commit) {
    finish_reconciliation(target);
    return;
  }
  // Commit what was consumed before giving anything up (Java's autoCommitSyncBeforeRevocation),
  // with the partitions to revoke no longer fetched or handed out meanwhile.
  membership_.state = MemberState::reconciling;
  for (const TopicPartition& tp : revoked) {
    if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.paused = true;
  }
  commit_offsets(consumed_positions(), true, [this, target, inc = incarnation()](CommitOutcome) {
    if (incarnation() != inc || membership_.state != MemberState::reconciling) return;
    finish_reconciliation(target);
  });
}

void Consumer::finish_reconciliation(std::vector<TopicPartition> target) {
  const std::vector<TopicPartition> revoked = minus(owned_, target);
  const std::vector<TopicPartition> added = minus(target, owned_);
  give_up(revoked, false);
  owned_ = target;
  take_partitions(added);
  membership_.state = MemberState::acknowledging;
  if (membership_.pending == target) membership_.pending.reset();
  // Acknowledge now: the coordinator moves the member on once it hears what it owns.
  if (membership_.in_flight == 0) schedule_membership_heartbeat(sim::Duration{});
  reconcile_membership();  // an assignment that arrived while this one was committing
}

void Consumer::membership_leave(const char* reason, bool poll_expired) {
  emit(LeftGroup{*config_.group_id, member_id_, reason});
  give_up(owned_, poll_expired);
  cancel(membership_.tick);
  membership_.pending.reset();
  membership_.state = MemberState::leaving;
  rejoin_needed_ = poll_expired;  // back in at the next poll
  if (coordinator_) {
    membership_.in_flight = 0;
    send_membership_heartbeat();
  } else {
    membership_.state = poll_expired ? MemberState::stale : MemberState::unjoined;
  }
  generation_ = 0;
}

void Consumer::membership_coordinator_found() {
  const MemberState state = membership_.state;
  if (state == MemberState::unjoined || state == MemberState::stale || state == MemberState::leaving) return;
  membership_.full_request = true;
  if (membership_.in_flight == 0) send_membership_heartbeat();
}

void Consumer::reset_membership() {
  cancel(membership_.tick);
  membership_ = Membership{};
}

}  // namespace ksim::core
