// Where a record without a key goes: the Java producer's BuiltInPartitioner (KIP-794, Kafka 3.3+),
// one per topic.
//
// Keyless records stick to one partition until batch.size bytes were produced to it (counted
// across batches: a batch sent early by linger.ms does not end the stay), then the next partition
// is drawn. The switch waits while the partition's last unsent batch is not full, so that a stay
// ends on a batch boundary, but never beyond twice batch.size. The draw is uniform over the
// partitions that have a leader, unless load statistics are set: then a partition is drawn with a
// weight that falls as its queue (batches waiting to be sent) grows, so a partition whose leader is
// slow gets less of the keyless data (partitioner.adaptive.partitioning.enable). The producer
// computes the queues at each sender pass; partitions whose leader has not taken a batch for
// partitioner.availability.timeout.ms are left out of them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sim/random.hpp"

namespace ksim::core {

class BuiltInPartitioner {
 public:
  explicit BuiltInPartitioner(std::int64_t sticky_batch_size) : sticky_batch_size_(sticky_batch_size) {}

  // The partition keyless records go to now; none before the first draw.
  std::optional<std::int32_t> current() const {
    return partition_ < 0 ? std::nullopt : std::optional<std::int32_t>(partition_);
  }
  std::int64_t produced_bytes() const { return produced_bytes_; }

  // Counts `bytes` appended to the current partition, and says whether it is time to draw the
  // next one: batch.size bytes were produced there and `all_batches_full` (its last unsent batch
  // is full, or it has none), or twice batch.size whatever the batches.
  bool produced(std::int64_t bytes, bool all_batches_full);

  // Draws the next partition (nextPartition): weighted by the load statistics when there are some,
  // else uniformly from `available` (the partitions with a leader), else from all `count`.
  // The draw may give the same partition again, as Java's does.
  void switch_partition(std::span<const std::int32_t> available, std::int32_t count, sim::Rng& rng);

  // updatePartitionLoadStats: the queue sizes of the topic's partitions that have a leader, in
  // partition order with their ids; only the first `length` count (the rest were left out as
  // unavailable). `queue_sizes` is consumed. Statistics are dropped (a uniform draw) when fewer
  // than two partitions have queues, or when every queue is the same length and none was left out.
  void update_load_stats(std::vector<std::int32_t>& queue_sizes, const std::vector<std::int32_t>& partition_ids,
                         std::size_t length);
  void clear_load_stats() { load_length_ = 0; }
  bool adaptive() const { return load_length_ > 0; }
  // The cumulative frequency table of the last statistics (for tests and the curious).
  std::span<const std::int32_t> cumulative_frequencies() const { return {cumulative_.data(), load_length_}; }

 private:
  std::int64_t sticky_batch_size_;
  std::int32_t partition_ = -1;
  std::int64_t produced_bytes_ = 0;
  // A running sum of (largest queue + 1 - queue) over the partitions, and their ids: a uniform
  // number below the last sum falls on a partition with a weight that shrinks with its queue.
  std::vector<std::int32_t> cumulative_;
  std::vector<std::int32_t> ids_;
  std::size_t load_length_ = 0;
};

}  // namespace ksim::core
