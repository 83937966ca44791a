#include "core/log/partition_log.hpp"

#include <algorithm>
#include <utility>

#include "sim/assert.hpp"

namespace ksim::core {

PartitionLog::PartitionLog(LogConfig config) : config_(config) {}

std::int64_t PartitionLog::size_bytes() const {
  std::int64_t total = 0;
  for (const Segment& segment : segments_) total += segment.size_bytes;
  return total;
}

LeaderEpoch PartitionLog::latest_epoch() const {
  const auto latest = epochs_.latest();
  return latest ? latest->epoch : kNoLeaderEpoch;
}

Segment& PartitionLog::active_segment(sim::Time now, std::int64_t incoming_bytes) {
  const bool roll =
      segments_.empty() ||
      (!segments_.back().batches.empty() &&
       (segments_.back().size_bytes + incoming_bytes > config_.segment_bytes ||
        now - segments_.back().created_at >= config_.segment_ms));
  if (roll) {
    // Kafka flushes the segment it rolled away from (UnifiedLog.roll schedules flushUptoOffsetExclusive).
    if (!segments_.empty()) {
      flushed_offset_ = std::max(flushed_offset_, log_end_offset_);
      unflushed_messages_ = 0;
    }
    Segment fresh;
    fresh.base_offset = log_end_offset_;
    fresh.created_at = now;
    segments_.push_back(std::move(fresh));
  }
  return segments_.back();
}

void PartitionLog::push(const RecordBatch& batch, sim::Time now) {
  settle_writeback(now);
  if (!dirty_since_) dirty_since_ = now;
  Segment& segment = active_segment(now, batch.size_bytes());
  segment.size_bytes += batch.size_bytes();
  segment.max_timestamp = std::max(segment.max_timestamp, batch.max_timestamp());
  segment.batches.push_back(batch);
  log_end_offset_ = batch.next_offset();
  unflushed_messages_ += batch.record_count();
  if (unflushed_messages_ >= config_.flush_messages) flush(now);
}

const RecordBatch& PartitionLog::append_as_leader(RecordBatch batch, LeaderEpoch epoch,
                                                  sim::Time now) {
  batch.base_offset = log_end_offset_;
  batch.partition_leader_epoch = epoch;
  epochs_.assign(epoch, batch.base_offset);
  push(batch, now);
  return segments_.back().batches.back();
}

void PartitionLog::append_as_follower(const RecordBatch& batch, sim::Time now) {
  KSIM_ASSERT(batch.base_offset == log_end_offset_, "a follower appends exactly at its log end");
  epochs_.assign(batch.partition_leader_epoch, batch.base_offset);
  push(batch, now);
}

Offset PartitionLog::offset_for_timestamp(sim::Time t, Offset upper_bound) const {
  for (const Segment& segment : segments_) {
    if (segment.max_timestamp < t) continue;  // Kafka's time index lets it skip whole segments too
    for (const RecordBatch& batch : segment.batches) {
      if (batch.max_timestamp() < t) continue;
      for (std::int32_t i = 0; i < batch.record_count(); ++i) {
        const Offset offset = batch.base_offset + i;
        if (offset >= upper_bound) return -1;
        if (offset >= log_start_offset_ && batch.records->records[static_cast<std::size_t>(i)].timestamp >= t) return offset;
      }
    }
  }
  return -1;
}

ReadResult PartitionLog::read(Offset from, std::int64_t max_bytes, Offset upper_bound,
                              bool min_one_batch) const {
  ReadResult result;
  if (from < log_start_offset_ || from > log_end_offset_) {
    result.status = ReadStatus::offset_out_of_range;
    return result;
  }
  // Nothing to read (a caught-up reader, the common case): no need to look for the position.
  if (from >= std::min(upper_bound, log_end_offset_)) return result;
  for (BatchPosition at = first_batch_ending_at_or_after(from); at.segment < segments_.size(); ++at.segment, at.batch = 0) {
    const std::vector<RecordBatch>& batches = segments_[at.segment].batches;
    for (; at.batch < batches.size(); ++at.batch) {
      const RecordBatch& batch = batches[at.batch];
      if (batch.next_offset() > upper_bound) return result;
      const bool first = result.batches.empty();
      if (result.bytes + batch.size_bytes() > max_bytes && !(first && min_one_batch)) {
        return result;
      }
      result.bytes += batch.size_bytes();
      result.batches.push_back(batch);
    }
  }
  return result;
}

PartitionLog::BatchPosition PartitionLog::first_batch_ending_at_or_after(Offset offset) const {
  // The last segment starting at or before `offset` (or the first), then bisection in it: the
  // batch may also be the first of a later segment when this one ends before `offset`.
  auto segment = std::upper_bound(segments_.begin(), segments_.end(), offset,
                                  [](Offset o, const Segment& s) { return o < s.base_offset; });
  if (segment != segments_.begin()) --segment;
  for (; segment != segments_.end(); ++segment) {
    const auto batch = std::lower_bound(segment->batches.begin(), segment->batches.end(), offset,
                                        [](const RecordBatch& b, Offset o) { return b.last_offset() < o; });
    if (batch != segment->batches.end()) {
      return {static_cast<std::size_t>(segment - segments_.begin()), static_cast<std::size_t>(batch - segment->batches.begin())};
    }
  }
  return {segments_.size(), 0};
}

OffsetRange PartitionLog::remove_from(Offset offset) {
  const Offset old_end = log_end_offset_;
  while (!segments_.empty()) {
    Segment& last = segments_.back();
    while (!last.batches.empty() && last.batches.back().last_offset() >= offset) {
      last.size_bytes -= last.batches.back().size_bytes();
      last.batches.pop_back();
    }
    if (!last.batches.empty() || segments_.size() == 1 || last.base_offset < offset) break;
    segments_.pop_back();
  }
  // An emptied last segment still knows where it began: that is the new end.
  log_end_offset_ = segments_.empty() ? log_start_offset_ : segments_.back().next_offset();
  epochs_.truncate_from_end(log_end_offset_);
  high_watermark_ = std::min(high_watermark_, log_end_offset_);
  flushed_offset_ = std::min(flushed_offset_, log_end_offset_);
  written_back_offset_ = std::min(written_back_offset_, log_end_offset_);
  return OffsetRange{log_end_offset_, old_end};
}

OffsetRange PartitionLog::truncate_to(Offset offset) {
  if (offset >= log_end_offset_) {
    // Nothing to remove, but an epoch this replica started at its log end as leader, and never
    // wrote in, may conflict with the new leader's: UnifiedLog.truncateTo drops it all the same.
    epochs_.truncate_from_end(log_end_offset_);
    return OffsetRange{log_end_offset_, log_end_offset_};
  }
  return remove_from(offset);
}

OffsetRange PartitionLog::truncate_fully_and_start_at(Offset offset, sim::Time now) {
  const OffsetRange removed{log_start_offset_, log_end_offset_};
  segments_.clear();
  epochs_.clear();
  log_start_offset_ = offset;
  log_end_offset_ = offset;
  high_watermark_ = offset;
  flushed_offset_ = offset;
  written_back_offset_ = offset;
  dirty_since_.reset();
  unflushed_messages_ = 0;
  Segment fresh;
  fresh.base_offset = offset;
  fresh.created_at = now;
  segments_.push_back(std::move(fresh));
  return removed;
}

bool PartitionLog::set_high_watermark(Offset offset) {
  // Nothing above the log end can be committed: a caller asking for more has a bug.
  KSIM_ASSERT(offset <= log_end_offset_, "the high watermark never passes the log end");
  const Offset clamped = std::max(offset, log_start_offset_);
  if (clamped == high_watermark_) return false;
  high_watermark_ = clamped;
  return true;
}

void PartitionLog::flush(sim::Time now) {
  flushed_offset_ = log_end_offset_;
  dirty_since_.reset();
  unflushed_messages_ = 0;
  last_flush_ = now;
}

bool PartitionLog::flush_if_due(sim::Time now) {
  if (flushed_offset_ == log_end_offset_ || now - last_flush_ < config_.flush_ms) return false;
  flush(now);
  return true;
}

sim::Time PartitionLog::writeback_pass_for(sim::Time dirty_since) const {
  const std::int64_t interval = writeback_.interval.ns();
  const std::int64_t due = (dirty_since + writeback_.expire).ns();
  return sim::Time::from_ns((due + interval - 1) / interval * interval);
}

void PartitionLog::settle_writeback(sim::Time now) {
  if (!dirty_since_ || writeback_.interval <= sim::Duration{}) return;
  // Nothing was appended between the dirtying and now (each append settles first), so the pass,
  // if it came, wrote what the log holds now.
  if (writeback_pass_for(*dirty_since_) <= now) {
    written_back_offset_ = log_end_offset_;
    dirty_since_.reset();
  }
}

OffsetRange PartitionLog::lose_unflushed(sim::Time now) {
  settle_writeback(now);
  unflushed_messages_ = 0;
  dirty_since_.reset();
  return truncate_to(durable_offset());
}

OffsetRange PartitionLog::wipe(sim::Time now) { return truncate_fully_and_start_at(0, now); }

OffsetRange PartitionLog::apply_retention(sim::Time now) {
  if (config_.cleanup_policy == CleanupPolicy::compact) return OffsetRange{};
  const Offset old_start = log_start_offset_;
  std::int64_t total = size_bytes();
  std::size_t deletable = 0;
  for (const Segment& segment : segments_) {
    if (segment.batches.empty()) break;
    // Only what every in-sync replica has may go: the segment must end at or below the HW.
    if (segment.next_offset() > high_watermark_) break;
    const bool too_old = config_.retention_ms != sim::Duration::max() &&
                         now - segment.max_timestamp > config_.retention_ms;
    const bool too_big =
        config_.retention_bytes >= 0 && total - segment.size_bytes >= config_.retention_bytes;
    if (!too_old && !too_big) break;
    total -= segment.size_bytes;
    ++deletable;
  }
  if (deletable == 0) return OffsetRange{old_start, old_start};
  if (deletable == segments_.size()) {
    // Kafka rolls a fresh active segment before deleting the last one.
    Segment fresh;
    fresh.base_offset = log_end_offset_;
    fresh.created_at = now;
    segments_.push_back(std::move(fresh));
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(deletable));
  log_start_offset_ = segments_.front().base_offset;
  epochs_.truncate_from_start(log_start_offset_);
  return OffsetRange{old_start, log_start_offset_};
}

}  // namespace ksim::core
