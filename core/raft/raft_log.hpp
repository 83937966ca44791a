// RaftLog: one replica's copy of the metadata log (KRaft's ReplicatedLog, KafkaMetadataLog).
//
// Records, each with the epoch of the leader that wrote it, from offset 0 on, and the epochs'
// start offsets (the leader-epoch cache) that tell a leader where a fetcher's log diverged from
// its own. KRaft flushes this log before it counts an append (a controller's log is fsynced on
// every write, RaftManager sets that for the controller role), so everything in it survives a
// crash or a power loss; snapshots are not modelled: the log is never cleaned.
#pragma once

#include <span>
#include <vector>

#include "core/log/leader_epoch_cache.hpp"
#include "core/protocol/raft_messages.hpp"

namespace ksim::core {

// The end of a log: its next offset and the epoch of its last record (0 for an empty log, the
// epoch before any election).
struct OffsetAndEpoch {
  Offset offset = 0;
  LeaderEpoch epoch = 0;
  bool operator==(const OffsetAndEpoch&) const = default;
};

// Raft's "at least as up to date": the later last epoch wins, then the longer log.
bool at_least_as_up_to_date(const OffsetAndEpoch& candidate, const OffsetAndEpoch& local);

class RaftLog {
 public:
  Offset end_offset() const { return Offset{static_cast<std::int64_t>(entries_.size())}; }
  LeaderEpoch last_epoch() const { return entries_.empty() ? LeaderEpoch{0} : entries_.back().epoch; }
  OffsetAndEpoch end() const { return {end_offset(), last_epoch()}; }
  const RaftEntry& at(Offset offset) const { return entries_.at(static_cast<std::size_t>(offset.value())); }
  std::span<const RaftEntry> from(Offset offset) const;

  void append(RaftEntry entry);
  // Drops every record at or after `offset`.
  void truncate_to(Offset offset);

  // Where `epoch` ends in this log (KafkaMetadataLog.endOffsetForEpoch): the largest epoch not
  // after it and the offset where the next one starts, or the log end for the last epoch.
  OffsetAndEpoch end_offset_for_epoch(LeaderEpoch epoch) const;
  // A leader's check of a fetch: whether a fetcher whose log ends at `fetch_offset`, its last
  // record of `last_fetched_epoch`, holds a prefix of this log. If not, the answer is where the
  // fetcher must truncate to (KafkaMetadataLog.validateOffsetAndEpoch).
  std::optional<OffsetAndEpoch> divergence(Offset fetch_offset, LeaderEpoch last_fetched_epoch) const;
  // A follower told its log diverged at `leader_end` truncates to the end of that epoch in its
  // own log, or to the leader's end of it if that comes first (truncateToEndOffset).
  Offset truncation_offset(const OffsetAndEpoch& leader_end) const;

 private:
  std::vector<RaftEntry> entries_;
  LeaderEpochCache epochs_;
};

}  // namespace ksim::core
