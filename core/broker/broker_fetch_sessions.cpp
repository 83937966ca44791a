// The leader's side of KIP-227 fetch sessions (see fetch_session.hpp): opening, continuing and
// closing sessions, reading a session's partitions, and a session's Fetch waiting for data.
#include <algorithm>
#include <iterator>

#include "core/broker/broker.hpp"

namespace ksim::core {

void Broker::handle_session_fetch(sim::NodeId from, const FetchRequest& m) {
  const bool full = m.session_epoch == 0;
  FetchSession* session = nullptr;
  if (full) {
    // A follower's new session replaces its older ones, and the one it names.
    for (auto it = fetch_sessions_.begin(); it != fetch_sessions_.end();) {
      it = it->second.replica == m.replica_id || it->first == m.session_id ? close_fetch_session(it) : std::next(it);
    }
    const std::int32_t id = next_fetch_session_id_++;
    session = &fetch_sessions_[id];
    session->id = id;
    session->replica = m.replica_id;
  } else {
    const auto it = fetch_sessions_.find(m.session_id);
    ErrorCode error = ErrorCode::NONE;
    if (it == fetch_sessions_.end()) {
      error = ErrorCode::FETCH_SESSION_ID_NOT_FOUND;
    } else if (it->second.next_epoch != m.session_epoch) {
      error = ErrorCode::INVALID_FETCH_SESSION_EPOCH;
    }
    if (error != ErrorCode::NONE) {
      FetchResponse refusal;
      refusal.correlation_id = m.correlation_id;
      refusal.error = error;
      send_message(from, std::move(refusal));
      return;
    }
    session = &it->second;
    if (session->waiting) {  // superseded: the follower gave up on it
      cancel(session->waiting->timeout);
      session->waiting.reset();
      fetches_.remove({FetchPurgatory::Waiter::Kind::session, static_cast<std::uint64_t>(session->id)});
    }
  }
  session->apply(m);
  for (FetchSession::Entry& e : session->entries) {
    if (e.partition == nullptr) e.partition = find(e.tp);
  }
  session->next_epoch = full ? 1 : next_fetch_session_epoch(m.session_epoch);

  std::int64_t bytes = 0;
  FetchResponse response = read_session(*session, true, full, bytes);
  response.correlation_id = m.correlation_id;
  const bool at_once = std::any_of(response.partitions.begin(), response.partitions.end(),
                                    [](const auto& p) { return p.answer_at_once(); });
  if (bytes >= m.min_bytes || at_once || m.max_wait <= sim::Duration{}) {
    answer_session_fetch(*session, from, std::move(response));
    return;
  }
  // Not enough data yet: the session's Fetch waits for appends, up to max_wait. The answer is
  // read again when it completes; this one is dropped, so that what the follower is known to
  // have heard (high_watermark_sent) moves only with an answer actually sent.
  std::vector<TopicPartition> partitions;
  std::vector<std::int64_t> readable;
  for (const FetchSession::Entry& e : session->entries) {
    partitions.push_back(e.tp);
    readable.push_back(e.readable);
  }
  fetches_.park({FetchPurgatory::Waiter::Kind::session, static_cast<std::uint64_t>(session->id)}, partitions,
                std::move(readable), m.min_bytes);
  session->waiting = FetchSession::Waiting{from, m.correlation_id, full, {}};
  session->waiting->timeout = after(m.max_wait, [this, id = session->id] { finish_session_fetch(id); });
}

FetchResponse Broker::read_session(FetchSession& session, bool record_positions, bool full, std::int64_t& bytes) {
  FetchResponse response;
  response.session_id = session.id;
  bytes = 0;
  for (FetchSession::Entry& e : session.entries) {
    if (e.partition == nullptr) e.partition = find(e.tp);
    if (record_positions && !fetch_diverges(e.partition, e.fetch_offset, e.last_fetched_epoch, session.replica)) {
      note_follower_fetch(e.partition, e.current_leader_epoch, e.fetch_offset, session.replica);
    }
    FetchResponse::Partition part = read_partition(e.partition, e.current_leader_epoch, e.fetch_offset,
                                                   e.last_fetched_epoch, e.max_bytes, session.replica);
    e.readable = batch_bytes(part);
    bytes += std::max<std::int64_t>(e.readable, 0);
    const bool changed = part.answer_at_once() || !part.batches.empty() ||
                         part.high_watermark != e.high_watermark_sent || part.log_start_offset != e.log_start_sent;
    if (!full && !changed) continue;  // an idle partition: left out of an incremental answer
    part.tp = e.tp;
    response.partitions.push_back(std::move(part));
  }
  return response;
}

void Broker::answer_session_fetch(FetchSession& session, sim::NodeId to, FetchResponse response) {
  for (const FetchResponse::Partition& part : response.partitions) {
    if (FetchSession::Entry* e = session.find(part.tp)) {
      e->high_watermark_sent = part.high_watermark;
      e->log_start_sent = part.log_start_offset;
    }
  }
  send_message(to, std::move(response));
}

void Broker::finish_session_fetch(std::int32_t session_id) {
  const auto it = fetch_sessions_.find(session_id);
  if (it == fetch_sessions_.end() || !it->second.waiting) return;
  FetchSession& session = it->second;
  const FetchSession::Waiting waiting = *session.waiting;
  session.waiting.reset();
  cancel(waiting.timeout);
  fetches_.remove({FetchPurgatory::Waiter::Kind::session, static_cast<std::uint64_t>(session_id)});
  std::int64_t bytes = 0;
  FetchResponse response = read_session(session, false, waiting.full, bytes);
  response.correlation_id = waiting.correlation_id;
  answer_session_fetch(session, waiting.from, std::move(response));
}

std::map<std::int32_t, FetchSession>::iterator Broker::close_fetch_session(
    std::map<std::int32_t, FetchSession>::iterator it) {
  if (it->second.waiting) {
    cancel(it->second.waiting->timeout);
    fetches_.remove({FetchPurgatory::Waiter::Kind::session, static_cast<std::uint64_t>(it->first)});
  }
  return fetch_sessions_.erase(it);
}

}  // namespace ksim::core
