#include "core/broker/fetch_session.hpp"

#include <algorithm>
#include <limits>

namespace ksim::core {

std::vector<FetchSession::Entry>::iterator FetchSession::position(const TopicPartition& tp) {
  return std::lower_bound(entries.begin(), entries.end(), tp,
                          [](const Entry& e, const TopicPartition& key) { return e.tp < key; });
}

FetchSession::Entry* FetchSession::find(const TopicPartition& tp) {
  const auto it = position(tp);
  return it != entries.end() && it->tp == tp ? &*it : nullptr;
}

void FetchSession::apply(const FetchRequest& request) {
  for (const FetchRequest::Partition& want : request.partitions) {
    auto it = position(want.tp);
    if (it == entries.end() || it->tp != want.tp) it = entries.insert(it, Entry{want.tp});
    it->current_leader_epoch = want.current_leader_epoch;
    it->fetch_offset = want.fetch_offset;
    it->last_fetched_epoch = want.last_fetched_epoch;
    it->max_bytes = want.partition_max_bytes;
  }
  for (const TopicPartition& tp : request.forgotten) {
    const auto it = position(tp);
    if (it != entries.end() && it->tp == tp) entries.erase(it);
  }
}

std::int32_t next_fetch_session_epoch(std::int32_t epoch) {
  return epoch == std::numeric_limits<std::int32_t>::max() ? 1 : epoch + 1;
}

}  // namespace ksim::core
