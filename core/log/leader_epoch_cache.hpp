// The leader-epoch cache (KIP-101): for each leader epoch, the first offset written in it.
//
// It answers "where does epoch E end in your log?". A leader asks it of itself for the last
// fetched epoch a follower's Fetch carries, and a follower whose log diverged truncates to the
// answer, instead of to its high watermark, so that it neither loses committed records nor keeps
// records that diverge from the leader's log (OffsetsForLeaderEpoch asks the same of a leader).
#pragma once

#include <optional>
#include <vector>

#include "core/log/record.hpp"

namespace ksim::core {

struct EpochEntry {
  LeaderEpoch epoch;
  Offset start_offset;
};

struct EpochEndOffset {
  LeaderEpoch epoch = kNoLeaderEpoch;  // the largest known epoch <= the one asked for
  Offset end_offset = -1;              // where that epoch ends (exclusive)
};

class LeaderEpochCache {
 public:
  // Records that `epoch` starts at `start_offset`. Epochs only grow; an entry for an older or
  // equal epoch is ignored, as is one that would start below the latest entry.
  void assign(LeaderEpoch epoch, Offset start_offset);

  // OffsetsForLeaderEpoch for `epoch`, with the log ending at `log_end_offset`, as Kafka's
  // LeaderEpochFileCache answers it: for the latest epoch, the log end; otherwise the largest
  // epoch <= `epoch` (or `epoch` itself when it predates every entry) and the start offset of the
  // first epoch after it. An epoch newer than every entry, or an empty cache, gives UNDEFINED
  // ({kNoLeaderEpoch, -1}).
  EpochEndOffset end_offset_for(LeaderEpoch epoch, Offset log_end_offset) const;

  std::optional<EpochEntry> latest() const;
  // The epoch the record at `offset` was written in (the latest entry starting at or below it), as
  // Kafka's epochForOffset; kNoLeaderEpoch below every entry.
  LeaderEpoch epoch_for_offset(Offset offset) const;
  // Drops entries starting at or after `offset` (the log was truncated there).
  void truncate_from_end(Offset offset);
  // The log now starts at `offset`: entries wholly below it go; the one spanning it starts there.
  void truncate_from_start(Offset offset);
  void clear() { entries_.clear(); }
  const std::vector<EpochEntry>& entries() const { return entries_; }

 private:
  std::vector<EpochEntry> entries_;  // ascending in both epoch and start offset
};

}  // namespace ksim::core
