// merge_pending: folds values that arrived in any order into a sorted vector, sorting only the
// newcomers and merging them in: what a checker asked again and again while values keep coming
// pays in proportion to what is new.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ksim::core {

template <typename T>
void merge_pending(std::vector<T>& sorted, std::vector<T>& pending) {
  if (pending.empty()) return;
  std::sort(pending.begin(), pending.end());
  const auto middle = static_cast<std::ptrdiff_t>(sorted.size());
  sorted.insert(sorted.end(), pending.begin(), pending.end());
  std::inplace_merge(sorted.begin(), sorted.begin() + middle, sorted.end());
  pending.clear();
}

}  // namespace ksim::core
