#include "core/check/history_checkers.hpp"

#include <algorithm>

namespace ksim::core {

Quantiles HistoryCheckers::e2e_latency_ms(sim::Time now, const std::vector<std::pair<TopicPartition, Offset>>& committed) const {
  std::vector<std::pair<double, std::int64_t>> waiting = produced_.awaited_pending(now);
  std::map<TopicPartition, Offset> from;  // the lowest committed offset of any group, per partition
  for (const auto& [tp, offset] : committed) {
    if (offset < 0) continue;
    const auto [it, added] = from.try_emplace(tp, offset);
    if (!added) it->second = std::min(it->second, offset);
  }
  for (const auto& [tp, start] : from) {
    const AckedOffsets* acked = produced_.acked_at(tp);
    if (acked == nullptr) continue;
    const auto& by_offset = acked->by_offset();
    auto it = std::lower_bound(by_offset.begin(), by_offset.end(), start, [](const auto& e, Offset o) { return e.first < o; });
    for (; it != by_offset.end(); ++it) {
      const std::uint64_t id = it->second;
      if (latency_.was_processed(id) || !logs_.holds(id)) continue;
      waiting.emplace_back(static_cast<double>((now - latency_.sent_at(id)).ns()) / 1e6, 1);
    }
  }
  return latency_.quantiles_ms(std::move(waiting));
}

}  // namespace ksim::core
