#include "core/raft/raft_log.hpp"

#include <algorithm>

#include "sim/assert.hpp"

namespace ksim::core {

bool at_least_as_up_to_date(const OffsetAndEpoch& candidate, const OffsetAndEpoch& local) {
  if (candidate.epoch != local.epoch) return candidate.epoch > local.epoch;
  return candidate.offset >= local.offset;
}

std::span<const RaftEntry> RaftLog::from(Offset offset) const {
  const auto first = static_cast<std::size_t>(std::clamp<std::int64_t>(offset.value(), 0, end_offset().value()));
  return std::span<const RaftEntry>(entries_).subspan(first);
}

void RaftLog::append(RaftEntry entry) {
  KSIM_ASSERT(entry.epoch >= last_epoch(), "a Raft log's epochs never go back");
  epochs_.assign(entry.epoch, end_offset());
  entries_.push_back(std::move(entry));
}

void RaftLog::truncate_to(Offset offset) {
  if (offset >= end_offset()) return;
  entries_.resize(static_cast<std::size_t>(offset.value()));
  epochs_.truncate_from_end(offset);
}

OffsetAndEpoch RaftLog::end_offset_for_epoch(LeaderEpoch epoch) const {
  const EpochEndOffset found = epochs_.end_offset_for(epoch, end_offset());
  if (found.epoch == kNoLeaderEpoch) return end();  // newer than anything here: the whole log
  return {found.end_offset, found.epoch};
}

std::optional<OffsetAndEpoch> RaftLog::divergence(Offset fetch_offset, LeaderEpoch last_fetched_epoch) const {
  if (fetch_offset == 0 && last_fetched_epoch == 0) return std::nullopt;  // an empty log
  const OffsetAndEpoch here = end_offset_for_epoch(last_fetched_epoch);
  if (here.epoch == last_fetched_epoch && here.offset >= fetch_offset) return std::nullopt;
  return here;
}

Offset RaftLog::truncation_offset(const OffsetAndEpoch& leader_end) const {
  return std::min(end_offset_for_epoch(leader_end.epoch).offset, leader_end.offset);
}

}  // namespace ksim::core
