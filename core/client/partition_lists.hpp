// Small set operations on lists of partitions, as the consumer's group code compares what it owns
// with what it is given.
#pragma once

#include <algorithm>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

inline bool contains(const std::vector<TopicPartition>& list, const TopicPartition& tp) {
  return std::find(list.begin(), list.end(), tp) != list.end();
}

// The partitions of `a` that are not in `b`, in `a`'s order.
inline std::vector<TopicPartition> minus(const std::vector<TopicPartition>& a, const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  for (const TopicPartition& tp : a) {
    if (!contains(b, tp)) out.push_back(tp);
  }
  return out;
}

}  // namespace ksim::core
