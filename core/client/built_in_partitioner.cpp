#include "core/client/built_in_partitioner.hpp"

#include <algorithm>

namespace ksim::core {

bool BuiltInPartitioner::produced(std::int64_t bytes, bool all_batches_full) {
  if (partition_ < 0) return true;
  produced_bytes_ += bytes;
  // Switching mid-batch would leave a small batch behind (a long linger.ms makes that likely), so
  // the switch waits for a full batch, up to twice batch.size.
  return (produced_bytes_ >= sticky_batch_size_ && all_batches_full) || produced_bytes_ >= 2 * sticky_batch_size_;
}

void BuiltInPartitioner::switch_partition(std::span<const std::int32_t> available, std::int32_t count, sim::Rng& rng) {
  // Java draws Utils.toPositive(random int): 31 random bits.
  const auto random = static_cast<std::int32_t>(rng.next_u64() >> 33);
  if (load_length_ > 0) {
    // The first partition whose running sum is strictly above the draw.
    const std::int32_t weighted = random % cumulative_[load_length_ - 1];
    const auto first_above = std::upper_bound(cumulative_.begin(), cumulative_.begin() + static_cast<std::ptrdiff_t>(load_length_), weighted);
    partition_ = ids_[static_cast<std::size_t>(first_above - cumulative_.begin())];
  } else if (!available.empty()) {
    partition_ = available[static_cast<std::size_t>(random % static_cast<std::int32_t>(available.size()))];
  } else {
    partition_ = random % count;
  }
  produced_bytes_ = 0;
}

void BuiltInPartitioner::update_load_stats(std::vector<std::int32_t>& queue_sizes,
                                           const std::vector<std::int32_t>& partition_ids, std::size_t length) {
  // One partition has nothing to balance against, unless others were left out as unavailable.
  if (length < 1 || queue_sizes.size() < 2) {
    load_length_ = 0;
    return;
  }
  std::int32_t largest = queue_sizes[0];
  bool all_equal = true;
  for (std::size_t i = 1; i < length; ++i) {
    all_equal = all_equal && queue_sizes[i] == queue_sizes[0];
    largest = std::max(largest, queue_sizes[i]);
  }
  if (all_equal && length == queue_sizes.size()) {
    load_length_ = 0;  // a uniform draw does the same, more simply
    return;
  }
  cumulative_.resize(length);
  ids_.assign(partition_ids.begin(), partition_ids.begin() + static_cast<std::ptrdiff_t>(length));
  std::int32_t sum = 0;
  for (std::size_t i = 0; i < length; ++i) {
    sum += largest + 1 - queue_sizes[i];
    cumulative_[i] = sum;
  }
  load_length_ = length;
}

}  // namespace ksim::core
