#include "core/broker/produce_purgatory.hpp"

namespace ksim::core {

std::vector<std::uint64_t> ProducePurgatory::partition_changed(const TopicPartition& tp, const Partition* p) {
  std::vector<std::uint64_t> ready;
  for (auto& [id, produce] : waiting_) {
    bool all_done = true;
    for (std::size_t i = 0; i < produce.response.partitions.size(); ++i) {
      ProduceResponse::Partition& part = produce.response.partitions[i];
      if (produce.required[i] < 0 || part.tp != tp) {
        all_done = all_done && produce.required[i] < 0;
        continue;
      }
      if (p == nullptr || p->role() != ReplicaRole::leader) {
        part.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
        produce.required[i] = -1;
        continue;
      }
      if (p->log().high_watermark() < produce.required[i]) {
        all_done = false;
        continue;
      }
      // Committed. Kafka still reports it as an error when the ISR shrank below
      // min.insync.replicas while the request waited: the write is there, with fewer copies.
      if (static_cast<std::int32_t>(p->state().isr.size()) < p->config().min_insync_replicas) {
        part.error = ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND;
      }
      produce.required[i] = -1;
    }
    if (all_done) ready.push_back(id);
  }
  return ready;
}

std::optional<ProducePurgatory::Produce> ProducePurgatory::take(std::uint64_t id) {
  const auto it = waiting_.find(id);
  if (it == waiting_.end()) return std::nullopt;
  Produce produce = std::move(it->second);
  waiting_.erase(it);
  return produce;
}

}  // namespace ksim::core
