#include "core/check/percentile_samples.hpp"

#include <algorithm>
#include <iterator>

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

std::size_t PercentileSamples::size() const {
  settle();
  return sorted_.size();
}

void PercentileSamples::settle() const {
  if (!added_.empty()) {
    std::sort(added_.begin(), added_.end());
    const auto middle = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), added_.begin(), added_.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + middle, sorted_.end());
    added_.clear();
  }
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
