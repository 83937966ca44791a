#include "core/broker/fetch_purgatory.hpp"

namespace ksim::core {

void FetchPurgatory::park(Waiter waiter, const std::vector<TopicPartition>& partitions,
                          std::vector<std::int64_t> readable, std::int32_t min_bytes) {
  std::int64_t total = 0;
  for (const std::int64_t bytes : readable) total += std::max<std::int64_t>(bytes, 0);
  Parked parked{std::move(readable), FetchWait{min_bytes, total}, {}};
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    Watchers& watchers = watchers_[partitions[i]];
    watchers.emplace_back(waiter, i);
    parked.watched.push_back(&watchers);
  }
  parked_[waiter] = std::move(parked);
}

void FetchPurgatory::remove(Waiter waiter) {
  const auto it = parked_.find(waiter);
  if (it == parked_.end()) return;
  for (Watchers* watchers : it->second.watched) {
    std::erase_if(*watchers, [&](const auto& entry) { return entry.first == waiter; });
  }
  parked_.erase(it);
}

}  // namespace ksim::core
