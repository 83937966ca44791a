#include "core/group/consumer_group.hpp"

#include <algorithm>
#include <set>

#include "core/group/range_assignor.hpp"
#include "core/group/uniform_assignor.hpp"

namespace ksim::core {
namespace {

bool contains(const std::vector<TopicPartition>& sorted, const TopicPartition& tp) {
  return std::binary_search(sorted.begin(), sorted.end(), tp);
}

std::vector<TopicPartition> sorted(std::vector<TopicPartition> list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}

bool is_subset(const std::vector<TopicPartition>& part, const std::vector<TopicPartition>& whole) {
  return std::all_of(part.begin(), part.end(), [&](const TopicPartition& tp) { return contains(whole, tp); });
}

}  // namespace

std::string_view member_reconciliation_name(MemberReconciliation state) {
  switch (state) {
    case MemberReconciliation::stable: return "STABLE";
    case MemberReconciliation::unrevoked_partitions: return "UNREVOKED_PARTITIONS";
    case MemberReconciliation::unreleased_partitions: return "UNRELEASED_PARTITIONS";
  }
  return "UNKNOWN";
}

ConsumerGroup::ConsumerGroup(std::string group_id, const ConsumerGroupSettings& settings)
    : id_(std::move(group_id)), settings_(settings) {}

GroupState ConsumerGroup::state() const {
  if (members_.empty()) return GroupState::empty;
  if (group_epoch_ > assignment_epoch_) return GroupState::assigning;
  for (const auto& [id, m] : members_) {
    if (m.state != MemberReconciliation::stable || m.epoch != assignment_epoch_) return GroupState::reconciling;
  }
  return GroupState::stable;
}

const std::vector<TopicPartition>& ConsumerGroup::target_of(const std::string& member_id) const {
  static const std::vector<TopicPartition> kNone;
  const auto it = target_.find(member_id);
  return it == target_.end() ? kNone : it->second;
}

// --- the heartbeat -----------------------------------------------------------------------------

ConsumerHeartbeatResult ConsumerGroup::heartbeat(sim::Time now, const ConsumerGroupHeartbeatRequest& request) {
  ConsumerHeartbeatResult result;
  result.response.correlation_id = request.correlation_id;
  result.response.member_id = request.member_id;
  const auto refuse = [&result](ErrorCode error) {
    result.response.error = error;
    result.records.clear();
    return result;
  };
  // ConsumerGroupHeartbeatRequest validation, as the coordinator does it.
  if (request.member_id.empty()) return refuse(ErrorCode::INVALID_REQUEST);
  if (request.member_epoch == kLeaveGroupMemberEpoch || request.member_epoch == kLeaveGroupStaticMemberEpoch) {
    if (request.member_epoch == kLeaveGroupStaticMemberEpoch && !request.instance_id) return refuse(ErrorCode::INVALID_REQUEST);
    return leave(request);
  }
  if (request.member_epoch < 0) return refuse(ErrorCode::INVALID_REQUEST);
  if (request.member_epoch == 0 &&
      (!request.rebalance_timeout || !request.subscribed || request.subscribed->empty() || !request.owned || !request.owned->empty())) {
    return refuse(ErrorCode::INVALID_REQUEST);
  }
  if (request.server_assignor && std::find(settings_.assignors.begin(), settings_.assignors.end(),
                                           *request.server_assignor) == settings_.assignors.end()) {
    return refuse(ErrorCode::UNSUPPORTED_ASSIGNOR);
  }

  ConsumerGroupMember member;
  if (const ErrorCode error = resolve_member(now, request, member, result.records); error != ErrorCode::NONE) {
    return refuse(error);
  }
  const bool known = members_.count(member.id) != 0U;
  const ConsumerGroupMember before = known ? members_.at(member.id) : ConsumerGroupMember{};

  // 1. The member's own metadata: its subscription, assignor and rebalance timeout.
  ConsumerGroupMember updated = member;
  if (request.instance_id) updated.instance_id = request.instance_id;
  if (request.rebalance_timeout) updated.rebalance_timeout = *request.rebalance_timeout;
  if (request.server_assignor) updated.server_assignor = request.server_assignor;
  if (request.subscribed) {
    std::vector<std::string> topics = *request.subscribed;
    std::sort(topics.begin(), topics.end());
    topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
    updated.subscribed = std::move(topics);
  }
  bool bump = !known || updated.subscribed != member.subscribed;
  if (!known || !(updated == member)) {
    members_[updated.id] = updated;
    if (updated.instance_id) static_members_[*updated.instance_id] = updated.id;
    result.records.emplace_back(ConsumerGroupMemberRecord{id_, updated, false});
  }
  // A subscribed topic that appeared or gained partitions counts as much as a new subscription.
  if (refresh_subscription_metadata()) bump = true;
  if (bump) bump_group_epoch(result.records);

  // 2. A new target assignment when the group epoch moved past the last one, unless the last was
  // computed less than the assignment interval ago (KIP-1263: batched into a later run).
  const bool interval_passed = !assignment_time_ || now >= *assignment_time_ + settings_.assignment_interval;
  if (group_epoch_ > assignment_epoch_ && interval_passed) {
    compute_target(now, result.records);
    result.new_target = true;
  }

  // 3. The member moves towards its target, as far as it can now.
  ConsumerGroupMember& current = members_.at(updated.id);
  if (!(current.state == MemberReconciliation::stable && current.epoch == assignment_epoch_)) {
    ConsumerGroupMember next = reconcile(current, request.owned);
    if (!(next == current)) {
      Timers& timers = timers_[next.id];
      if (next.state == MemberReconciliation::unrevoked_partitions) {
        if (!timers.revocation_due || timers.revocation_epoch != next.epoch) {
          timers.revocation_due = now + next.rebalance_timeout;
          timers.revocation_epoch = next.epoch;
        }
      } else {
        timers.revocation_due.reset();
      }
      current = std::move(next);
      result.records.emplace_back(ConsumerGroupMemberRecord{id_, current, false});
    }
  }
  timers_[current.id].session_expires = now + settings_.session_timeout;

  result.response.member_id = current.id;
  result.response.member_epoch = current.epoch;
  result.response.heartbeat_interval = settings_.heartbeat_interval;
  // The assignment goes back when it changed, or to a full request (joining, or after an error).
  const bool full_request = request.member_epoch == 0 || (request.rebalance_timeout && request.subscribed && request.owned);
  if (full_request || current.assigned != before.assigned || !known) result.response.assignment = current.assigned;
  return result;
}

ErrorCode ConsumerGroup::resolve_member(sim::Time now, const ConsumerGroupHeartbeatRequest& request,
                                        ConsumerGroupMember& member, std::vector<ConsumerGroupRecord>& records) {
  const bool joining = request.member_epoch == 0;
  if (!request.instance_id) {
    const auto it = members_.find(request.member_id);
    if (it == members_.end()) {
      if (!joining) return ErrorCode::UNKNOWN_MEMBER_ID;
      member.id = request.member_id;
      return ErrorCode::NONE;
    }
    member = it->second;
    return joining ? ErrorCode::NONE : check_epoch(member, request);
  }
  const auto existing_id = static_members_.find(*request.instance_id);
  const ConsumerGroupMember* existing =
      existing_id == static_members_.end() ? nullptr : &members_.at(existing_id->second);
  if (!joining) {
    if (existing == nullptr) return ErrorCode::UNKNOWN_MEMBER_ID;
    if (existing->id != request.member_id) return ErrorCode::FENCED_INSTANCE_ID;
    member = *existing;
    return check_epoch(member, request);
  }
  if (existing == nullptr) {
    member.id = request.member_id;
    return ErrorCode::NONE;
  }
  // The instance id is taken until its holder leaves with epoch -2 (or is fenced).
  if (existing->epoch != kLeaveGroupStaticMemberEpoch) return ErrorCode::UNRELEASED_INSTANCE_ID;
  // The new instance takes the old one's place: its assignment and its target, at epoch 0 (it
  // reconciles to the current target with no new group epoch: nobody else moves).
  member = *existing;
  member.id = request.member_id;
  member.epoch = 0;
  member.previous_epoch = 0;
  const std::string old_id = existing->id;
  std::vector<TopicPartition> target = target_of(old_id);
  const Timers timers = timers_[old_id];
  remove_member(old_id, records);
  members_[member.id] = member;
  static_members_[*request.instance_id] = member.id;
  target_[member.id] = target;
  timers_[member.id] = timers;
  timers_[member.id].session_expires = now + settings_.session_timeout;
  records.emplace_back(ConsumerGroupMemberRecord{id_, member, false});
  records.emplace_back(ConsumerGroupTargetRecord{id_, member.id, std::move(target), false});
  return ErrorCode::NONE;
}

ErrorCode ConsumerGroup::check_epoch(const ConsumerGroupMember& member, const ConsumerGroupHeartbeatRequest& request) const {
  if (request.member_epoch > member.epoch) return ErrorCode::FENCED_MEMBER_EPOCH;
  if (request.member_epoch < member.epoch) {
    // The previous epoch is accepted from a member whose answer with the new one was lost, as
    // long as it owns no more than it is assigned now.
    const bool answer_lost = request.member_epoch == member.previous_epoch && request.owned &&
                             is_subset(sorted(*request.owned), member.assigned);
    if (!answer_lost) return ErrorCode::FENCED_MEMBER_EPOCH;
  }
  return ErrorCode::NONE;
}

ConsumerHeartbeatResult ConsumerGroup::leave(const ConsumerGroupHeartbeatRequest& request) {
  ConsumerHeartbeatResult result;
  result.response.correlation_id = request.correlation_id;
  result.response.member_id = request.member_id;
  result.response.member_epoch = request.member_epoch;
  std::string member_id = request.member_id;
  if (request.instance_id) {
    const auto it = static_members_.find(*request.instance_id);
    if (it == static_members_.end()) {
      result.response.error = ErrorCode::UNKNOWN_MEMBER_ID;
      return result;
    }
    if (it->second != request.member_id) {
      result.response.error = ErrorCode::FENCED_INSTANCE_ID;
      return result;
    }
  } else if (members_.count(member_id) == 0U) {
    result.response.error = ErrorCode::UNKNOWN_MEMBER_ID;
    return result;
  }
  if (request.member_epoch == kLeaveGroupStaticMemberEpoch) {
    // Away for a while: it keeps its partitions (nobody else gets them) until its session ends.
    ConsumerGroupMember& member = members_.at(member_id);
    member.epoch = kLeaveGroupStaticMemberEpoch;
    member.pending_revocation.clear();
    timers_[member_id].revocation_due.reset();
    result.records.emplace_back(ConsumerGroupMemberRecord{id_, member, false});
    return result;
  }
  fence(member_id, result.records);
  return result;
}

// --- membership changes -------------------------------------------------------------------------

void ConsumerGroup::fence(const std::string& member_id, std::vector<ConsumerGroupRecord>& records) {
  remove_member(member_id, records);
  refresh_subscription_metadata();
  bump_group_epoch(records);
}

void ConsumerGroup::remove_member(const std::string& member_id, std::vector<ConsumerGroupRecord>& records) {
  const auto it = members_.find(member_id);
  if (it == members_.end()) return;
  if (it->second.instance_id) {
    const auto s = static_members_.find(*it->second.instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  ConsumerGroupMember gone;
  gone.id = member_id;
  records.emplace_back(ConsumerGroupMemberRecord{id_, gone, true});
  if (target_.erase(member_id) != 0U) records.emplace_back(ConsumerGroupTargetRecord{id_, member_id, {}, true});
  members_.erase(it);
  timers_.erase(member_id);
}

bool ConsumerGroup::refresh_subscription_metadata() {
  std::map<std::string, std::int32_t> metadata;
  for (const auto& [id, m] : members_) {
    for (const std::string& topic : m.subscribed) {
      if (metadata.count(topic) != 0U) continue;
      const std::int32_t count = settings_.partition_count(topic);
      if (count > 0) metadata[topic] = count;
    }
  }
  if (metadata == subscription_metadata_) return false;
  subscription_metadata_ = std::move(metadata);
  return true;
}

void ConsumerGroup::bump_group_epoch(std::vector<ConsumerGroupRecord>& records) {
  ++group_epoch_;
  records.emplace_back(ConsumerGroupEpochRecord{id_, group_epoch_, false});
}

std::string ConsumerGroup::assignor() const {
  // The assignor most members ask for; the broker's default when none asks.
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    if (m.server_assignor) ++votes[*m.server_assignor];
  }
  std::string best = settings_.assignors.front();
  int most = 0;
  for (const auto& [name, count] : votes) {
    if (count > most) {
      best = name;
      most = count;
    }
  }
  return best;
}

void ConsumerGroup::compute_target(sim::Time now, std::vector<ConsumerGroupRecord>& records) {
  // The topics by name; members with their subscriptions and their current target.
  std::vector<std::string> topics;
  for (const auto& [topic, count] : subscription_metadata_) topics.push_back(topic);
  std::vector<std::int32_t> partitions;
  for (const auto& [topic, count] : subscription_metadata_) partitions.push_back(count);
  const auto index_of = [&topics](const std::string& topic) {
    return static_cast<std::int32_t>(std::lower_bound(topics.begin(), topics.end(), topic) - topics.begin());
  };
  std::vector<AssignorMemberSpec> specs;
  std::vector<std::string> ids;
  for (const auto& [id, m] : members_) {
    AssignorMemberSpec spec;
    spec.member_id = id;
    spec.instance_id = m.instance_id;
    for (const std::string& topic : m.subscribed) {
      if (subscription_metadata_.count(topic) != 0U) spec.subscribed.push_back(index_of(topic));
    }
    for (const TopicPartition& tp : target_of(id)) {
      const auto t = subscription_metadata_.find(tp.topic);
      if (t != subscription_metadata_.end() && tp.partition < t->second) spec.assigned.push_back({index_of(tp.topic), tp.partition});
    }
    std::sort(spec.assigned.begin(), spec.assigned.end());
    specs.push_back(std::move(spec));
    ids.push_back(id);
  }
  const std::string assignor_name = assignor();
  // Kafka decides homogeneous or heterogeneous from the subscribed names, topics missing from the
  // metadata included.
  const bool homogeneous = std::all_of(members_.begin(), members_.end(), [this](const auto& m) {
    return m.second.subscribed == members_.begin()->second.subscribed;
  });
  const ServerAssignment assignment = assignor_name == "range" ? assign_range_server(partitions, specs)
                                      : homogeneous             ? assign_uniform(partitions, specs)
                                                                : assign_uniform_heterogeneous(partitions, specs);
  // An assignment the assignor cannot make leaves the target as it was (the assignors refuse only
  // inputs the coordinator never builds: topics missing from the metadata are left out above).
  if (assignment.error.empty()) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::vector<TopicPartition> target;
      for (const TopicIndexPartition& p : assignment.assignments[i]) target.push_back({topics[p.topic], p.partition});
      target = sorted(std::move(target));
      if (target_.count(ids[i]) != 0U && target_.at(ids[i]) == target) continue;
      target_[ids[i]] = target;
      records.emplace_back(ConsumerGroupTargetRecord{id_, ids[i], std::move(target), false});
    }
  }
  assignment_epoch_ = group_epoch_;
  assignment_time_ = now;
  records.emplace_back(ConsumerGroupTargetEpochRecord{id_, assignment_epoch_, now});
}

// --- reconciliation (CurrentAssignmentBuilder) ---------------------------------------------------

bool ConsumerGroup::held_by_other(const TopicPartition& tp, const std::string& except) const {
  for (const auto& [id, m] : members_) {
    if (id == except) continue;
    if (contains(m.assigned, tp) || contains(m.pending_revocation, tp)) return true;
  }
  return false;
}

ConsumerGroupMember ConsumerGroup::reconcile(const ConsumerGroupMember& member,
                                             const std::optional<std::vector<TopicPartition>>& owned) const {
  switch (member.state) {
    case MemberReconciliation::stable:
      return member.epoch != assignment_epoch_ ? next_assignment(member, member.epoch, owned) : member;
    case MemberReconciliation::unrevoked_partitions: {
      // It moves on once its heartbeat no longer lists any partition it must give up (a heartbeat
      // without the owned list says nothing, so it waits).
      const bool still_owns = !owned || std::any_of(owned->begin(), owned->end(), [&](const TopicPartition& tp) {
        return std::find(member.pending_revocation.begin(), member.pending_revocation.end(), tp) !=
               member.pending_revocation.end();
      });
      if (still_owns) return member;
      return next_assignment(member, member.epoch + 1, owned);
    }
    case MemberReconciliation::unreleased_partitions:
      return next_assignment(member, member.epoch, owned);
  }
  return member;
}

ConsumerGroupMember ConsumerGroup::next_assignment(const ConsumerGroupMember& member, std::int32_t epoch,
                                                   const std::optional<std::vector<TopicPartition>>& owned) const {
  const std::vector<TopicPartition>& target = target_of(member.id);
  std::vector<TopicPartition> keep;     // assigned and still in the target
  std::vector<TopicPartition> revoke;   // assigned, no longer in the target
  std::vector<TopicPartition> gain;     // in the target and free now
  bool unreleased = false;              // in the target, still held by another member
  for (const TopicPartition& tp : member.assigned) (contains(target, tp) ? keep : revoke).push_back(tp);
  for (const TopicPartition& tp : target) {
    if (contains(member.assigned, tp)) continue;
    if (held_by_other(tp, member.id)) {
      unreleased = true;
    } else {
      gain.push_back(tp);
    }
  }
  ConsumerGroupMember next = member;
  const auto move_to = [&next](std::int32_t new_epoch) {
    if (new_epoch != next.epoch) {
      next.previous_epoch = next.epoch;
      next.epoch = new_epoch;
    }
  };
  const bool owns_revoked = !owned || std::any_of(owned->begin(), owned->end(), [&](const TopicPartition& tp) {
    return std::find(revoke.begin(), revoke.end(), tp) != revoke.end();
  });
  if (!revoke.empty() && owns_revoked) {
    // First give up what moves away, still at the current epoch.
    next.state = MemberReconciliation::unrevoked_partitions;
    move_to(epoch);
    next.assigned = keep;
    next.pending_revocation = revoke;
    return next;
  }
  keep.insert(keep.end(), gain.begin(), gain.end());
  next.assigned = sorted(std::move(keep));
  next.pending_revocation.clear();
  next.state = unreleased ? MemberReconciliation::unreleased_partitions : MemberReconciliation::stable;
  move_to(assignment_epoch_);
  return next;
}

// --- commits, timers, replay -------------------------------------------------------------------

ErrorCode ConsumerGroup::check_commit(const std::string& member_id, std::int32_t member_epoch) const {
  if (member_epoch < 0 && members_.empty()) return ErrorCode::NONE;
  const auto it = members_.find(member_id);
  if (it == members_.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
  return member_epoch == it->second.epoch ? ErrorCode::NONE : ErrorCode::STALE_MEMBER_EPOCH;
}

std::optional<sim::Time> ConsumerGroup::deadline() const {
  std::optional<sim::Time> next;
  for (const auto& [id, t] : timers_) {
    if (!next || t.session_expires < *next) next = t.session_expires;
    if (t.revocation_due && *t.revocation_due < *next) next = t.revocation_due;
  }
  return next;
}

std::vector<ConsumerGroupRecord> ConsumerGroup::on_time(sim::Time now, std::vector<ConsumerMemberFenced>& fenced) {
  std::vector<ConsumerGroupRecord> records;
  std::vector<ConsumerMemberFenced> due;
  for (const auto& [id, t] : timers_) {
    if (t.session_expires <= now) {
      due.push_back({id, "session timeout"});
    } else if (t.revocation_due && *t.revocation_due <= now) {
      due.push_back({id, "rebalance timeout"});
    }
  }
  for (ConsumerMemberFenced& f : due) {
    fence(f.member_id, records);
    fenced.push_back(std::move(f));
  }
  return records;
}

void ConsumerGroup::loaded(sim::Time now) {
  // What the members subscribe to, as the metadata says now: a topic that changed since the last
  // record moves the group epoch at the next heartbeat.
  subscription_metadata_.clear();
  refresh_subscription_metadata();
  timers_.clear();
  for (const auto& [id, m] : members_) {
    Timers& t = timers_[id];
    t.session_expires = now + settings_.session_timeout;
    if (m.state == MemberReconciliation::unrevoked_partitions) {
      t.revocation_due = now + m.rebalance_timeout;
      t.revocation_epoch = m.epoch;
    }
  }
}

void ConsumerGroup::replay(const ConsumerGroupRecord& record) {
  if (const auto* epoch = std::get_if<ConsumerGroupEpochRecord>(&record)) {
    group_epoch_ = epoch->epoch;
  } else if (const auto* member = std::get_if<ConsumerGroupMemberRecord>(&record)) {
    if (member->tombstone) {
      const auto it = members_.find(member->member.id);
      if (it != members_.end() && it->second.instance_id) {
        const auto s = static_members_.find(*it->second.instance_id);
        if (s != static_members_.end() && s->second == member->member.id) static_members_.erase(s);
      }
      members_.erase(member->member.id);
    } else {
      members_[member->member.id] = member->member;
      if (member->member.instance_id) static_members_[*member->member.instance_id] = member->member.id;
    }
  } else if (const auto* target = std::get_if<ConsumerGroupTargetRecord>(&record)) {
    if (target->tombstone) {
      target_.erase(target->member_id);
    } else {
      target_[target->member_id] = target->partitions;
    }
  } else {
    const auto& target_epoch = std::get<ConsumerGroupTargetEpochRecord>(record);
    assignment_epoch_ = target_epoch.epoch;
    assignment_time_ = target_epoch.computed_at;
  }
}

}  // namespace ksim::core
