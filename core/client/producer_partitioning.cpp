// Which partition a record goes to, as the Java producer (4.x) decides in KafkaProducer.partition
// and RecordAccumulator.append: an explicit partition; else the partitioner.class if one is set
// (only RoundRobinPartitioner is modelled); else the key's murmur2 hash; else, for a record
// without a key (or with partitioner.ignore.keys), the built-in partitioner
// (built_in_partitioner.hpp), whose load statistics the sender pass keeps up to date here.
//
// ksim.legacy.sticky.partitioner brings back the sticky partitioner of Kafka 2.4 to 3.2, which
// moved on when its batch was sent: a partition whose leader is slow keeps its batch open longer
// and so gets more of the keyless records (KAFKA-10888, the reason for KIP-794).
#include <algorithm>

#include "core/client/partitioner.hpp"
#include "core/client/producer.hpp"

namespace ksim::core {

std::optional<std::int32_t> Producer::choose_partition(const ProducerRecord& record) {
  const std::int32_t count = metadata_.partition_count(record.topic);
  if (count == 0) return std::nullopt;
  if (record.partition) return *record.partition;
  if (config_.null_key_partitioning == NullKeyPartitioning::round_robin) {
    // RoundRobinPartitioner (as fixed by KAFKA-17632): keyed or not, the next of the partitions
    // that have a leader, or of all when none has.
    const std::int32_t next = to_positive(round_robin_[record.topic]++);
    const std::span<const std::int32_t> available = available_partitions(record.topic, count);
    return available.empty() ? next % count : available[static_cast<std::size_t>(next) % available.size()];
  }
  if (record.key >= 0 && !config_.partitioner_ignore_keys) {
    const std::string bytes = key_text(record.key, record.key_bytes);
    return partition_for_key(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), count);
  }
  if (config_.null_key_partitioning == NullKeyPartitioning::legacy_sticky) return choose_legacy_sticky(record, count);
  return choose_built_in(record.topic, count);
}

std::int32_t Producer::choose_built_in(const std::string& topic, std::int32_t count) {
  auto it = built_in_.find(topic);
  if (it == built_in_.end()) it = built_in_.emplace(topic, BuiltInPartitioner(config_.batch_size)).first;
  BuiltInPartitioner& partitioner = it->second;
  if (!partitioner.current()) partitioner.switch_partition(available_partitions(topic, count), count, rng());
  // A switch put off while the partition's batch was filling happens once the batch is full or
  // gone (RecordAccumulator.partitionChanged).
  if (all_batches_full(queue_of(topic, *partitioner.current())) && partitioner.produced(0, true)) {
    partitioner.switch_partition(available_partitions(topic, count), count, rng());
  }
  built_in_choice_ = &partitioner;
  return *partitioner.current();
}

void Producer::built_in_appended(const std::string& topic, std::int64_t bytes, const BatchQueue& queue) {
  if (built_in_choice_->produced(bytes, all_batches_full(queue))) {
    const std::int32_t count = metadata_.partition_count(topic);
    built_in_choice_->switch_partition(available_partitions(topic, count), count, rng());
  }
}

std::span<const std::int32_t> Producer::available_partitions(const std::string& topic, std::int32_t count) {
  available_.clear();
  TopicPartition tp{topic, 0};
  for (std::int32_t p = 0; p < count; ++p) {
    tp.partition = p;
    if (metadata_.leader_node(tp)) available_.push_back(p);
  }
  return available_;
}

Producer::Batch* Producer::open_batch(const BatchQueue& queue) {
  // The unsent batches are the back of the queue; only the last can still take records.
  return queue.empty() || queue.back()->in_flight || queue.back()->closed ? nullptr : queue.back().get();
}

std::int32_t Producer::choose_legacy_sticky(const ProducerRecord& record, std::int32_t count) {
  // Fill one partition's batch, and when that batch is done (full, or sent by linger.ms) move to
  // another partition, chosen at random among the others.
  LegacySticky& sticky = legacy_sticky_[record.topic];
  bool move = sticky.partition < 0;
  if (!move && sticky.batch_id != 0) {
    const BatchQueue& queue = queue_of(record.topic, sticky.partition);
    const Batch* filling = nullptr;
    if (!queue.empty() && queue.back()->id == sticky.batch_id) filling = queue.back().get();
    move = filling == nullptr || filling->closed || filling->in_flight ||
           filling->bytes + record_size(record.key, record.key_bytes, record.value_bytes) > config_.batch_size;
  }
  if (move) {
    std::int32_t next = static_cast<std::int32_t>(rng().below(static_cast<std::uint64_t>(count)));
    if (count > 1 && next == sticky.partition) next = (next + 1) % count;
    sticky.partition = next;
    sticky.batch_id = 0;
  }
  legacy_sticky_choice_ = true;
  return sticky.partition;
}

void Producer::update_load_stats() {
  // The queues are grouped by topic in batches_; each run of a topic with a built-in partitioner
  // gives that partitioner its statistics.
  for (auto first = batches_.begin(); first != batches_.end();) {
    const std::string& topic = first->first.topic;
    auto end = first;
    std::size_t queues = 0;
    for (; end != batches_.end() && end->first.topic == topic; ++end) ++queues;
    const auto partitioner = built_in_.find(topic);
    if (partitioner == built_in_.end()) {
      first = end;
      continue;
    }
    // Java weighs only once every partition of the topic has had a batch queue.
    const std::int32_t count = metadata_.partition_count(topic);
    if (!config_.adaptive_partitioning || count == 0 || queues < static_cast<std::size_t>(count)) {
      partitioner->second.clear_load_stats();
      first = end;
      continue;
    }
    queue_sizes_.assign(queues, 0);
    queue_ids_.assign(queues, 0);
    std::size_t length = 0;
    for (auto it = first; it != end; ++it) {
      const PartitionState* state = metadata_.partition(it->first);
      if (state == nullptr || state->leader == kNoBroker) continue;
      queue_ids_[length] = it->first.partition;
      const auto unsent = std::count_if(it->second.begin(), it->second.end(), [](const auto& b) { return !b->in_flight; });
      queue_sizes_[length] = static_cast<std::int32_t>(unsent);
      ++length;
      // A leader that has not taken a ready batch for partitioner.availability.timeout.ms: its
      // partition is left out (the next one takes its place in the table).
      if (unsent > 0 && config_.partitioner_availability_timeout > sim::Duration{}) {
        const auto latency = node_latency_.find(state->leader);
        if (latency != node_latency_.end() &&
            latency->second.ready - latency->second.drain > config_.partitioner_availability_timeout) {
          --length;
        }
      }
    }
    partitioner->second.update_load_stats(queue_sizes_, queue_ids_, length);
    first = end;
  }
}

void Producer::note_node_latency(BrokerId broker, bool taken) {
  NodeLatency& latency = node_latency_[broker];
  latency.ready = now();
  if (taken) latency.drain = now();
}

}  // namespace ksim::core
