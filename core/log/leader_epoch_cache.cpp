#include "core/log/leader_epoch_cache.hpp"

namespace ksim::core {

void LeaderEpochCache::assign(LeaderEpoch epoch, Offset start_offset) {
  if (!entries_.empty()) {
    const EpochEntry& last = entries_.back();
    if (epoch <= last.epoch || start_offset < last.start_offset) return;
    // A newer epoch starting where the last one started: the last one held nothing, and gives way
    // (LeaderEpochFileCache drops entries the new one makes non-monotonic).
    if (start_offset == last.start_offset) entries_.pop_back();
  }
  entries_.push_back(EpochEntry{epoch, start_offset});
}

EpochEndOffset LeaderEpochCache::end_offset_for(LeaderEpoch epoch, Offset log_end_offset) const {
  if (epoch == kNoLeaderEpoch || entries_.empty()) return EpochEndOffset{};
  if (entries_.back().epoch == epoch) return EpochEndOffset{epoch, log_end_offset};
  // The first entry with a higher epoch: where the asked-for epoch ended.
  std::size_t higher = 0;
  while (higher < entries_.size() && entries_[higher].epoch <= epoch) ++higher;
  if (higher == entries_.size()) return EpochEndOffset{};  // newer than anything we know
  // Older than anything we know: Kafka answers with the asked-for epoch itself.
  const LeaderEpoch floor = higher == 0 ? epoch : entries_[higher - 1].epoch;
  return EpochEndOffset{floor, entries_[higher].start_offset};
}

std::optional<EpochEntry> LeaderEpochCache::latest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

LeaderEpoch LeaderEpochCache::epoch_for_offset(Offset offset) const {
  LeaderEpoch epoch = kNoLeaderEpoch;
  for (const EpochEntry& e : entries_) {
    if (e.start_offset > offset) break;
    epoch = e.epoch;
  }
  return epoch;
}

void LeaderEpochCache::truncate_from_end(Offset offset) {
  while (!entries_.empty() && entries_.back().start_offset >= offset) entries_.pop_back();
}

void LeaderEpochCache::truncate_from_start(Offset offset) {
  std::size_t first_kept = 0;
  while (first_kept + 1 < entries_.size() && entries_[first_kept + 1].start_offset <= offset) {
    ++first_kept;
  }
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(first_kept));
  if (!entries_.empty() && entries_.front().start_offset < offset) {
    entries_.front().start_offset = offset;
  }
}

}  // namespace ksim::core
