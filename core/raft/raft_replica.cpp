#include "core/raft/raft_replica.hpp"

#include <algorithm>

#include "sim/assert.hpp"

namespace ksim::core {

std::string_view raft_role_name(RaftRole role) {
  switch (role) {
    case RaftRole::unattached: return "Unattached";
    case RaftRole::prospective: return "Prospective";
    case RaftRole::candidate: return "Candidate";
    case RaftRole::leader: return "Leader";
    case RaftRole::follower: return "Follower";
    case RaftRole::resigned: return "Resigned";
  }
  return "?";
}

RaftReplica::RaftReplica(RaftHost& host, ReplicaId id, const QuorumConfig& config, RaftDurableState& durable)
    : host_(host), id_(id), config_(config), durable_(durable) {
  peers_.reserve(config_.voters.size());
  for (const QuorumVoter& v : config_.voters) {
    if (v.id == id_) self_ = static_cast<std::ptrdiff_t>(peers_.size());
    Peer peer;
    peer.voter = v;
    peers_.push_back(peer);
  }
}

void RaftReplica::start() {
  const sim::Time now = host_.raft_now();
  ElectionState& election = durable_.election;
  if (election.epoch < durable_.log.last_epoch()) {
    // The quorum-state file is behind the log: trust the log's epoch, with no leader known.
    election = ElectionState{durable_.log.last_epoch(), kNoBroker, kNoBroker};
  }
  if (is_voter() && election.leader == id_) {
    // A leader comes back Resigned in its epoch: it may not vote again in it, and the records
    // it wrote in it stay uniquely named by offset and epoch.
    role_ = RaftRole::resigned;
    election_deadline_ = now + random_election_timeout();
  } else if (is_voter() && election.voted == id_ && election.leader == kNoBroker) {
    role_ = RaftRole::candidate;
    for (Peer& p : peers_) p.vote.reset();
    peers_[static_cast<std::size_t>(self_)].vote = true;
    election_deadline_ = now + random_election_timeout();
  } else if (election.leader != kNoBroker) {
    role_ = RaftRole::follower;
    fetch_deadline_ = now + config_.fetch_timeout;
  } else {
    role_ = RaftRole::unattached;
    election_deadline_ = is_voter() ? now + random_election_timeout() : sim::Time::max();
  }
  host_.raft_role_changed(RaftRole::unattached, role_);
  if (role_ == RaftRole::follower) notify_leader_change();
  // The only voter elects itself at once.
  if (is_voter() && peers_.size() == 1 && role_ != RaftRole::candidate) transition_to_candidate();
  poll();
}

// --- polling -------------------------------------------------------------------------------------

void RaftReplica::poll() {
  const sim::Time now = host_.raft_now();
  expire_requests(now);
  for (int round = 0; round < 8 && poll_role(now); ++round) {
  }
  schedule_wakeup(now);
}

bool RaftReplica::poll_role(sim::Time now) {
  const RaftRole role_before = role_;
  const LeaderEpoch epoch_before = epoch();
  switch (role_) {
    case RaftRole::leader:
      poll_leader(now);
      break;
    case RaftRole::follower:
      poll_follower(now);
      break;
    case RaftRole::candidate:
      if (backoff_until_) {
        if (now >= *backoff_until_) stand_for_election();
      } else if (now >= election_deadline_) {
        backoff_until_ = now + binary_exponential_backoff();
      } else {
        send_votes(now);
      }
      break;
    case RaftRole::prospective:
      if (now >= election_deadline_) {
        after_lost_election();
      } else {
        send_votes(now);
      }
      break;
    case RaftRole::unattached:
      if (!is_voter()) {
        fetch_from_any_voter(now);
      } else if (now >= election_deadline_) {
        stand_for_election();
      }
      break;
    case RaftRole::resigned:
      if (now >= election_deadline_) {
        transition_to_unattached(epoch() + 1);
      } else {
        for (Peer& p : peers_) {
          if (&p == &peers_[static_cast<std::size_t>(self_)] || p.acknowledged || !ready(p, now)) continue;
          send(p, EndQuorumEpochRequest{.leader_epoch = epoch(), .leader = id_,
                                        .preferred_successors = preferred_successors_});
        }
      }
      break;
  }
  return role_ != role_before || epoch() != epoch_before;
}

void RaftReplica::schedule_wakeup(sim::Time now) {
  sim::Time next = sim::Time::max();
  const auto consider = [&](sim::Time t) {
    if (t > now && t < next) next = t;
  };
  for (const Peer& p : peers_) {
    if (p.in_flight != 0) consider(p.timeout_at);
    consider(p.backoff_until);
  }
  switch (role_) {
    case RaftRole::leader:
      if (peers_.size() > 1) consider(check_quorum_deadline_);
      if (std::any_of(peers_.begin(), peers_.end(), [](const Peer& p) { return !p.acknowledged; })) {
        consider(begin_epoch_due_);
      }
      if (!pending_.empty()) consider(linger_until_);
      for (const ParkedFetch& f : parked_) consider(f.deadline);
      break;
    case RaftRole::follower:
      consider(fetch_deadline_);
      break;
    case RaftRole::candidate:
      consider(backoff_until_ ? *backoff_until_ : election_deadline_);
      break;
    case RaftRole::unattached:
    case RaftRole::prospective:
    case RaftRole::resigned:
      consider(election_deadline_);
      break;
  }
  if (next == wakeup_at_) return;
  host_.raft_cancel(wakeup_);
  wakeup_ = {};
  wakeup_at_ = next;
  if (next == sim::Time::max()) return;
  wakeup_ = host_.raft_at(next, [this] {
    wakeup_ = {};
    wakeup_at_ = sim::Time::max();
    poll();
  });
}

// --- requests in flight (KRaft's RequestManager: one per destination) -------------------------

void RaftReplica::expire_requests(sim::Time now) {
  for (Peer& p : peers_) {
    if (p.in_flight == 0 || now < p.timeout_at) continue;
    p.in_flight = 0;
    p.backoff_until = now + config_.retry_backoff;
    host_.raft_disconnect(p.voter.node);
  }
}

bool RaftReplica::ready(const Peer& peer, sim::Time now) const {
  return peer.voter.id != id_ && peer.in_flight == 0 && now >= peer.backoff_until;
}

template <typename Request>
void RaftReplica::send(Peer& peer, Request request) {
  request.correlation_id = next_correlation_++;
  peer.in_flight = request.correlation_id;
  peer.timeout_at = host_.raft_now() + config_.request_timeout;
  host_.raft_send(peer.voter.node, RaftRequest{std::move(request)});
}

template void RaftReplica::send(Peer&, VoteRequest);
template void RaftReplica::send(Peer&, BeginQuorumEpochRequest);
template void RaftReplica::send(Peer&, EndQuorumEpochRequest);
template void RaftReplica::send(Peer&, MetadataFetchRequest);

RaftReplica::Peer* RaftReplica::expected_response(sim::NodeId from, std::int32_t correlation_id) {
  Peer* peer = find_peer(from);
  if (peer == nullptr || peer->in_flight == 0 || peer->in_flight != correlation_id) return nullptr;
  peer->in_flight = 0;
  return peer;
}

RaftReplica::Peer* RaftReplica::find_peer(sim::NodeId node) {
  for (Peer& p : peers_) {
    if (p.voter.node == node) return &p;
  }
  return nullptr;
}

RaftReplica::Peer* RaftReplica::find_peer(ReplicaId id) {
  for (Peer& p : peers_) {
    if (p.voter.id == id) return &p;
  }
  return nullptr;
}

void RaftReplica::connection_lost(sim::NodeId peer_node) {
  Peer* peer = find_peer(peer_node);
  if (peer == nullptr || peer->in_flight == 0) return;
  peer->in_flight = 0;
  peer->backoff_until = host_.raft_now() + config_.retry_backoff;
  poll();
}

void RaftReplica::reset_requests() {
  // Answers to what was asked in the previous state are of no use in the next (resetConnections).
  for (Peer& p : peers_) p.in_flight = 0;
}

sim::Duration RaftReplica::random_election_timeout() {
  const std::int64_t ms = config_.election_timeout.ms();
  if (ms == 0) return sim::Duration{};
  return sim::milliseconds(ms + static_cast<std::int64_t>(host_.raft_rng().below(static_cast<std::uint64_t>(ms))));
}

// --- transitions (QuorumState) -------------------------------------------------------------------

void RaftReplica::set_role(RaftRole role) {
  const RaftRole from = role_;
  role_ = role;
  if (from == RaftRole::leader && role != RaftRole::leader) {
    // What the leader held goes: its unflushed appends, and the fetches it was holding are
    // answered with the news (completeAllExceptionally).
    for (const ParkedFetch& f : parked_) {
      host_.raft_reply(f.from, RaftResponse{fetch_response(f.request, ErrorCode::NOT_LEADER_OR_FOLLOWER)});
    }
    parked_.clear();
    pending_.clear();
    linger_until_ = sim::Time::max();
    observers_.clear();
  }
  host_.raft_role_changed(from, role);
}

void RaftReplica::transition_to_unattached(LeaderEpoch new_epoch) {
  KSIM_ASSERT(new_epoch > epoch() || (new_epoch == epoch() && role_ == RaftRole::prospective),
              "Unattached only in a newer epoch, or the same one after a lost pre-vote");
  const sim::Time now = host_.raft_now();
  const bool same_epoch = new_epoch == epoch();
  durable_.election = ElectionState{new_epoch, kNoBroker, same_epoch ? voted() : kNoBroker};
  const bool keeps_timer = role_ == RaftRole::unattached || role_ == RaftRole::candidate || role_ == RaftRole::resigned;
  if (!is_voter()) {
    election_deadline_ = sim::Time::max();
  } else if (!keeps_timer || election_deadline_ <= now) {
    election_deadline_ = now + random_election_timeout();
  }
  backoff_until_.reset();
  reset_requests();
  set_role(RaftRole::unattached);
  notify_leader_change();
}

void RaftReplica::transition_to_unattached_voted(ReplicaId candidate) {
  KSIM_ASSERT(role_ == RaftRole::unattached && voted() == kNoBroker && candidate != id_, "one vote per epoch");
  durable_.election.voted = candidate;
  // The candidate has at least our chance of winning: give it a full timeout.
  election_deadline_ = host_.raft_now() + random_election_timeout();
}

void RaftReplica::transition_to_follower(LeaderEpoch new_epoch, ReplicaId new_leader) {
  KSIM_ASSERT(new_leader != id_, "a replica never follows itself");
  KSIM_ASSERT(new_epoch > epoch() || (role_ != RaftRole::leader && role_ != RaftRole::follower),
              "a leader is followed once per epoch");
  const bool same_epoch = new_epoch == epoch();
  durable_.election = ElectionState{new_epoch, new_leader, same_epoch ? voted() : kNoBroker};
  fetch_deadline_ = host_.raft_now() + config_.fetch_timeout;
  has_fetched_from_leader_ = false;
  backoff_until_.reset();
  reset_requests();
  set_role(RaftRole::follower);
  notify_leader_change();
}

void RaftReplica::transition_to_prospective() {
  KSIM_ASSERT(is_voter() && role_ != RaftRole::leader && role_ != RaftRole::prospective, "who may seek pre-votes");
  retries_ = role_ == RaftRole::candidate ? retries_ + 1 : 1;
  for (Peer& p : peers_) p.vote.reset();
  peers_[static_cast<std::size_t>(self_)].vote = true;
  election_deadline_ = host_.raft_now() + random_election_timeout();
  backoff_until_.reset();
  reset_requests();
  set_role(RaftRole::prospective);
}

void RaftReplica::transition_to_candidate() {
  KSIM_ASSERT(is_voter() && role_ != RaftRole::leader, "who may stand");
  if (role_ == RaftRole::candidate) ++retries_;
  else if (role_ != RaftRole::prospective) retries_ = 1;
  durable_.election = ElectionState{epoch() + 1, kNoBroker, id_};
  for (Peer& p : peers_) p.vote.reset();
  peers_[static_cast<std::size_t>(self_)].vote = true;
  election_deadline_ = host_.raft_now() + random_election_timeout();
  backoff_until_.reset();
  reset_requests();
  set_role(RaftRole::candidate);
  notify_leader_change();
}

void RaftReplica::transition_to_leader() {
  KSIM_ASSERT(role_ == RaftRole::candidate, "only a candidate is elected");
  const sim::Time now = host_.raft_now();
  durable_.election.leader = id_;
  // The epoch starts with a LeaderChange record naming who voted; the high watermark is unknown
  // until a majority holds it (QuorumState.transitionToLeader does not keep the old one).
  epoch_start_offset_ = durable_.log.end_offset();
  LeaderChangeRecord change{.leader = id_, .voters = {}};
  for (const Peer& p : peers_) {
    if (p.vote == true) change.voters.push_back(p.voter.id);
  }
  durable_.log.append(RaftEntry{epoch(), std::make_shared<const MetadataRecord>(std::move(change))});
  high_watermark_ = -1;
  for (Peer& p : peers_) {
    p.end_offset = -1;
    p.last_fetch.reset();
    p.last_caught_up.reset();
    p.acknowledged = false;
    p.fetched_since_check = false;
  }
  Peer& self = peers_[static_cast<std::size_t>(self_)];
  self.end_offset = durable_.log.end_offset();
  self.acknowledged = true;
  check_quorum_deadline_ = now + config_.fetch_timeout * 3 / 2;
  begin_epoch_due_ = now;
  reset_requests();
  set_role(RaftRole::leader);
  update_leader_high_watermark();
}

void RaftReplica::transition_to_resigned(std::vector<ReplicaId> preferred_successors) {
  KSIM_ASSERT(role_ == RaftRole::leader, "only a leader resigns");
  preferred_successors_ = std::move(preferred_successors);
  for (Peer& p : peers_) p.acknowledged = p.voter.id == id_;
  election_deadline_ = host_.raft_now() + random_election_timeout();
  reset_requests();
  set_role(RaftRole::resigned);
}

void RaftReplica::after_lost_election() {
  if (leader() != kNoBroker && leader() != id_) {
    transition_to_follower(epoch(), leader());
  } else {
    transition_to_unattached(epoch());
  }
}

void RaftReplica::stand_for_election() {
  if (config_.pre_vote) {
    transition_to_prospective();
  } else {
    transition_to_candidate();
  }
}

void RaftReplica::notify_leader_change() {
  const LeaderAndEpoch now_known = leader_and_epoch();
  // A new leader announces itself only once its epoch's first record is committed.
  if (now_known.leader == id_ && high_watermark_ <= epoch_start_offset_) return;
  if (now_known == announced_) return;
  announced_ = now_known;
  host_.raft_leader_changed(now_known);
}

}  // namespace ksim::core
