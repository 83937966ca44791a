// FetchPurgatory: the Fetches a leader holds until enough is readable (fetch.min.bytes) or
// fetch.max.wait.ms passes (Kafka's DelayedFetch in the fetch purgatory): a consumer's or a
// follower's plain Fetch and a fetch session's Fetch alike.
//
// Each waits on the partitions it reads. When one of them changes (an append, a high watermark
// move, a leadership change), only the fetches waiting on it are checked, and only that partition
// of each: the others cannot have changed without a check of their own. FetchWait keeps the
// running total against fetch.min.bytes.
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/broker/fetch_wait.hpp"
#include "core/protocol/topic_partition.hpp"

namespace ksim::core {

class FetchPurgatory {
 public:
  // Who waits: a fetch session's Fetch by the session's id, or a plain Fetch by an id of its own.
  // When both can be answered at once, sessions go first, in session id order, then plain
  // Fetches, oldest first.
  struct Waiter {
    enum class Kind : std::uint8_t { session, plain };
    Kind kind = Kind::plain;
    std::uint64_t id = 0;
    auto operator<=>(const Waiter&) const = default;
  };

  // Parks a waiter that reads `partitions` (in its request's order), with the bytes each could
  // return now (-1: an error) and its fetch.min.bytes.
  void park(Waiter waiter, const std::vector<TopicPartition>& partitions, std::vector<std::int64_t> readable,
            std::int32_t min_bytes);

  // `tp` changed. `readable_now(waiter, index)` gives the bytes that partition of the waiter (its
  // place `index` in the request) can return now. Returns the waiters that can be answered.
  template <typename ReadableNow>
  std::vector<Waiter> partition_changed(const TopicPartition& tp, ReadableNow&& readable_now);

  // The waiter was answered, timed out, was superseded or closed: it waits no more.
  void remove(Waiter waiter);
  // The process stopped.
  void clear() {
    parked_.clear();
    watchers_.clear();
  }

 private:
  using Watchers = std::vector<std::pair<Waiter, std::size_t>>;
  struct Parked {
    std::vector<std::int64_t> readable;  // per partition: bytes readable when last checked
    FetchWait wait;
    std::vector<Watchers*> watched;      // the lists it is in (map nodes never move)
  };
  std::map<Waiter, Parked> parked_;
  // Per partition, the waiters reading it and where, in the order they were parked.
  std::map<TopicPartition, Watchers> watchers_;
};

template <typename ReadableNow>
std::vector<FetchPurgatory::Waiter> FetchPurgatory::partition_changed(const TopicPartition& tp,
                                                                      ReadableNow&& readable_now) {
  std::vector<Waiter> sessions;
  std::vector<Waiter> plain;
  const auto watchers = watchers_.find(tp);
  if (watchers == watchers_.end()) return {};
  for (const auto& [waiter, index] : watchers->second) {
    Parked& parked = parked_.at(waiter);
    if (!parked.wait.partition_changed(parked.readable[index], readable_now(waiter, index))) continue;
    (waiter.kind == Waiter::Kind::session ? sessions : plain).push_back(waiter);
  }
  std::sort(sessions.begin(), sessions.end());
  sessions.insert(sessions.end(), plain.begin(), plain.end());
  return sessions;
}

}  // namespace ksim::core
