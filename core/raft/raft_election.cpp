// The election requests of RaftReplica: Vote (and pre-vote), BeginQuorumEpoch, EndQuorumEpoch,
// as KafkaRaftClient handles them.
#include <algorithm>

#include "core/raft/raft_replica.hpp"

namespace ksim::core {

bool RaftReplica::can_grant_vote(ReplicaId candidate, bool log_up_to_date, bool pre_vote) const {
  switch (role_) {
    case RaftRole::unattached:
    case RaftRole::prospective:
      // QuorumState.unattachedOrProspectiveCanGrantVote.
      if (pre_vote) return log_up_to_date;
      if (voted() != kNoBroker) return voted() == candidate;
      if (leader() != kNoBroker) return false;
      return log_up_to_date;
    case RaftRole::follower:
      // A follower that has fetched from its leader in this epoch knows the leader is alive and
      // refuses even a pre-vote; one that has not may help elect another.
      return pre_vote && !has_fetched_from_leader_ && log_up_to_date;
    case RaftRole::candidate:
      return pre_vote && log_up_to_date;
    case RaftRole::leader:
    case RaftRole::resigned:
      return false;
  }
  return false;
}

bool RaftReplica::learn_leader(LeaderEpoch new_epoch, ReplicaId new_leader) {
  if (new_epoch < epoch()) return false;
  if (new_epoch > epoch()) {
    if (new_leader != kNoBroker && new_leader != id_) {
      transition_to_follower(new_epoch, new_leader);
    } else {
      transition_to_unattached(new_epoch);
    }
    return true;
  }
  // In the same epoch, only news of a leader this replica did not know moves it (a prospective
  // that remembers its leader is not told anything new by hearing of it again).
  const bool may_follow = role_ == RaftRole::unattached || role_ == RaftRole::prospective ||
                          role_ == RaftRole::candidate;
  if (new_leader != kNoBroker && new_leader != id_ && leader() == kNoBroker && may_follow) {
    transition_to_follower(new_epoch, new_leader);
    return true;
  }
  return false;
}

void RaftReplica::handle(sim::NodeId from, const VoteRequest& m) {
  VoteResponse response;
  response.correlation_id = m.correlation_id;
  const bool illegal_epoch = m.pre_vote ? m.last_epoch > m.candidate_epoch : m.last_epoch >= m.candidate_epoch;
  if (!is_voter() || illegal_epoch) {
    response.error = ErrorCode::INVALID_REQUEST;
  } else if (m.candidate_epoch < epoch()) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;
  } else {
    if (m.candidate_epoch > epoch()) transition_to_unattached(m.candidate_epoch);
    const bool up_to_date = at_least_as_up_to_date({m.last_offset, m.last_epoch}, durable_.log.end());
    response.vote_granted = can_grant_vote(m.candidate, up_to_date, m.pre_vote);
    if (!m.pre_vote && response.vote_granted && role_ == RaftRole::unattached && voted() == kNoBroker) {
      transition_to_unattached_voted(m.candidate);
    }
  }
  response.leader_epoch = epoch();
  response.leader = leader();
  host_.raft_reply(from, RaftResponse{response});
  poll();
}

void RaftReplica::handle(sim::NodeId from, const VoteResponse& m) {
  Peer* peer = expected_response(from, m.correlation_id);
  if (peer == nullptr) return;
  if (learn_leader(m.leader_epoch, m.leader)) {
    poll();
    return;
  }
  if (m.error != ErrorCode::NONE) {
    peer->backoff_until = host_.raft_now() + config_.retry_backoff;
  } else if (m.leader_epoch == epoch() && (role_ == RaftRole::prospective || role_ == RaftRole::candidate)) {
    peer->vote = m.vote_granted;
  }
  poll();
}

void RaftReplica::send_votes(sim::Time now) {
  std::size_t granted = 0;
  std::size_t refused = 0;
  for (const Peer& p : peers_) {
    if (p.vote == true) ++granted;
    if (p.vote == false) ++refused;
  }
  const bool prospective = role_ == RaftRole::prospective;
  if (granted >= majority()) {
    if (prospective) {
      transition_to_candidate();
    } else {
      transition_to_leader();
    }
    return;
  }
  if (peers_.size() - refused < majority()) {
    // Too many refusals to win: a prospective gives up at once; a candidate backs off at once
    // rather than wait out its election timeout in a gridlock.
    if (prospective) {
      after_lost_election();
    } else if (!backoff_until_) {
      backoff_until_ = now + binary_exponential_backoff();
    }
    return;
  }
  for (Peer& p : peers_) {
    if (p.vote.has_value() || !ready(p, now)) continue;
    send(p, VoteRequest{.candidate_epoch = epoch(),
                        .candidate = id_,
                        .last_epoch = durable_.log.last_epoch(),
                        .last_offset = durable_.log.end_offset(),
                        .pre_vote = prospective});
  }
}

sim::Duration RaftReplica::binary_exponential_backoff() {
  // KafkaRaftClient.binaryExponentialElectionBackoffMs: 100 ms times a random factor whose range
  // doubles with each retry, at most controller.quorum.election.backoff.max.ms.
  constexpr std::int64_t kBaseMs = 100;
  const std::uint64_t range = std::uint64_t{2} << std::min(20, retries_ - 1);
  const auto ms = kBaseMs * static_cast<std::int64_t>(host_.raft_rng().below(range));
  return std::min(sim::milliseconds(ms), config_.election_backoff_max);
}

sim::Duration RaftReplica::strict_exponential_backoff(std::size_t position, std::size_t successors) const {
  // KafkaRaftClient.strictExponentialElectionBackoffMs: the first preferred successor stands at
  // once, each later one waits twice as long as the one before, the unnamed wait the longest.
  if (position >= successors) return config_.election_backoff_max;  // not named
  if (position == 0) return sim::Duration{};
  const std::int64_t base = config_.election_backoff_max.ns() >> (successors - 1);
  return std::min(config_.election_backoff_max, sim::Duration::from_ns(base << (position - 1)));
}

template <typename Response, typename Request, typename Then>
void RaftReplica::answer_leader_notice(sim::NodeId from, const Request& m, Then then) {
  Response response;
  response.correlation_id = m.correlation_id;
  if (m.leader_epoch < epoch()) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;
  } else {
    learn_leader(m.leader_epoch, m.leader);
    then();
  }
  response.leader_epoch = epoch();
  response.leader = leader();
  host_.raft_reply(from, RaftResponse{response});
  poll();
}

void RaftReplica::handle(sim::NodeId from, const BeginQuorumEpochRequest& m) {
  answer_leader_notice<BeginQuorumEpochResponse>(from, m, [] {});
}

void RaftReplica::handle(sim::NodeId from, const BeginQuorumEpochResponse& m) {
  Peer* peer = expected_response(from, m.correlation_id);
  if (peer == nullptr) return;
  if (!learn_leader(m.leader_epoch, m.leader) && m.error == ErrorCode::NONE && role_ == RaftRole::leader &&
      m.leader_epoch == epoch()) {
    peer->acknowledged = true;
  }
  poll();
}

void RaftReplica::handle(sim::NodeId from, const EndQuorumEpochRequest& m) {
  answer_leader_notice<EndQuorumEpochResponse>(from, m, [&] {
    if (role_ == RaftRole::follower && leader() == m.leader && epoch() == m.leader_epoch) {
      // The leader is going: stand after a wait set by our place among its preferred successors.
      const auto& successors = m.preferred_successors;
      const auto position = static_cast<std::size_t>(
          std::find(successors.begin(), successors.end(), id_) - successors.begin());
      fetch_deadline_ = host_.raft_now() + strict_exponential_backoff(position, successors.size());
    }
  });
}

void RaftReplica::handle(sim::NodeId from, const EndQuorumEpochResponse& m) {
  Peer* peer = expected_response(from, m.correlation_id);
  if (peer == nullptr) return;
  if (!learn_leader(m.leader_epoch, m.leader) && m.error == ErrorCode::NONE && role_ == RaftRole::resigned) {
    peer->acknowledged = true;
  }
  poll();
}

}  // namespace ksim::core
