#include "core/check/percentile_samples.hpp"

#include <algorithm>
#include <iterator>

#include "core/check/sorted_merge.hpp"
#include "sim/assert.hpp"

namespace ksim::core {

std::size_t percentile_rank(std::size_t count, double p) {
  if (count == 0) return 0;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(count - 1) + 0.5);
  return std::min(rank, count - 1);
}

double PercentileSamples::percentile(double p) const {
  settle();
  return sorted_.empty() ? 0 : sorted_[percentile_rank(sorted_.size(), p)];
}

double PercentileSamples::percentile_with(double p, std::vector<std::pair<double, std::int64_t>> extra) const {
  settle();
  std::sort(extra.begin(), extra.end());
  return percentile_over(p, extra);
}

Quantiles PercentileSamples::quantiles_with(std::vector<std::pair<double, std::int64_t>> extra) const {
  settle();
  std::sort(extra.begin(), extra.end());
  return Quantiles{percentile_over(0.50, extra), percentile_over(0.99, extra)};
}

double PercentileSamples::percentile_over(double p, const std::vector<std::pair<double, std::int64_t>>& extra) const {
  std::size_t total = sorted_.size();
  for (const auto& [value, count] : extra) total += static_cast<std::size_t>(count);
  if (total == 0) return 0;
  // Walk both sorted sequences together to the rank, the held value first among equals.
  std::size_t to_skip = percentile_rank(total, p);
  std::size_t held = 0;
  std::size_t waiting = 0;
  while (true) {
    const bool take_held = waiting == extra.size() || (held < sorted_.size() && sorted_[held] <= extra[waiting].first);
    if (take_held) {
      if (to_skip == 0) return sorted_[held];
      --to_skip;
      ++held;
      continue;
    }
    const auto count = static_cast<std::size_t>(extra[waiting].second);
    if (to_skip < count) return extra[waiting].first;
    to_skip -= count;
    ++waiting;
  }
}

std::size_t PercentileSamples::size() const {
  settle();
  return sorted_.size();
}

void PercentileSamples::settle() const {
  merge_pending(sorted_, added_);
  if (!removed_.empty()) {
    // One pass: both sorted, keep what is not withdrawn (one copy per withdrawal).
    std::sort(removed_.begin(), removed_.end());
    std::vector<double> kept;
    kept.reserve(sorted_.size() - std::min(sorted_.size(), removed_.size()));
    auto gone = removed_.begin();
    for (const double v : sorted_) {
      KSIM_ASSERT(gone == removed_.end() || *gone >= v, "a withdrawn value was never added");
      if (gone != removed_.end() && *gone == v) {
        ++gone;
        continue;
      }
      kept.push_back(v);
    }
    KSIM_ASSERT(gone == removed_.end(), "a withdrawn value was never added");
    sorted_.swap(kept);
    removed_.clear();
  }
}

}  // namespace ksim::core
