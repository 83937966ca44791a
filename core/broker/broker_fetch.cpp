// The leader's side of Fetch (consumers and followers, with the check of a follower's last
// fetched epoch), the delayed-fetch purgatory, ListOffsets and OffsetsForLeaderEpoch.
#include <algorithm>

#include "core/broker/broker.hpp"

namespace ksim::core {
namespace {

enum class EpochCheck : std::uint8_t { fine, diverging, out_of_range };

// A follower's last fetched epoch against the leader's log (Partition.readRecords, KIP-320 and
// the fetcher's truncation since Kafka 2.7): where that epoch ends here. The follower diverged
// when the leader knows the epoch only as an older one, or ended it below the follower's fetch
// offset; an epoch the leader cannot place at all, or a fetch below the log start, is out of range.
EpochCheck check_last_fetched_epoch(const PartitionLog& log, LeaderEpoch last_fetched, Offset fetch_offset,
                                    EpochEndOffset& end) {
  if (last_fetched == kNoLeaderEpoch) return EpochCheck::fine;
  end = log.epochs().end_offset_for(last_fetched, log.log_end_offset());
  if (end.epoch == kNoLeaderEpoch || end.end_offset < 0 || fetch_offset < log.log_start_offset()) {
    return EpochCheck::out_of_range;
  }
  return end.epoch < last_fetched || end.end_offset < fetch_offset ? EpochCheck::diverging : EpochCheck::fine;
}

}  // namespace

void Broker::handle(sim::NodeId from, const FetchRequest& m) {
  if (m.session_epoch != FetchRequest::kNoSession) return handle_session_fetch(from, m);
  std::int64_t bytes = 0;
  std::vector<std::int64_t> per_partition;
  FetchResponse response = read_for_fetch(m, true, bytes, &per_partition);
  const bool at_once = std::any_of(response.partitions.begin(), response.partitions.end(),
                                    [](const auto& p) { return p.answer_at_once(); });
  if (bytes >= m.min_bytes || at_once || m.max_wait <= sim::Duration{}) {
    send_message(from, std::move(response));
    return;
  }
  // Not enough data yet: wait for appends (or, for a consumer, for the HW) up to max_wait.
  const std::uint64_t id = next_delayed_fetch_id_++;
  std::vector<TopicPartition> partitions;
  partitions.reserve(m.partitions.size());
  for (const FetchRequest::Partition& want : m.partitions) partitions.push_back(want.tp);
  fetches_.park({FetchPurgatory::Waiter::Kind::plain, id}, partitions, std::move(per_partition), m.min_bytes);
  DelayedFetch delayed{from, m, {}};
  delayed.timeout = after(m.max_wait, [this, id] { finish_fetch(id); });
  delayed_fetches_.emplace(id, std::move(delayed));
}

// Whether this broker may answer for `p` as its leader in the epoch the request expects
// (kNoLeaderEpoch: the requester does not say). Kafka's check, shared by every leader-only request.
ErrorCode Broker::leadership_error(const Partition* p, LeaderEpoch expected) {
  if (p == nullptr || p->role() != ReplicaRole::leader) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
  if (expected == kNoLeaderEpoch) return ErrorCode::NONE;
  if (expected < p->leader_epoch()) return ErrorCode::FENCED_LEADER_EPOCH;
  if (expected > p->leader_epoch()) return ErrorCode::UNKNOWN_LEADER_EPOCH;
  return ErrorCode::NONE;
}

void Broker::note_follower_fetch(Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset, BrokerId replica) {
  if (replica == kNoBroker || leadership_error(p, expected_epoch) != ErrorCode::NONE) return;
  p->update_follower_fetch(replica, fetch_offset, now());
  advance_high_watermark(*p, WakeWaiters::if_advanced);
  // The follower that fetched may now qualify for the ISR (Partition.maybeExpandIsr runs on a
  // follower's fetch, so one that cannot reach the leader is never added back).
  if (p->role() == ReplicaRole::leader && !p->alter_in_flight() && p->ready_to_join(replica)) {
    std::vector<BrokerId> isr = p->state().isr;
    isr.push_back(replica);
    request_isr_change(*p, std::move(isr), "follower caught up");
  }
}

bool Broker::fetch_diverges(const Partition* p, Offset fetch_offset, LeaderEpoch last_fetched_epoch,
                            BrokerId replica) const {
  if (replica == kNoBroker || p == nullptr) return false;
  EpochEndOffset end;
  return check_last_fetched_epoch(p->log(), last_fetched_epoch, fetch_offset, end) != EpochCheck::fine;
}

FetchResponse::Partition Broker::read_partition(const Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset,
                                                LeaderEpoch last_fetched_epoch, std::int32_t max_bytes,
                                                BrokerId replica) const {
  FetchResponse::Partition part;
  part.error = leadership_error(p, expected_epoch);
  if (part.error != ErrorCode::NONE) return part;
  const PartitionLog& log = p->log();
  part.high_watermark = log.high_watermark();
  part.log_start_offset = log.log_start_offset();
  part.log_end_offset = log.log_end_offset();
  if (replica != kNoBroker) {
    EpochEndOffset end;
    switch (check_last_fetched_epoch(log, last_fetched_epoch, fetch_offset, end)) {
      case EpochCheck::fine: break;
      case EpochCheck::out_of_range: part.error = ErrorCode::OFFSET_OUT_OF_RANGE; return part;
      case EpochCheck::diverging:
        part.diverging_epoch = end.epoch;
        part.diverging_end_offset = end.end_offset;
        return part;
    }
  }
  const Offset upper = replica != kNoBroker ? log.log_end_offset() : log.high_watermark();
  ReadResult read = log.read(fetch_offset, max_bytes, upper, true);
  if (read.status == ReadStatus::offset_out_of_range) {
    part.error = ErrorCode::OFFSET_OUT_OF_RANGE;
  } else {
    part.batches = std::move(read.batches);
  }
  return part;
}

std::int64_t Broker::batch_bytes(const FetchResponse::Partition& part) {
  if (part.answer_at_once()) return -1;
  std::int64_t bytes = 0;
  for (const RecordBatch& b : part.batches) bytes += b.size_bytes();
  return bytes;
}

FetchResponse Broker::read_for_fetch(const FetchRequest& request, bool record_positions,
                                     std::int64_t& bytes, std::vector<std::int64_t>* per_partition) {
  FetchResponse response;
  response.correlation_id = request.correlation_id;
  bytes = 0;
  response.partitions.reserve(request.partitions.size());
  for (const FetchRequest::Partition& want : request.partitions) {
    Partition* p = find(want.tp);
    // Each partition's position is noted just before it is read, unless the follower's log
    // diverged (then its fetch offset says nothing of what it holds).
    if (record_positions && !fetch_diverges(p, want.fetch_offset, want.last_fetched_epoch, request.replica_id)) {
      note_follower_fetch(p, want.current_leader_epoch, want.fetch_offset, request.replica_id);
    }
    FetchResponse::Partition part = read_partition(p, want.current_leader_epoch, want.fetch_offset,
                                                   want.last_fetched_epoch, want.partition_max_bytes, request.replica_id);
    part.tp = want.tp;
    const std::int64_t read = batch_bytes(part);
    bytes += std::max<std::int64_t>(read, 0);
    if (per_partition != nullptr) per_partition->push_back(read);
    response.partitions.push_back(std::move(part));
  }
  return response;
}

std::int64_t Broker::readable_bytes(const Partition* p, LeaderEpoch expected_epoch, Offset fetch_offset,
                                    LeaderEpoch last_fetched_epoch, std::int32_t max_bytes, BrokerId replica) {
  if (leadership_error(p, expected_epoch) != ErrorCode::NONE) return -1;
  if (fetch_diverges(p, fetch_offset, last_fetched_epoch, replica)) return -1;
  const PartitionLog& log = p->log();
  const Offset upper = replica != kNoBroker ? log.log_end_offset() : log.high_watermark();
  const ReadResult read = log.read(fetch_offset, max_bytes, upper, true);
  return read.status == ReadStatus::offset_out_of_range ? -1 : read.bytes;
}

void Broker::try_complete_fetches(const TopicPartition& tp) {
  const auto ready = fetches_.partition_changed(tp, [this](FetchPurgatory::Waiter w, std::size_t index) { return readable_now(w, index); });
  for (const FetchPurgatory::Waiter w : ready) {
    if (w.kind == FetchPurgatory::Waiter::Kind::session) {
      finish_session_fetch(static_cast<std::int32_t>(w.id));
    } else {
      finish_fetch(w.id);
    }
  }
}

std::int64_t Broker::readable_now(FetchPurgatory::Waiter waiter, std::size_t index) {
  if (waiter.kind == FetchPurgatory::Waiter::Kind::session) {
    const FetchSession& session = fetch_sessions_.at(static_cast<std::int32_t>(waiter.id));
    const FetchSession::Entry& e = session.entries[index];
    return readable_bytes(e.partition, e.current_leader_epoch, e.fetch_offset, e.last_fetched_epoch, e.max_bytes,
                          session.replica);
  }
  const DelayedFetch& fetch = delayed_fetches_.at(waiter.id);
  const FetchRequest::Partition& want = fetch.request.partitions[index];
  return readable_bytes(find(want.tp), want.current_leader_epoch, want.fetch_offset, want.last_fetched_epoch,
                        want.partition_max_bytes, fetch.request.replica_id);
}

void Broker::finish_fetch(std::uint64_t id) {
  auto it = delayed_fetches_.find(id);
  if (it == delayed_fetches_.end()) return;
  DelayedFetch fetch = std::move(it->second);
  delayed_fetches_.erase(it);
  cancel(fetch.timeout);
  fetches_.remove({FetchPurgatory::Waiter::Kind::plain, id});
  std::int64_t bytes = 0;
  send_message(fetch.from, read_for_fetch(fetch.request, false, bytes));
}

void Broker::handle(sim::NodeId from, const ListOffsetsRequest& m) {
  ListOffsetsResponse response;
  response.correlation_id = m.correlation_id;
  for (const auto& want : m.partitions) {
    ListOffsetsResponse::Partition part;
    part.tp = want.tp;
    const Partition* p = partition(want.tp);
    part.error = leadership_error(p, kNoLeaderEpoch);
    if (part.error == ErrorCode::NONE) {
      // A consumer's "latest" is the high watermark: nothing above it is readable yet.
      // With the offset, its leader epoch (Partition.fetchOffsetForTimestamp): the current epoch
      // for the latest offset, the epoch the record was written in otherwise.
      if (want.timestamp == ListOffsetsRequest::kEarliest) {
        part.offset = p->log().log_start_offset();
        part.leader_epoch = p->log().epochs().epoch_for_offset(part.offset);
      } else if (want.timestamp == ListOffsetsRequest::kLatest) {
        part.offset = p->log().high_watermark();
        part.leader_epoch = p->leader_epoch();
      } else {
        part.offset = p->log().offset_for_timestamp(sim::Time::zero() + sim::Duration::from_ns(want.timestamp),
                                                    p->log().high_watermark());
        if (part.offset >= 0) part.leader_epoch = p->log().epochs().epoch_for_offset(part.offset);
      }
    }
    response.partitions.push_back(std::move(part));
  }
  send_message(from, std::move(response));
}

void Broker::handle(sim::NodeId from, const OffsetsForLeaderEpochRequest& m) {
  OffsetsForLeaderEpochResponse response;
  response.correlation_id = m.correlation_id;
  for (const auto& want : m.partitions) {
    OffsetsForLeaderEpochResponse::Partition part;
    part.tp = want.tp;
    const Partition* p = partition(want.tp);
    part.error = leadership_error(p, want.current_leader_epoch);
    if (part.error == ErrorCode::NONE) {
      const EpochEndOffset answer =
          p->log().epochs().end_offset_for(want.leader_epoch, p->log().log_end_offset());
      part.leader_epoch = answer.epoch;
      part.end_offset = answer.end_offset;
    }
    response.partitions.push_back(std::move(part));
  }
  send_message(from, std::move(response));
}

}  // namespace ksim::core
