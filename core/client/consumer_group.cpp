// The consumer's group side: coordinator discovery, JoinGroup / SyncGroup, the leader's
// assignment, heartbeats, the poll timeout, rebalance callbacks, committed offsets and commits.
#include <algorithm>
#include <set>

#include "core/client/consumer.hpp"
#include "core/client/assignors.hpp"
#include "core/client/partition_lists.hpp"

namespace ksim::core {
namespace {

bool coordinator_error(ErrorCode error) {
  return error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_NOT_AVAILABLE ||
         error == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS || error == ErrorCode::REQUEST_TIMED_OUT;
}

}  // namespace


bool Consumer::cooperative() const {
  // The cooperative protocol needs every configured assignor to support it.
  return std::all_of(config_.assignors.begin(), config_.assignors.end(),
                     [](const std::string& a) { return supports_cooperative(a); });
}

void Consumer::subscribe(std::vector<std::string> topics) {
  KSIM_ASSERT(config_.group_id.has_value(), "subscribe() needs group.id");
  subscription_ = std::move(topics);
  rejoin_needed_ = true;
  last_poll_ = now();
  next_auto_commit_ = now() + config_.auto_commit_interval;
  if (running()) find_coordinator();
}

void Consumer::report_ownership(OwnershipChange change, const std::vector<TopicPartition>& partitions) {
  emit(PartitionsOwnershipChanged{change, *config_.group_id, member_id_, generation_, partitions});
}

// --- the coordinator ---------------------------------------------------------------------------

void Consumer::find_coordinator() {
  if (coordinator_ || finding_coordinator_ || !has_bootstrap()) return;
  finding_coordinator_ = true;
  const std::int32_t correlation = next_correlation_++;
  coordinator_query_target_ = any_broker();
  send_message(coordinator_query_target_, FindCoordinatorRequest{correlation, *config_.group_id});
  after(config_.request_timeout, [this, target = coordinator_query_target_] {
    if (!finding_coordinator_ || coordinator_ || coordinator_query_target_ != target) return;
    finding_coordinator_ = false;
    disconnect(target);
    find_coordinator();
  });
}

void Consumer::handle(sim::NodeId, const FindCoordinatorResponse& m) {
  if (!finding_coordinator_) return;
  finding_coordinator_ = false;
  const std::optional<sim::NodeId> node =
      m.error == ErrorCode::NONE ? metadata_.broker_node(m.coordinator) : std::nullopt;
  if (!node) {
    if (m.error == ErrorCode::NONE) request_metadata();  // a broker we have not heard of yet
    after(config_.retry_backoff, [this] { find_coordinator(); });
    return;
  }
  coordinator_ = *node;
  last_heartbeat_answer_ = now();
  emit(CoordinatorFound{*config_.group_id, m.coordinator});
  if (group_managed() && consumer_protocol()) {
    membership_coordinator_found();
  } else if (group_managed()) {
    if (rejoin_needed_ && phase_ == MemberPhase::unjoined) start_join("coordinator found");
    if (phase_ == MemberPhase::stable) schedule_heartbeat();
  }
  for (auto& [correlation, commit] : commits_) {
    if (!commit.timeout.valid()) send_commit(correlation);
  }
  fetch_committed();
}

void Consumer::coordinator_timed_out(const char* reason) {
  // As AbstractCoordinator.markCoordinatorUnknown with disconnect: a request to the coordinator
  // that timed out closes the connection too.
  if (coordinator_) disconnect(*coordinator_);
  coordinator_lost(reason);
}

void Consumer::coordinator_lost(const char* reason) {
  if (!coordinator_) return;
  emit(CoordinatorLost{*config_.group_id, reason});
  coordinator_.reset();
  heartbeat_in_flight_ = false;
  membership_.in_flight = 0;
  committed_request_ = 0;
  // The connection is gone and with it every commit in flight on it (NetworkClient fails them
  // all with a DisconnectException): one that may retry waits for the next coordinator, the
  // others fail now.
  std::vector<std::int32_t> failed;
  for (auto& [correlation, commit] : commits_) {
    if (!commit.timeout.valid()) continue;
    cancel(commit.timeout);
    commit.timeout = {};
    if (!commit.retry || now() >= commit.give_up_at) failed.push_back(correlation);
  }
  for (const std::int32_t correlation : failed) finish_commit(correlation, CommitOutcome::timed_out);
  if (phase_ == MemberPhase::joining || phase_ == MemberPhase::syncing) {
    cancel(group_request_timeout_);
    group_request_ = 0;
    phase_ = MemberPhase::unjoined;
    rejoin_needed_ = true;
  }
  after(config_.retry_backoff, [this] { find_coordinator(); });
}

// --- joining -----------------------------------------------------------------------------------

void Consumer::group_poll() {
  last_poll_ = now();
  if (!coordinator_) find_coordinator();
  if (config_.enable_auto_commit && now() >= next_auto_commit_) {
    next_auto_commit_ = now() + config_.auto_commit_interval;
    commit_offsets(consumed_positions(), false, [](CommitOutcome) {});
  }
  if (consumer_protocol()) {
    membership_poll();
  } else if (rejoin_needed_ && (phase_ == MemberPhase::unjoined || phase_ == MemberPhase::stable)) {
    start_join(phase_ == MemberPhase::stable ? "rebalance requested" : "joining");
  }
}

bool Consumer::in_group() const {
  if (consumer_protocol()) {
    const MemberState s = membership_.state;
    return generation_ > 0 && (s == MemberState::stable || s == MemberState::reconciling || s == MemberState::acknowledging);
  }
  return phase_ == MemberPhase::stable;
}

void Consumer::start_join(const char* reason) {
  if (!coordinator_) {
    find_coordinator();
    return;
  }
  if (preparing_join_) return;
  // onJoinPrepare: with auto-commit, commit what was consumed first, and join once that commit
  // is answered (as Java's consumer waits for it); the group accepts commits of the current
  // generation while it prepares the rebalance.
  if (config_.enable_auto_commit && phase_ == MemberPhase::stable && generation_ >= 0 && !owned_.empty()) {
    preparing_join_ = true;
    commit_offsets(consumed_positions(), false, [this, reason, inc = incarnation()](CommitOutcome) {
      if (incarnation() != inc || !preparing_join_) return;
      preparing_join_ = false;
      join_after_commit(reason);
    });
    return;
  }
  join_after_commit(reason);
}

void Consumer::join_after_commit(const char* reason) {
  if (!coordinator_) {
    rejoin_needed_ = true;
    find_coordinator();
    return;
  }
  // Then give partitions up: all of them under the eager protocol, none under the cooperative
  // one (unless the generation is lost: then they are lost, not revoked).
  if (generation_lost_) {
    give_up(owned_, true);
  } else if (!cooperative()) {
    give_up(owned_, false);
  }
  generation_lost_ = false;
  rejoin_needed_ = false;
  emit(JoinStarted{*config_.group_id, member_id_, reason});
  send_join();
}

void Consumer::send_join() {
  JoinGroupRequest request;
  request.correlation_id = next_correlation_++;
  request.group_id = *config_.group_id;
  request.member_id = member_id_;
  request.group_instance_id = config_.group_instance_id;
  request.session_timeout = config_.session_timeout;
  request.rebalance_timeout = config_.max_poll_interval;
  for (const std::string& name : config_.assignors) {
    ProtocolOffer offer;
    offer.name = name;
    offer.subscription.topics = subscription_;
    if (name == "sticky") {
      // The eager sticky assignor remembers its last assignment (it was revoked before joining).
      offer.subscription.owned = previous_assignment_;
      offer.subscription.generation = previous_generation_;
    } else {
      offer.subscription.owned = owned_;
      offer.subscription.generation = owned_.empty() ? -1 : generation_;
    }
    request.protocols.push_back(std::move(offer));
  }
  phase_ = MemberPhase::joining;
  group_request_ = request.correlation_id;
  cancel(group_request_timeout_);
  // The coordinator may hold a JoinGroup for the whole rebalance timeout.
  group_request_timeout_ = after(config_.max_poll_interval + sim::seconds(5), [this] {
    group_request_timeout_ = {};
    coordinator_timed_out("JoinGroup timed out");
  });
  send_message(*coordinator_, std::move(request));
}

void Consumer::handle(sim::NodeId, const JoinGroupResponse& m) {
  if (phase_ != MemberPhase::joining || m.correlation_id != group_request_) return;
  cancel(group_request_timeout_);
  group_request_ = 0;
  phase_ = MemberPhase::unjoined;
  switch (m.error) {
    case ErrorCode::NONE: break;
    case ErrorCode::MEMBER_ID_REQUIRED:
      member_id_ = m.member_id;
      send_join();
      return;
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      reset_generation(m.error == ErrorCode::UNKNOWN_MEMBER_ID, error_name(m.error).data());
      send_join();
      return;
    case ErrorCode::REBALANCE_IN_PROGRESS:
      send_join();
      return;
    default:
      if (coordinator_error(m.error)) {
        rejoin_needed_ = true;
        coordinator_lost(error_name(m.error).data());
        return;
      }
      // INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, FENCED_INSTANCE_ID: fatal for the
      // application in Java; this member stays out of the group.
      emit(JoinFailed{*config_.group_id, m.error});
      return;
  }
  member_id_ = m.member_id;
  generation_ = m.generation;
  protocol_ = m.protocol;
  emit(GroupJoined{*config_.group_id, member_id_, generation_, protocol_, m.leader == member_id_});
  SyncGroupRequest sync;
  sync.correlation_id = next_correlation_++;
  sync.group_id = *config_.group_id;
  sync.member_id = member_id_;
  sync.generation = generation_;
  if (m.leader == member_id_ && !m.members.empty()) refresh_metadata_for(m);
  if (m.leader != member_id_) assignment_snapshot_.clear();
  phase_ = MemberPhase::syncing;
  group_request_ = sync.correlation_id;
  group_request_timeout_ = after(config_.request_timeout, [this] {
    group_request_timeout_ = {};
    coordinator_timed_out("SyncGroup timed out");
  });
  if (m.leader == member_id_ && !m.members.empty()) {
    // The leader computes everyone's partitions with the chosen assignor.
    std::vector<MemberSubscription> members;
    std::map<std::string, std::int32_t> partitions;
    for (const JoinedMember& joined : m.members) {
      MemberSubscription s;
      s.member_id = joined.member_id;
      s.group_instance_id = joined.group_instance_id;
      s.topics = joined.subscription.topics;
      s.owned = joined.subscription.owned;
      s.generation = joined.subscription.generation;
      for (const std::string& topic : s.topics) {
        const std::int32_t count = metadata_.partition_count(topic);
        if (count > 0) partitions[topic] = count;
      }
      members.push_back(std::move(s));
    }
    assignment_snapshot_ = partitions;
    const std::optional<GroupAssignment> assignment = run_assignor(protocol_, members, partitions);
    if (assignment) {
      for (const auto& [member, list] : *assignment) sync.assignments.emplace_back(member, list);
    }
    emit(AssignmentComputed{*config_.group_id, generation_, protocol_, static_cast<std::int64_t>(members.size())});
  }
  send_message(*coordinator_, std::move(sync));
}

void Consumer::check_assignment_snapshot() {
  // As Java's ConsumerCoordinator: the member that computed the assignment rejoins when the
  // partition counts it assigned from have changed (partitions added), at its next poll.
  if (assignment_snapshot_.empty() || rejoin_needed_) return;
  for (const std::string& topic : subscription_) {
    const auto before = assignment_snapshot_.find(topic);
    const std::int32_t was = before == assignment_snapshot_.end() ? 0 : before->second;
    const std::int32_t now_count = metadata_.partition_count(topic);
    if (now_count == was) continue;
    emit(SubscribedPartitionsChanged{*config_.group_id, topic, was, now_count});
    rejoin_needed_ = true;
    return;
  }
}

void Consumer::refresh_metadata_for(const JoinGroupResponse& m) {
  // Topics some member subscribes to must be in our metadata for the assignor to see them.
  bool missing = false;
  for (const JoinedMember& joined : m.members) {
    for (const std::string& topic : joined.subscription.topics) missing = missing || metadata_.partition_count(topic) <= 0;
  }
  if (missing) request_metadata();
}

void Consumer::handle(sim::NodeId, const SyncGroupResponse& m) {
  if (phase_ != MemberPhase::syncing || m.correlation_id != group_request_) return;
  cancel(group_request_timeout_);
  group_request_ = 0;
  phase_ = MemberPhase::unjoined;
  switch (m.error) {
    case ErrorCode::NONE: break;
    case ErrorCode::REBALANCE_IN_PROGRESS:
      start_join("rebalance in progress at SyncGroup");
      return;
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      reset_generation(m.error == ErrorCode::UNKNOWN_MEMBER_ID, error_name(m.error).data());
      start_join("generation reset at SyncGroup");
      return;
    default:
      rejoin_needed_ = true;
      coordinator_lost(error_name(m.error).data());
      return;
  }
  phase_ = MemberPhase::stable;
  last_heartbeat_answer_ = now();  // the SyncGroup answer counts as one
  apply_assignment(m.assignment);
  schedule_heartbeat();
}

void Consumer::apply_assignment(const std::vector<TopicPartition>& assignment) {
  const std::vector<TopicPartition> revoked = minus(owned_, assignment);
  const std::vector<TopicPartition> added = minus(assignment, owned_);
  if (!revoked.empty()) give_up(revoked, false);
  owned_ = assignment;
  previous_assignment_ = assignment;
  previous_generation_ = generation_;
  take_partitions(added);
  // Cooperative: what this member gave up can now go to its new owner, in one more rebalance.
  if (!revoked.empty()) rejoin_needed_ = true;
}

void Consumer::take_partitions(const std::vector<TopicPartition>& added) {
  // onPartitionsAssigned: each new partition starts at the group's committed offset.
  for (const TopicPartition& tp : added) {
    PartitionFetch fresh;
    fresh.awaiting_committed = true;
    assigned_[tp] = std::move(fresh);
  }
  report_ownership(OwnershipChange::assigned, added);
  if (listener_.on_assigned) listener_.on_assigned(added);
  fetch_committed();
}

void Consumer::give_up(const std::vector<TopicPartition>& partitions, bool lost) {
  if (partitions.empty()) return;
  report_ownership(lost ? OwnershipChange::lost : OwnershipChange::revoked, partitions);
  const auto& callback = lost ? listener_.on_lost : listener_.on_revoked;
  if (callback) callback(partitions);
  for (const TopicPartition& tp : partitions) assigned_.erase(tp);
  owned_ = minus(owned_, partitions);
}

void Consumer::reset_generation(bool forget_member_id, const char* reason) {
  emit(GenerationReset{*config_.group_id, member_id_, reason});
  generation_ = -1;
  if (forget_member_id) member_id_.clear();
  generation_lost_ = true;
  rejoin_needed_ = true;
}

// --- heartbeats and the poll timeout -----------------------------------------------------------

void Consumer::schedule_heartbeat() {
  cancel(heartbeat_timer_);
  heartbeat_timer_ = after(config_.heartbeat_interval, [this] {
    heartbeat_timer_ = {};
    heartbeat_tick();
  });
}

void Consumer::heartbeat_tick() {
  if (phase_ != MemberPhase::stable) return;
  if (now() - last_poll_ > config_.max_poll_interval) {
    leave_group("consumer poll timeout has expired (max.poll.interval.ms)");
    return;
  }
  schedule_heartbeat();
  // No answer for a whole session: the coordinator is unreachable (a cut, a dead broker); look
  // it up again, as Java does when its heartbeat session expires.
  if (coordinator_ && now() - last_heartbeat_answer_ > config_.session_timeout) {
    coordinator_lost("no heartbeat answer within session.timeout.ms");
    return;
  }
  if (heartbeat_in_flight_ && now() - heartbeat_sent_at_ > config_.request_timeout) {
    heartbeat_in_flight_ = false;
    // NetworkClient closes a timed-out request's connection, and the coordinator becomes unknown.
    coordinator_timed_out("Heartbeat timed out");
    return;
  }
  if (!coordinator_ || heartbeat_in_flight_) return;
  heartbeat_in_flight_ = true;
  heartbeat_sent_at_ = now();
  heartbeat_generation_ = generation_;
  send_message(*coordinator_, HeartbeatRequest{next_correlation_++, *config_.group_id, member_id_, generation_});
}

void Consumer::handle(sim::NodeId, const HeartbeatResponse& m) {
  heartbeat_in_flight_ = false;
  last_heartbeat_answer_ = now();
  // An answer about a generation this member has already left behind says nothing now.
  if (heartbeat_generation_ != generation_ || phase_ != MemberPhase::stable) return;
  switch (m.error) {
    case ErrorCode::NONE: return;
    case ErrorCode::REBALANCE_IN_PROGRESS:
      if (!rejoin_needed_) emit(RebalanceNoticed{*config_.group_id, member_id_});
      rejoin_needed_ = true;  // rejoined from the next poll()
      return;
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
    case ErrorCode::FENCED_INSTANCE_ID:
      if (phase_ == MemberPhase::stable) {
        phase_ = MemberPhase::unjoined;
        reset_generation(m.error != ErrorCode::ILLEGAL_GENERATION, error_name(m.error).data());
      }
      return;
    default:
      if (coordinator_error(m.error)) coordinator_lost(error_name(m.error).data());
      return;
  }
}

void Consumer::leave_group(const char* reason) {
  emit(LeftGroup{*config_.group_id, member_id_, reason});
  // A static member does not leave: the coordinator keeps its place until its session expires.
  if (coordinator_ && !config_.group_instance_id && !member_id_.empty()) {
    send_message(*coordinator_, LeaveGroupRequest{next_correlation_++, *config_.group_id, member_id_});
  }
  cancel(heartbeat_timer_);
  phase_ = MemberPhase::unjoined;
  reset_generation(!config_.group_instance_id, reason);
}

void Consumer::handle(sim::NodeId, const LeaveGroupResponse&) {}

void Consumer::close() {
  if (!group_managed()) return;
  if (consumer_protocol()) {
    if (config_.enable_auto_commit && in_group()) commit_offsets(consumed_positions(), false, [](CommitOutcome) {});
    if (in_group() || membership_.state == MemberState::joining) membership_leave("the consumer closed", false);
    rejoin_needed_ = false;
    subscription_.clear();
    return;
  }
  if (config_.enable_auto_commit && phase_ == MemberPhase::stable) commit_offsets(consumed_positions(), false, [](CommitOutcome) {});
  if (phase_ == MemberPhase::stable) leave_group("the consumer closed");
  rejoin_needed_ = false;
  subscription_.clear();
}

// --- committed offsets: where newly assigned partitions start ------------------------------------

void Consumer::fetch_committed() {
  if (!config_.group_id || !coordinator_ || committed_request_ != 0) return;
  OffsetFetchRequest request;
  request.correlation_id = next_correlation_++;
  request.group_id = *config_.group_id;
  for (const auto& [tp, state] : assigned_) {
    if (state.awaiting_committed) request.partitions.push_back(tp);
  }
  if (request.partitions.empty()) return;
  committed_request_ = request.correlation_id;
  const std::int32_t correlation = request.correlation_id;
  after(config_.request_timeout, [this, correlation] {
    if (committed_request_ != correlation) return;
    committed_request_ = 0;
    if (coordinator_) disconnect(*coordinator_);
    fetch_committed();
  });
  send_message(*coordinator_, std::move(request));
}

void Consumer::handle(sim::NodeId, const OffsetFetchResponse& m) {
  if (m.correlation_id != committed_request_) return;
  committed_request_ = 0;
  if (m.error != ErrorCode::NONE) {
    if (coordinator_error(m.error)) coordinator_lost(error_name(m.error).data());
    return;
  }
  for (std::size_t i = 0; i < m.offsets.size(); ++i) {
    const auto& [tp, offset] = m.offsets[i];
    auto it = assigned_.find(tp);
    if (it == assigned_.end() || !it->second.awaiting_committed) continue;
    PartitionFetch& state = it->second;
    state.awaiting_committed = false;
    if (offset >= 0) {
      state.position = offset;
      // With the committed leader epoch the position is validated before the first fetch, as
      // Java's seekUnvalidated does: the log may have been cut below it since the commit.
      const LeaderEpoch epoch = i < m.leader_epochs.size() ? m.leader_epochs[i] : kNoLeaderEpoch;
      if (epoch != kNoLeaderEpoch) {
        state.offset_epoch = epoch;
        state.awaiting_validation = true;
      }
    } else if (config_.auto_offset_reset == OffsetReset::none) {
      state.failed = true;
      position_errors_.push_back(tp);
    } else {
      state.reset = config_.auto_offset_reset;
    }
    emit(PositionInitialised{tp, offset});
  }
  fetch_committed();  // partitions assigned while this request was out
  schedule_work(sim::Duration{});
}

// --- commits -----------------------------------------------------------------------------------

std::vector<std::pair<TopicPartition, Offset>> Consumer::consumed_positions() const {
  std::vector<std::pair<TopicPartition, Offset>> out;
  for (const auto& [tp, state] : assigned_) {
    if (state.position && !state.awaiting_committed) out.emplace_back(tp, *state.position);
  }
  return out;
}

void Consumer::commit_sync(CommitCallback done) { commit_offsets(consumed_positions(), true, std::move(done)); }

void Consumer::commit_async(CommitCallback done) { commit_offsets(consumed_positions(), false, std::move(done)); }

void Consumer::commit_offsets(std::vector<std::pair<TopicPartition, Offset>> offsets, bool retry, CommitCallback done) {
  KSIM_ASSERT(config_.group_id.has_value(), "commits need group.id");
  if (offsets.empty()) {
    done(CommitOutcome::committed);  // nothing to commit completes at once, as in Java
    return;
  }
  if (group_managed() && consumer_protocol() && generation_ <= 0) {
    // Not a member (joining, fenced or left): the commit cannot carry a member epoch.
    emit(CommitCompleted{*config_.group_id, member_id_, generation_, CommitOutcome::commit_failed, nullptr});
    done(CommitOutcome::commit_failed);
    return;
  }
  if (group_managed() && !consumer_protocol() && phase_ != MemberPhase::stable) {
    // Java checks locally first: no stable generation, no commit.
    // Out of the group (left, or its generation is over): CommitFailed; on its way back in:
    // RebalanceInProgress.
    const bool out = phase_ == MemberPhase::unjoined && (!rejoin_needed_ || generation_ < 0);
    const CommitOutcome outcome = out ? CommitOutcome::commit_failed : CommitOutcome::rebalance_in_progress;
    emit(CommitCompleted{*config_.group_id, member_id_, generation_, outcome, nullptr});
    done(outcome);
    return;
  }
  const std::int32_t correlation = next_correlation_++;
  PendingCommit& commit = commits_[correlation];
  // A committed position carries the leader epoch of the record before it (Java's
  // OffsetAndMetadata.leaderEpoch), so that whoever starts from it can validate it (KIP-320).
  for (const auto& [tp, offset] : offsets) {
    const auto state = assigned_.find(tp);
    const bool at_position = state != assigned_.end() && state->second.position == offset;
    commit.leader_epochs.push_back(at_position ? state->second.offset_epoch.value_or(kNoLeaderEpoch) : kNoLeaderEpoch);
  }
  commit.offsets = std::move(offsets);
  commit.retry = retry;
  commit.generation = generation_;
  commit.give_up_at = now() + config_.default_api_timeout;
  commit.done = std::move(done);
  if (coordinator_) {
    send_commit(correlation);
  } else {
    find_coordinator();  // sent once the coordinator is known
    if (!retry) finish_commit(correlation, CommitOutcome::timed_out);
  }
}

void Consumer::send_commit(std::int32_t correlation) {
  PendingCommit& commit = commits_.at(correlation);
  OffsetCommitRequest request;
  request.correlation_id = correlation;
  request.group_id = *config_.group_id;
  if (group_managed()) {
    request.member_id = member_id_;
    request.generation = generation_;
  }
  request.offsets = commit.offsets;
  request.leader_epochs = commit.leader_epochs;
  commit.timeout = after(config_.request_timeout, [this, correlation] {
    auto it = commits_.find(correlation);
    if (it == commits_.end()) return;
    it->second.timeout = {};
    // Any request to the coordinator that times out marks it unknown (Kafka's
    // CoordinatorResponseHandler.onFailure on the DisconnectException a timeout raises); a
    // commit that may still retry goes again to the coordinator found next.
    if (!it->second.retry || now() >= it->second.give_up_at) finish_commit(correlation, CommitOutcome::timed_out);
    coordinator_timed_out("OffsetCommit timed out");
  });
  send_message(*coordinator_, std::move(request));
}

void Consumer::handle(sim::NodeId, const OffsetCommitResponse& m) {
  auto it = commits_.find(m.correlation_id);
  if (it == commits_.end()) return;
  cancel(it->second.timeout);
  it->second.timeout = {};
  ErrorCode error = ErrorCode::NONE;
  for (const auto& [tp, e] : m.partitions) {
    if (e != ErrorCode::NONE) error = e;
  }
  // What the answer says about the member counts only if the member is still in the generation
  // it committed from.
  const bool current = it->second.generation == generation_;
  switch (error) {
    case ErrorCode::NONE: return finish_commit(m.correlation_id, CommitOutcome::committed);
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      if (current && phase_ == MemberPhase::stable && !consumer_protocol()) {
        phase_ = MemberPhase::unjoined;
        reset_generation(error == ErrorCode::UNKNOWN_MEMBER_ID, error_name(error).data());
      }
      return finish_commit(m.correlation_id, CommitOutcome::commit_failed);
    case ErrorCode::STALE_MEMBER_EPOCH:
      // The member epoch moved on since the commit left (consumer protocol): CommitFailed, as Java.
      return finish_commit(m.correlation_id, CommitOutcome::commit_failed);
    case ErrorCode::REBALANCE_IN_PROGRESS:
      if (current) rejoin_needed_ = true;
      return finish_commit(m.correlation_id, CommitOutcome::rebalance_in_progress);
    default:
      if (coordinator_error(error)) coordinator_lost(error_name(error).data());
      if (it->second.retry && now() < it->second.give_up_at) return;  // resent once the coordinator is found
      return finish_commit(m.correlation_id, CommitOutcome::timed_out);
  }
}

void Consumer::finish_commit(std::int32_t correlation, CommitOutcome outcome) {
  auto it = commits_.find(correlation);
  if (it == commits_.end()) return;
  PendingCommit commit = std::move(it->second);
  commits_.erase(it);
  cancel(commit.timeout);
  emit(CommitCompleted{*config_.group_id, member_id_, generation_, outcome, &commit.offsets});
  commit.done(outcome);
}

}  // namespace ksim::core
