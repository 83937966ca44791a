#include "core/group/classic_group.hpp"

#include <algorithm>

namespace ksim::core {


namespace {
bool same_protocols(const std::vector<ProtocolOffer>& a, const std::vector<ProtocolOffer>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].subscription != b[i].subscription) return false;
  }
  return true;
}
JoinResult join_error(ErrorCode error) {
  JoinResult result;
  result.error = error;
  return result;
}
bool offers(const std::vector<ProtocolOffer>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const ProtocolOffer& p) { return p.name == name; });
}
}  // namespace

ClassicGroup::ClassicGroup(std::string group_id, sim::Duration initial_rebalance_delay)
    : id_(std::move(group_id)), initial_delay_(initial_rebalance_delay) {}

std::vector<std::string> ClassicGroup::member_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, m] : members_) ids.push_back(id);
  return ids;
}

const std::vector<TopicPartition>* ClassicGroup::assignment_of(const std::string& member) const {
  const auto it = members_.find(member);
  return it == members_.end() ? nullptr : &it->second.assignment;
}

GroupSnapshot ClassicGroup::snapshot() const {
  GroupSnapshot out;
  out.state = state_ == GroupState::empty ? GroupState::empty : GroupState::stable;
  out.generation = generation_;
  out.protocol = protocol_;
  out.leader = leader_;
  out.state_since = state_since_;
  for (const std::string& id : join_order_) {
    const Member& m = members_.at(id);
    out.members.push_back(GroupMemberView{id, m.instance_id, m.protocols, m.session_timeout, m.rebalance_timeout, m.assignment});
  }
  return out;
}

void ClassicGroup::restore(sim::Time now, const GroupSnapshot& snapshot) {
  members_.clear();
  join_order_.clear();
  pending_.clear();
  join_deadline_.reset();
  initial_join_ = false;
  state_ = snapshot.state;
  generation_ = snapshot.generation;
  protocol_ = snapshot.protocol;
  leader_ = snapshot.leader;
  state_since_ = snapshot.state_since;
  for (const GroupMemberView& view : snapshot.members) {
    Member m;
    m.id = view.member_id;
    m.instance_id = view.group_instance_id;
    m.protocols = view.protocols;
    m.session_timeout = view.session_timeout;
    m.rebalance_timeout = view.rebalance_timeout;
    m.session_expires = now + view.session_timeout;
    m.assignment = view.assignment;
    members_[m.id] = std::move(m);
    join_order_.push_back(view.member_id);
    // Keep handing out fresh ids after the restored ones.
    if (view.member_id.rfind("member-", 0) == 0) {
      next_member_ = std::max<std::uint64_t>(next_member_, std::stoull(view.member_id.substr(7)) + 1);
    }
  }
}

void ClassicGroup::abandon(ErrorCode error) {
  for (auto& [id, m] : members_) {
    if (m.awaiting_join) std::exchange(m.awaiting_join, nullptr)(join_error(error));
    if (m.awaiting_sync) std::exchange(m.awaiting_sync, nullptr)(SyncResult{error, {}});
  }
}

ClassicGroup::Member* ClassicGroup::find(const std::string& member_id) {
  const auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

void ClassicGroup::join(sim::Time now, const std::string& member_id,
                        const std::optional<std::string>& instance_id, std::vector<ProtocolOffer> protocols,
                        sim::Duration session_timeout, sim::Duration rebalance_timeout, JoinCallback reply) {
  // Every member must share at least one assignor with the group.
  if (!members_.empty()) {
    const bool compatible = std::any_of(protocols.begin(), protocols.end(), [&](const ProtocolOffer& p) {
      return std::all_of(members_.begin(), members_.end(),
                         [&](const auto& entry) { return entry.first == member_id || offers(entry.second.protocols, p.name); });
    });
    if (!compatible) {
      reply(join_error(ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
  }
  // A static member coming back takes its old place, under a new member id, without a rebalance
  // while the group is stable.
  if (instance_id) {
    const auto old = std::find_if(members_.begin(), members_.end(),
                                  [&](const auto& e) { return e.second.instance_id == instance_id; });
    if (old != members_.end() && old->first != member_id) {
      Member moved = std::move(old->second);
      const std::string old_id = old->first;
      members_.erase(old);
      moved.id = "member-" + std::to_string(next_member_++);
      std::replace(join_order_.begin(), join_order_.end(), old_id, moved.id);
      if (leader_ == old_id) leader_ = moved.id;
      moved.session_expires = now + session_timeout;
      const std::string new_id = moved.id;
      const bool unchanged = same_protocols(moved.protocols, protocols);
      moved.protocols = std::move(protocols);
      members_[new_id] = std::move(moved);
      if (state_ == GroupState::stable && unchanged) {
        reply(JoinResult{ErrorCode::NONE, generation_, protocol_, new_id, leader_, {}});
        return;
      }
      members_[new_id].awaiting_join = std::move(reply);
      prepare_rebalance(now);
      return;
    }
  }
  std::string id = member_id;
  if (id.empty()) {
    id = "member-" + std::to_string(next_member_++);
    if (!instance_id) {
      // Kafka (JoinGroup v4+): a new dynamic member first gets its id, then joins with it.
      pending_.push_back(id);
      reply(JoinResult{ErrorCode::MEMBER_ID_REQUIRED, -1, {}, id, {}, {}});
      return;
    }
  }
  Member* member = find(id);
  if (member == nullptr) {
    const auto pending = std::find(pending_.begin(), pending_.end(), id);
    if (pending == pending_.end() && !instance_id) {
      reply(join_error(ErrorCode::UNKNOWN_MEMBER_ID));
      return;
    }
    if (pending != pending_.end()) pending_.erase(pending);
    Member fresh;
    fresh.id = id;
    fresh.instance_id = instance_id;
    members_[id] = std::move(fresh);
    join_order_.push_back(id);
    member = &members_[id];
  } else if ((state_ == GroupState::stable || state_ == GroupState::completing_rebalance) &&
             id != leader_ && same_protocols(member->protocols, protocols)) {
    // A follower rejoining with nothing new: it gets the current generation back.
    member->session_expires = now + session_timeout;
    reply(JoinResult{ErrorCode::NONE, generation_, protocol_, id, leader_, {}});
    return;
  }
  member->protocols = std::move(protocols);
  member->session_timeout = session_timeout;
  member->rebalance_timeout = rebalance_timeout;
  member->session_expires = now + session_timeout;
  member->awaiting_join = std::move(reply);
  if (state_ == GroupState::preparing_rebalance) {
    if (initial_join_ && join_deadline_) {
      // Each member arriving during the initial delay extends it, up to the rebalance timeout.
      join_deadline_ = std::min(now + initial_delay_, join_started_ + rebalance_timeout);
    }
    try_complete_join(now);
  } else {
    prepare_rebalance(now);
  }
}

void ClassicGroup::prepare_rebalance(sim::Time now) {
  if (state_ == GroupState::completing_rebalance) {
    for (auto& [id, m] : members_) {
      if (m.awaiting_sync) std::exchange(m.awaiting_sync, nullptr)(SyncResult{ErrorCode::REBALANCE_IN_PROGRESS, {}});
    }
  }
  initial_join_ = state_ == GroupState::empty;
  state_ = GroupState::preparing_rebalance;
  join_started_ = now;
  sim::Duration rebalance_timeout{};
  for (const auto& [id, m] : members_) rebalance_timeout = std::max(rebalance_timeout, m.rebalance_timeout);
  join_deadline_ = now + (initial_join_ ? std::min(initial_delay_, rebalance_timeout) : rebalance_timeout);
  try_complete_join(now);
}

void ClassicGroup::try_complete_join(sim::Time now) {
  if (state_ != GroupState::preparing_rebalance || initial_join_) return;  // the delay runs its course
  const bool everyone_in = std::all_of(members_.begin(), members_.end(),
                                       [](const auto& e) { return static_cast<bool>(e.second.awaiting_join); });
  if (everyone_in) complete_join(now);
}

void ClassicGroup::complete_join(sim::Time now) {
  join_deadline_.reset();
  initial_join_ = false;
  // Members that did not rejoin in time are out.
  std::vector<std::string> missing;
  for (const auto& [id, m] : members_) {
    if (!m.awaiting_join) missing.push_back(id);
  }
  for (const std::string& id : missing) {
    members_.erase(id);
    join_order_.erase(std::remove(join_order_.begin(), join_order_.end(), id), join_order_.end());
  }
  ++generation_;
  if (members_.empty()) {
    state_ = GroupState::empty;
    state_since_ = now;
    leader_.clear();
    protocol_.clear();
    if (on_settled_) on_settled_();
    return;
  }
  protocol_ = select_protocol();
  if (members_.count(leader_) == 0U) leader_ = join_order_.front();
  state_ = GroupState::completing_rebalance;
  std::vector<JoinedMember> subscriptions;
  for (const std::string& id : join_order_) {
    const Member& m = members_.at(id);
    for (const ProtocolOffer& p : m.protocols) {
      if (p.name == protocol_) subscriptions.push_back(JoinedMember{id, m.instance_id, p.subscription});
    }
  }
  for (auto& [id, m] : members_) {
    m.session_expires = now + m.session_timeout;
    JoinResult result{ErrorCode::NONE, generation_, protocol_, id, leader_, {}};
    if (id == leader_) result.members = subscriptions;
    std::exchange(m.awaiting_join, nullptr)(result);
  }
}

std::string ClassicGroup::select_protocol() const {
  // Candidates: assignors every member offers. Each member votes for the first candidate in its
  // own preference order; the most votes win (ties: the earlier in the first member's list).
  const Member& first = members_.at(join_order_.front());
  std::vector<std::string> candidates;
  for (const ProtocolOffer& p : first.protocols) {
    const bool everyone = std::all_of(members_.begin(), members_.end(),
                                      [&](const auto& e) { return offers(e.second.protocols, p.name); });
    if (everyone) candidates.push_back(p.name);
  }
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    for (const ProtocolOffer& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const std::string& c : candidates) {
    if (votes[c] > votes[best]) best = c;
  }
  return best;
}

void ClassicGroup::sync(sim::Time now, const std::string& member_id, std::int32_t generation,
                        std::optional<std::map<std::string, std::vector<TopicPartition>>> assignments,
                        SyncCallback reply) {
  Member* member = find(member_id);
  if (member == nullptr) return reply(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
  if (generation != generation_) return reply(SyncResult{ErrorCode::ILLEGAL_GENERATION, {}});
  member->session_expires = now + member->session_timeout;
  if (state_ == GroupState::preparing_rebalance) return reply(SyncResult{ErrorCode::REBALANCE_IN_PROGRESS, {}});
  if (state_ == GroupState::stable) return reply(SyncResult{ErrorCode::NONE, member->assignment});
  member->awaiting_sync = std::move(reply);
  if (member_id != leader_ || !assignments) return;
  for (auto& [id, m] : members_) {
    const auto it = assignments->find(id);
    m.assignment = it == assignments->end() ? std::vector<TopicPartition>{} : it->second;
  }
  state_ = GroupState::stable;
  if (on_settled_) on_settled_();
  for (auto& [id, m] : members_) {
    if (m.awaiting_sync) std::exchange(m.awaiting_sync, nullptr)(SyncResult{ErrorCode::NONE, m.assignment});
  }
}

ErrorCode ClassicGroup::heartbeat(sim::Time now, const std::string& member_id, std::int32_t generation) {
  Member* member = find(member_id);
  if (member == nullptr) return ErrorCode::UNKNOWN_MEMBER_ID;
  if (generation != generation_) return ErrorCode::ILLEGAL_GENERATION;
  member->session_expires = now + member->session_timeout;
  return state_ == GroupState::preparing_rebalance ? ErrorCode::REBALANCE_IN_PROGRESS : ErrorCode::NONE;
}

ErrorCode ClassicGroup::leave(sim::Time now, const std::string& member_id) {
  if (find(member_id) == nullptr) return ErrorCode::UNKNOWN_MEMBER_ID;
  remove_member(now, member_id);
  return ErrorCode::NONE;
}

ErrorCode ClassicGroup::check_commit(const std::string& member_id, std::int32_t generation) const {
  if (member_id.empty() && generation < 0) {
    return members_.empty() ? ErrorCode::NONE : ErrorCode::UNKNOWN_MEMBER_ID;
  }
  if (members_.count(member_id) == 0U) return ErrorCode::UNKNOWN_MEMBER_ID;
  if (generation != generation_) return ErrorCode::ILLEGAL_GENERATION;
  // A member may commit while the group prepares a rebalance (an eager member commits before it
  // rejoins), not while the new assignment is being handed out.
  if (state_ == GroupState::completing_rebalance) return ErrorCode::REBALANCE_IN_PROGRESS;
  return ErrorCode::NONE;
}

void ClassicGroup::remove_member(sim::Time now, const std::string& member_id) {
  Member& m = members_.at(member_id);
  if (m.awaiting_join) std::exchange(m.awaiting_join, nullptr)(join_error(ErrorCode::UNKNOWN_MEMBER_ID));
  if (m.awaiting_sync) std::exchange(m.awaiting_sync, nullptr)(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
  members_.erase(member_id);
  join_order_.erase(std::remove(join_order_.begin(), join_order_.end(), member_id), join_order_.end());
  if (leader_ == member_id) leader_.clear();
  if (members_.empty() && state_ != GroupState::preparing_rebalance) {
    state_ = GroupState::empty;
    state_since_ = now;
    if (on_settled_) on_settled_();
    return;
  }
  if (state_ == GroupState::stable || state_ == GroupState::completing_rebalance) {
    prepare_rebalance(now);
  } else {
    try_complete_join(now);
  }
}

std::optional<sim::Time> ClassicGroup::deadline() const {
  std::optional<sim::Time> next = join_deadline_;
  for (const auto& [id, m] : members_) {
    if (m.awaiting_join) continue;  // a member waiting in the join phase cannot heartbeat
    if (!next || m.session_expires < *next) next = m.session_expires;
  }
  return next;
}

void ClassicGroup::on_time(sim::Time now) {
  if (state_ == GroupState::preparing_rebalance && join_deadline_ && *join_deadline_ <= now) {
    complete_join(now);
  }
  std::vector<std::string> expired;
  for (const auto& [id, m] : members_) {
    if (!m.awaiting_join && m.session_expires <= now) expired.push_back(id);
  }
  for (const std::string& id : expired) {
    if (members_.count(id) != 0U) remove_member(now, id);
  }
}

}  // namespace ksim::core
