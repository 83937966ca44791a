#include "core/broker/replica_fetcher.hpp"

#include <algorithm>
#include <memory>

namespace ksim::core {

void ReplicaFetcher::follow(Partition& p) {
  // A request already in flight to the leader goes on: its answer still serves the other
  // partitions, and is ignored for this one (see on_answer). The partition joins the fetcher's
  // next request, with the epoch of its last batch for the leader to check.
  following_[p.tp()] = FollowerFetch{&p};
  if (host_.config().legacy_hw_truncation) {
    host_.truncated(p, p.log().truncate_to(p.log().high_watermark()), "legacy: to own high watermark");
  }
  maybe_fetch(p.state().leader);
}

void ReplicaFetcher::truncate_diverged(Partition& p, const FetchResponse::Partition& part) {
  const Offset leo = p.log().log_end_offset();
  Offset target = leo;
  if (part.diverging_epoch == p.log().latest_epoch()) {
    target = std::min(part.diverging_end_offset, leo);
  } else {
    // The leader ended our epoch at an older one of its own (KIP-279): our log may hold that
    // older epoch only up to a point, and must not keep anything past it. The next Fetch carries
    // the epoch we are left with, and the leader checks again.
    const Offset local_end = p.log().epochs().end_offset_for(part.diverging_epoch, leo).end_offset;
    target = std::min(part.diverging_end_offset, local_end < 0 ? leo : local_end);
  }
  host_.truncated(p, p.log().truncate_to(target), "leader epoch");
}

void ReplicaFetcher::maybe_fetch(BrokerId leader) {
  if (leader == kNoBroker || !host_.node_of(leader)) return;
  if (deferring_fetches_) {
    deferred_fetches_.insert(leader);
    return;
  }
  Fetcher& fetcher = fetchers_[leader];
  fetcher.leader = leader;
  if (fetcher.in_flight || fetcher.backoff.valid()) return;
  FetchSessionHandler& session = fetcher.session;
  const bool full = session.next_epoch == 0;
  if (full) session.sent.clear();
  FetchRequest request;
  const BrokerConfig& config = host_.config();
  request.correlation_id = host_.next_correlation_id();
  request.replica_id = host_.broker_id();
  request.broker_epoch = host_.broker_epoch();
  request.max_wait = config.replica_fetch_wait_max;
  request.min_bytes = config.replica_fetch_min_bytes;
  request.session_id = session.id;
  request.session_epoch = session.next_epoch;
  // Both maps are ordered by partition: one walk finds what is new or moved (named in the
  // request), what is unchanged (left out of an incremental one) and what left (forgotten).
  auto sent = session.sent.begin();
  const auto forget_until = [&](const TopicPartition* tp) {
    while (sent != session.sent.end() && (tp == nullptr || sent->first < *tp)) {
      request.forgotten.push_back(sent->first);
      sent = session.sent.erase(sent);
    }
  };
  for (const auto& [tp, follow] : following_) {
    const Partition* p = follow.partition;
    if (p == nullptr || p->role() != ReplicaRole::follower || p->state().leader != leader) {
      continue;
    }
    forget_until(&tp);
    // Before KIP-101 (the legacy switch) a follower had no epoch to send.
    const LeaderEpoch last_fetched = config.legacy_hw_truncation ? kNoLeaderEpoch : p->log().latest_epoch();
    const FetchSessionHandler::Sent now_at{p->log().log_end_offset(), p->leader_epoch(), last_fetched};
    if (sent != session.sent.end() && sent->first == tp) {
      const bool moved = sent->second.fetch_offset != now_at.fetch_offset ||
                         sent->second.leader_epoch != now_at.leader_epoch ||
                         sent->second.last_fetched_epoch != now_at.last_fetched_epoch;
      sent->second = now_at;
      ++sent;
      if (!moved) continue;
    } else {
      sent = std::next(session.sent.emplace_hint(sent, tp, now_at));
    }
    request.partitions.push_back(
        {tp, now_at.leader_epoch, now_at.fetch_offset, now_at.last_fetched_epoch, config.replica_fetch_max_bytes});
  }
  forget_until(nullptr);
  if (session.sent.empty()) {
    // Nothing to follow there any more. Kafka shuts an idle fetcher thread down, and its session
    // with it; here the next Fetch to this leader opens a new session (closing this one), so
    // the leader never keeps partitions the follower forgot without saying so.
    session.start_over();
    return;
  }
  fetcher.in_flight = true;
  fetcher.correlation_id = request.correlation_id;
  session.in_flight_epoch = request.session_epoch;
  host_.send_to_peer(leader, std::move(request));
  fetcher.timeout = host_.start_timer(config.replica_socket_timeout + config.replica_fetch_wait_max, [this, leader] {
    // Unanswered past replica.socket.timeout.ms: as Kafka's fetcher does through its
    // NetworkClient, close the connection (an answer still on its way is lost with it), back off
    // replica.fetch.backoff.ms, then fetch again on a new one.
    give_up_fetch(fetchers_[leader]);  // cancelling the timer that is running is harmless
    host_.close_connection_to(leader);
    backoff(leader);
  });
}

void ReplicaFetcher::give_up_fetch(Fetcher& fetcher) {
  fetcher.in_flight = false;
  host_.stop_timer(fetcher.timeout);
  fetcher.session.start_over();
}

void ReplicaFetcher::retire_idle_fetchers() {
  for (auto& [leader, fetcher] : fetchers_) {
    const bool idle = std::none_of(following_.begin(), following_.end(), [&, l = leader](const auto& entry) {
      return entry.second.partition->state().leader == l;
    });
    if (!idle) continue;
    if (fetcher.in_flight) {
      give_up_fetch(fetcher);
    } else {
      fetcher.session.start_over();
    }
    // Kafka shuts an idle fetcher thread down, and its network client closes the connection: a
    // later fetcher for this leader starts on a new one.
    host_.close_connection_to(leader);
  }
}

void ReplicaFetcher::backoff(BrokerId leader) {
  Fetcher& fetcher = fetchers_[leader];
  if (fetcher.backoff.valid()) return;
  fetcher.backoff = host_.start_timer(host_.config().replica_fetch_backoff, [this, leader] {
    fetchers_[leader].backoff = sim::TimerId{};
    maybe_fetch(leader);
  });
}

void ReplicaFetcher::on_answer(sim::NodeId from, const FetchResponse& m) {
  const BrokerId leader = host_.broker_at(from);
  auto fetcher = fetchers_.find(leader);
  if (fetcher == fetchers_.end() || !fetcher->second.in_flight ||
      fetcher->second.correlation_id != m.correlation_id) {
    return;  // an answer to a request we gave up on
  }
  fetcher->second.in_flight = false;
  host_.stop_timer(fetcher->second.timeout);
  FetchSessionHandler& session = fetcher->second.session;
  if (m.error != ErrorCode::NONE) {
    // FETCH_SESSION_ID_NOT_FOUND (the leader restarted) or INVALID_FETCH_SESSION_EPOCH: the two
    // sides disagree on the session; a full Fetch sets it up again.
    host_.report(FetchSessionReset{leader, session.id, m.error});
    session.start_over();
    maybe_fetch(leader);
    return;
  }
  if (session.in_flight_epoch == 0) session.id = m.session_id;  // a full Fetch's answer opens the session
  session.next_epoch = session.id == 0 ? 0 : next_fetch_session_epoch(session.in_flight_epoch);
  bool trouble = false;
  for (const FetchResponse::Partition& part : m.partitions) {
    Partition* p = host_.find_partition(part.tp);
    const auto follow = following_.find(part.tp);
    if (p == nullptr || p->role() != ReplicaRole::follower || p->state().leader != leader ||
        follow == following_.end()) {
      continue;
    }
    // As Kafka's fetcher: an answer for a partition whose state moved while the request was out
    // (a new leader epoch, so it fetches under the new epoch) is not for it any more, data and
    // errors alike.
    const auto asked = session.sent.find(part.tp);
    if (asked == session.sent.end() || asked->second.leader_epoch != p->leader_epoch()) continue;
    switch (part.error) {
      case ErrorCode::NONE:
        if (part.diverging()) {
          truncate_diverged(*p, part);
        } else {
          apply_fetched(*p, part);
        }
        break;
      case ErrorCode::OFFSET_OUT_OF_RANGE:
        if (p->log().log_end_offset() < part.log_start_offset) {
          // Far behind: the leader's retention deleted what we would need. Start over there.
          host_.truncated(*p, p->log().truncate_fully_and_start_at(part.log_start_offset, host_.time_now()),
                          "behind the leader's log start");
        } else if (p->log().log_end_offset() > part.log_end_offset) {
          host_.truncated(*p, p->log().truncate_to(part.log_end_offset), "beyond the leader's log end");
        }
        break;
      default:
        trouble = true;  // fenced or stale epoch, not leader: wait for the controller's news
        break;
    }
  }
  if (trouble) {
    backoff(leader);
  } else {
    maybe_fetch(leader);
  }
}

void ReplicaFetcher::apply_fetched(Partition& p, const FetchResponse::Partition& part) {
  const Offset before = p.log().log_end_offset();
  for (const RecordBatch& batch : part.batches) {
    if (batch.base_offset < p.log().log_end_offset()) continue;  // already have it
    if (batch.base_offset > p.log().log_end_offset()) break;     // a gap: fetch again from LEO
    p.log().append_as_follower(batch, host_.time_now());
    p.producers().record(batch);
  }
  const Offset hw_before = p.log().high_watermark();
  p.log().set_high_watermark(std::min(part.high_watermark, p.log().log_end_offset()));
  if (p.log().log_end_offset() != before || p.log().high_watermark() != hw_before) {
    host_.report(ReplicaFetched{p.tp(), before, p.log().log_end_offset(), p.log().high_watermark()});
  }
}

void ReplicaFetcher::reset() {
  following_.clear();
  fetchers_.clear();
  deferring_fetches_ = false;
  deferred_fetches_.clear();
}

void ReplicaFetcher::end_update() {
  deferring_fetches_ = false;
  retire_idle_fetchers();
  const std::set<BrokerId> leaders = std::move(deferred_fetches_);
  deferred_fetches_.clear();
  for (const BrokerId leader : leaders) maybe_fetch(leader);
}

void ReplicaFetcher::on_connection_reset(sim::NodeId peer) {
  // A leader we fetch from crashed: the request in flight is lost. Try again after a backoff;
  // by then the controller may have told us of a new leader.
  for (auto& [leader, fetcher] : fetchers_) {
    if (host_.node_of(leader) == peer && fetcher.in_flight) {
      give_up_fetch(fetcher);
      backoff(leader);
    }
  }
}

}  // namespace ksim::core
