// Replication in RaftReplica: the leader's appends and high watermark, fetches on both sides.
#include <algorithm>
#include <array>

#include "core/raft/raft_replica.hpp"
#include "sim/assert.hpp"

namespace ksim::core {

// --- the leader ---------------------------------------------------------------------------------

std::optional<Offset> RaftReplica::append(LeaderEpoch leader_epoch, std::vector<MetadataRecord> records) {
  if (role_ != RaftRole::leader || leader_epoch != epoch() || records.empty()) return std::nullopt;
  const sim::Time now = host_.raft_now();
  if (pending_.empty()) linger_until_ = now + config_.append_linger;
  for (MetadataRecord& r : records) {
    pending_.push_back(RaftEntry{epoch(), std::make_shared<const MetadataRecord>(std::move(r))});
  }
  // Only the wake-up moves: a host may append from inside a listener call.
  schedule_wakeup(now);
  return durable_.log.end_offset() + static_cast<std::int64_t>(pending_.size()) - 1;
}

void RaftReplica::poll_leader(sim::Time now) {
  if (peers_.size() > 1 && now >= check_quorum_deadline_) {
    // Not fetched from by a majority within 1.5 x the fetch timeout: this leader may be cut off,
    // and the others may have elected another. It resigns (LeaderState.timeUntilCheckQuorumExpires).
    transition_to_resigned({});
    return;
  }
  if (!pending_.empty() && now >= linger_until_) drain_accumulator();
  answer_parked_fetches(/*all=*/false);
  if (now >= begin_epoch_due_) {
    for (Peer& p : peers_) {
      if (p.acknowledged || !ready(p, now)) continue;
      send(p, BeginQuorumEpochRequest{.leader_epoch = epoch(), .leader = id_});
    }
    begin_epoch_due_ = now + config_.fetch_timeout / 2;
  }
}

void RaftReplica::drain_accumulator() {
  for (RaftEntry& e : pending_) durable_.log.append(std::move(e));
  pending_.clear();
  linger_until_ = sim::Time::max();
  peers_[static_cast<std::size_t>(self_)].end_offset = durable_.log.end_offset();
  update_leader_high_watermark();
  answer_parked_fetches(/*all=*/true);
}

void RaftReplica::update_leader_high_watermark() {
  // The offset a majority of voters hold: with the voters' ends in descending order, the one at
  // index n/2. It counts only once it passes the start of this epoch.
  // A quorum has at most a handful of voters (1, 3 or 5 here): a fixed array, no allocation per
  // fetch.
  constexpr std::size_t kMaxVoters = 9;
  KSIM_ASSERT(peers_.size() <= kMaxVoters, "more voters than the quorum supports");
  std::array<Offset, kMaxVoters> ends{};
  std::size_t n = 0;
  for (const Peer& p : peers_) ends[n++] = p.end_offset;
  std::sort(ends.begin(), ends.begin() + static_cast<std::ptrdiff_t>(n), std::greater<>());
  const Offset majority_end = ends[n / 2];
  if (majority_end > epoch_start_offset_) set_high_watermark(majority_end);
}

void RaftReplica::set_high_watermark(Offset high_watermark) {
  if (high_watermark <= high_watermark_) return;
  high_watermark_ = high_watermark;
  host_.raft_committed(high_watermark_);
  if (role_ == RaftRole::leader) {
    answer_parked_fetches(/*all=*/true);  // the followers learn the new high watermark at once
    notify_leader_change();
  }
}

void RaftReplica::answer_parked_fetches(bool all) {
  const sim::Time now = host_.raft_now();
  auto keep = parked_.begin();
  for (auto it = parked_.begin(); it != parked_.end(); ++it) {
    if (all || now >= it->deadline) {
      host_.raft_reply(it->from, RaftResponse{fetch_response(it->request, ErrorCode::NONE)});
    } else {
      *keep++ = std::move(*it);
    }
  }
  parked_.erase(keep, parked_.end());
}

MetadataFetchResponse RaftReplica::fetch_response(const MetadataFetchRequest& request, ErrorCode error) const {
  MetadataFetchResponse response;
  response.correlation_id = request.correlation_id;
  response.error = error;
  response.leader_epoch = epoch();
  response.leader = leader();
  response.high_watermark = high_watermark_;
  if (error == ErrorCode::NONE) {
    const auto entries = durable_.log.from(request.fetch_offset);
    response.entries.assign(entries.begin(), entries.end());
  }
  return response;
}

void RaftReplica::handle(sim::NodeId from, const MetadataFetchRequest& m) {
  const sim::Time now = host_.raft_now();
  ErrorCode error = ErrorCode::NONE;
  if (m.current_leader_epoch < epoch()) {
    error = ErrorCode::FENCED_LEADER_EPOCH;
  } else if (m.current_leader_epoch > epoch()) {
    error = ErrorCode::UNKNOWN_LEADER_EPOCH;
  } else if (role_ != RaftRole::leader) {
    error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  }
  if (error != ErrorCode::NONE) {
    host_.raft_reply(from, RaftResponse{fetch_response(m, error)});
    return;
  }
  Peer* voter = find_peer(m.replica);
  if (voter != nullptr && voter->voter.id != id_) {
    // LeaderState.updateCheckQuorumForFollowingVoter: a majority fetching (the leader counts
    // itself) starts a new check-quorum window.
    voter->fetched_since_check = true;
    const auto fetched = static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [](const Peer& p) { return p.fetched_since_check; }));
    if (fetched + 1 >= majority()) {
      for (Peer& p : peers_) p.fetched_since_check = false;
      check_quorum_deadline_ = now + config_.fetch_timeout * 3 / 2;
    }
  }
  if (const auto diverging = durable_.log.divergence(m.fetch_offset, m.last_fetched_epoch)) {
    MetadataFetchResponse response = fetch_response(m, ErrorCode::NONE);
    response.entries.clear();
    response.diverging = MetadataFetchResponse::DivergingEpoch{diverging->epoch, diverging->offset};
    host_.raft_reply(from, RaftResponse{std::move(response)});
    poll();
    return;
  }
  if (voter != nullptr && voter->voter.id != id_) {
    voter->end_offset = m.fetch_offset;
    voter->last_fetch = now;
    if (m.fetch_offset >= durable_.log.end_offset()) voter->last_caught_up = now;
    voter->acknowledged = true;
    update_leader_high_watermark();
  } else {
    track_observer(m.replica, m.fetch_offset, now);
  }
  const bool behind_on_commits = high_watermark_ >= 0 && m.high_watermark < high_watermark_;
  if (m.fetch_offset < durable_.log.end_offset() || behind_on_commits || m.max_wait == sim::Duration{}) {
    host_.raft_reply(from, RaftResponse{fetch_response(m, ErrorCode::NONE)});
  } else {
    parked_.push_back(ParkedFetch{from, m, now + m.max_wait});
  }
  poll();
}

void RaftReplica::track_observer(ReplicaId observer, Offset fetch_offset, sim::Time now) {
  auto it = std::find_if(observers_.begin(), observers_.end(), [&](const ReplicaProgress& p) { return p.id == observer; });
  if (it == observers_.end()) {
    ReplicaProgress progress;
    progress.id = observer;
    it = observers_.insert(observers_.end(), progress);
  }
  it->end_offset = fetch_offset;
  it->last_fetch = now;
  if (fetch_offset >= durable_.log.end_offset()) it->last_caught_up = now;
}

std::vector<RaftReplica::ReplicaProgress> RaftReplica::replication() const {
  std::vector<ReplicaProgress> rows;
  if (role_ != RaftRole::leader) return rows;
  const sim::Time now = host_.raft_now();
  for (const Peer& p : peers_) {
    if (p.voter.id == id_) {
      rows.push_back(ReplicaProgress{.id = p.voter.id, .voter = true, .end_offset = durable_.log.end_offset(),
                                     .last_fetch = now, .last_caught_up = now});
    } else {
      rows.push_back(ReplicaProgress{.id = p.voter.id, .voter = true, .end_offset = p.end_offset,
                                     .last_fetch = p.last_fetch, .last_caught_up = p.last_caught_up});
    }
  }
  rows.insert(rows.end(), observers_.begin(), observers_.end());
  return rows;
}

// --- followers and observers --------------------------------------------------------------------

void RaftReplica::poll_follower(sim::Time now) {
  Peer* leader_peer = find_peer(leader());
  if (is_voter()) {
    if (now >= fetch_deadline_) {
      stand_for_election();
    } else if (leader_peer != nullptr && ready(*leader_peer, now)) {
      fetch_from(*leader_peer);
    }
    return;
  }
  // An observer whose leader is silent, or backing off, asks any voter who leads now.
  if (now >= fetch_deadline_ || leader_peer == nullptr || now < leader_peer->backoff_until) {
    fetch_from_any_voter(now);
  } else if (ready(*leader_peer, now)) {
    fetch_from(*leader_peer);
  }
}

void RaftReplica::fetch_from(Peer& peer) {
  send(peer, MetadataFetchRequest{.replica = id_,
                                  .current_leader_epoch = epoch(),
                                  .fetch_offset = durable_.log.end_offset(),
                                  .last_fetched_epoch = durable_.log.last_epoch(),
                                  .high_watermark = high_watermark_,
                                  .max_wait = config_.fetch_max_wait});
}

void RaftReplica::fetch_from_any_voter(sim::Time now) {
  if (std::any_of(peers_.begin(), peers_.end(), [](const Peer& p) { return p.in_flight != 0; })) return;
  std::size_t candidates = 0;
  for (const Peer& p : peers_) candidates += ready(p, now) ? 1 : 0;
  if (candidates == 0) return;
  auto pick = host_.raft_rng().below(candidates);
  for (Peer& p : peers_) {
    if (!ready(p, now)) continue;
    if (pick-- == 0) {
      fetch_from(p);
      return;
    }
  }
}

void RaftReplica::handle(sim::NodeId from, const MetadataFetchResponse& m) {
  Peer* peer = expected_response(from, m.correlation_id);
  if (peer == nullptr) return;
  const sim::Time now = host_.raft_now();
  if (learn_leader(m.leader_epoch, m.leader)) {
    poll();
    return;
  }
  if (m.error != ErrorCode::NONE) {
    peer->backoff_until = now + config_.retry_backoff;
    poll();
    return;
  }
  if (role_ != RaftRole::follower || peer->voter.id != leader() || m.leader_epoch != epoch()) {
    poll();
    return;
  }
  fetch_deadline_ = now + config_.fetch_timeout;
  has_fetched_from_leader_ = true;
  RaftLog& log = durable_.log;
  if (m.diverging) {
    const Offset to = log.truncation_offset({m.diverging->end_offset, m.diverging->epoch});
    KSIM_ASSERT(high_watermark_ < 0 || to >= high_watermark_, "a replica never truncates committed records");
    log.truncate_to(to);
    host_.raft_truncated(to);
  } else {
    for (const RaftEntry& e : m.entries) log.append(e);
    if (m.high_watermark >= 0) set_high_watermark(std::min(m.high_watermark, log.end_offset()));
  }
  poll();
}

}  // namespace ksim::core
