// PartitionLog: one replica's log of one partition, as Kafka's UnifiedLog keeps it.
//
// Batches are appended to segments; the log tracks its start offset, its end offset (LEO), the
// high watermark, how far it has been flushed to disk, and the leader-epoch cache. It knows
// nothing of replication: the broker decides when to append, truncate or move the high watermark.
//
// Durability. A write lands in the page cache; only a flush (flush.messages, flush.ms, or an
// explicit flush) makes it durable. A process crash keeps everything (the OS still holds the
// page cache); a power loss keeps only what was flushed (lose_unflushed()); a disk loss keeps
// nothing (wipe()).
#pragma once

#include <cstdint>
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
  std::int64_t size_bytes() const;
  const std::vector<Segment>& segments() const { return segments_; }
  const LeaderEpochCache& epochs() const { return epochs_; }
  LeaderEpoch latest_epoch() const;

  // A leader's append: the batch gets the next offsets and the leader's epoch. Returns it.
  const RecordBatch& append_as_leader(RecordBatch batch, LeaderEpoch epoch, sim::Time now);
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
  OffsetRange lose_unflushed();
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
  Offset flushed_offset_ = 0;
  std::int64_t unflushed_messages_ = 0;
  sim::Time last_flush_;
};

}  // namespace ksim::core
