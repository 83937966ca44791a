// PartitionLog: one replica's log of one partition, as Kafka's UnifiedLog keeps it.
//
// Batches are appended to segments; the log tracks its start offset, its end offset (LEO), the
// high watermark, how far it has been flushed to disk, and the leader-epoch cache. It knows
// nothing of replication: the broker decides when to append, truncate or move the high watermark.
//
// Durability. A write lands in the page cache. It reaches the disk by a flush (flush.messages,
// flush.ms, a clean shutdown; and the flush Kafka does of a segment right after rolling it), or by
// the operating system's writeback: Linux writes a file's dirty pages back at the first writeback
// pass (every vm.dirty_writeback_centisecs, 5 s) once they have been dirty for
// vm.dirty_expire_centisecs (30 s). The log is one file here, dirty from its first append after
// it was last written, which is how the kernel tracks an inode. A process crash keeps everything
// (the OS still holds the page cache, and writes it back on its own schedule); a power loss keeps
// only what reached the disk (lose_unflushed()); a disk loss keeps nothing (wipe()).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/log/leader_epoch_cache.hpp"
#include "core/log/log_config.hpp"
#include "core/log/record.hpp"
#include "sim/time.hpp"

namespace ksim::core {

struct Segment {
  Offset base_offset = 0;
  sim::Time created_at;
  std::int64_t size_bytes = 0;
  sim::Time max_timestamp;
  std::vector<RecordBatch> batches;

  Offset next_offset() const { return batches.empty() ? base_offset : batches.back().next_offset(); }
};

// What a truncation removed: offsets [from, to). Empty when from == to.
struct OffsetRange {
  Offset from = 0;
  Offset to = 0;
  bool empty() const { return from >= to; }
};

enum class ReadStatus : std::uint8_t { ok, offset_out_of_range };

struct ReadResult {
  ReadStatus status = ReadStatus::ok;
  std::vector<RecordBatch> batches;
  std::int64_t bytes = 0;
};

class PartitionLog {
 public:
  explicit PartitionLog(LogConfig config);

  const LogConfig& config() const { return config_; }
  void set_config(const LogConfig& config) { config_ = config; }

  Offset log_start_offset() const { return log_start_offset_; }
  Offset log_end_offset() const { return log_end_offset_; }
  Offset high_watermark() const { return high_watermark_; }
  Offset flushed_offset() const { return flushed_offset_; }
  // What is on disk: flushed, or written back by the operating system, as of the last append.
  Offset durable_offset() const { return std::max(flushed_offset_, written_back_offset_); }
  std::int64_t size_bytes() const;
  const std::vector<Segment>& segments() const { return segments_; }
  const LeaderEpochCache& epochs() const { return epochs_; }
  LeaderEpoch latest_epoch() const;

  // A leader's append: the batch gets the next offsets and the leader's epoch. Returns it.
  const RecordBatch& append_as_leader(RecordBatch batch, LeaderEpoch epoch, sim::Time now);
  // A new leader records its epoch as starting at its log end (UnifiedLog.maybeAssignEpochStartOffset
  // in makeLeader), before it appends anything: a follower's last fetched epoch is then checked
  // against it.
  void start_leader_epoch(LeaderEpoch epoch) { epochs_.assign(epoch, log_end_offset_); }
  // A follower's append: offsets and epoch come with the batch, which must start at the LEO.
  void append_as_follower(const RecordBatch& batch, sim::Time now);

  // Whole batches starting with the one that holds `from`, all ending below `upper_bound` (the
  // high watermark for consumers, the LEO for followers), up to `max_bytes` but always at least
  // one batch when `min_one_batch`, as Kafka does so that a big batch cannot block a reader.
  ReadResult read(Offset from, std::int64_t max_bytes, Offset upper_bound, bool min_one_batch) const;
  // Calls `visit(batch)` for each batch holding an offset of `range`, in offset order. Finds the
  // first by bisection, so following a growing log from a cursor costs only what is new.
  template <typename Visit>
  void for_each_batch_in(OffsetRange range, Visit&& visit) const {
    if (range.empty()) return;
    for (BatchPosition at = first_batch_ending_at_or_after(range.from); at.segment < segments_.size(); ++at.segment, at.batch = 0) {
      const std::vector<RecordBatch>& batches = segments_[at.segment].batches;
      for (; at.batch < batches.size(); ++at.batch) {
        if (batches[at.batch].base_offset >= range.to) return;
        visit(batches[at.batch]);
      }
    }
  }
  // ListOffsets by time: the first offset below `upper_bound` whose record's timestamp is at or
  // after `t`, or -1 when there is none.
  Offset offset_for_timestamp(sim::Time t, Offset upper_bound) const;

  // Removes every batch that holds an offset >= `offset`. Batches are atomic, so the log may end
  // below `offset` afterwards. Returns the removed range.
  OffsetRange truncate_to(Offset offset);
  // Empties the log and restarts it at `offset` (a follower far behind a leader's retention).
  OffsetRange truncate_fully_and_start_at(Offset offset, sim::Time now);

  // The one place the high watermark moves (truncation aside, which lowers it with the log end).
  // Never above the log end (asserted); raised to the log start. Returns true when it moved.
  bool set_high_watermark(Offset offset);

  // Durability.
  void flush(sim::Time now);
  // Flushes when flush.ms has passed since the last flush; called by the broker's flush timer.
  bool flush_if_due(sim::Time now);
  // The operating system's writeback, as the broker's machine is set up (vm.dirty_expire_centisecs,
  // vm.dirty_writeback_centisecs); a zero interval turns periodic writeback off, as on Linux.
  struct Writeback {
    sim::Duration expire = sim::seconds(30);
    sim::Duration interval = sim::seconds(5);
  };
  void set_writeback(Writeback writeback) { writeback_ = writeback; }
  // A power loss at `now`: what had not reached the disk is gone.
  OffsetRange lose_unflushed(sim::Time now);
  OffsetRange wipe(sim::Time now);

  // Retention (cleanup.policy=delete): deletes whole segments that are wholly below the high
  // watermark and older than retention.ms or beyond retention.bytes; the log start moves up.
  // Returns the deleted range.
  OffsetRange apply_retention(sim::Time now);
  // The seam for compaction (cleanup.policy=compact): not implemented yet; a later issue fills
  // it. It does nothing, and says so by returning false.
  bool compact() { return false; }

 private:
  struct BatchPosition {
    std::size_t segment = 0;
    std::size_t batch = 0;
  };
  // The first batch whose last offset is `offset` or later (the end when there is none).
  BatchPosition first_batch_ending_at_or_after(Offset offset) const;
  Segment& active_segment(sim::Time now, std::int64_t incoming_bytes);
  void push(const RecordBatch& batch, sim::Time now);
  OffsetRange remove_from(Offset offset);

  LogConfig config_;
  std::vector<Segment> segments_;
  LeaderEpochCache epochs_;
  Offset log_start_offset_ = 0;
  Offset log_end_offset_ = 0;
  Offset high_watermark_ = 0;
  // The writeback pass that catches pages dirtied at `dirty_since`: the first pass (passes run at
  // multiples of the interval) at least `expire` later.
  sim::Time writeback_pass_for(sim::Time dirty_since) const;
  // Settles the writeback passes up to `now`: called before each append and at a power loss, so
  // that the log end seen here is the one the pass saw.
  void settle_writeback(sim::Time now);

  Offset flushed_offset_ = 0;
  Offset written_back_offset_ = 0;
  std::optional<sim::Time> dirty_since_;  // unset: nothing waits to be written back
  Writeback writeback_;
  std::int64_t unflushed_messages_ = 0;
  sim::Time last_flush_;
};

}  // namespace ksim::core
