// The leader's side of Produce: routing each partition's batch to its Partition's append
// (Partition::append_records_as_leader holds the checks), the event, the high watermark, and the
// purgatory for acks=all.
#include <algorithm>

#include "core/broker/broker.hpp"

namespace ksim::core {

void Broker::handle(sim::NodeId from, const ProduceRequest& m) {
  ProducePurgatory::Produce pending;
  pending.client = from;
  pending.response.correlation_id = m.correlation_id;
  bool waits = false;
  for (const ProduceRequest::Partition& part : m.partitions) {
    ProduceResponse::Partition result = append_one(part, m.acks);
    Offset required = -1;
    if (m.acks == -1 && result.error == ErrorCode::NONE) {
      required = result.base_offset + part.batch.record_count();
      waits = true;
    }
    pending.response.partitions.push_back(std::move(result));
    pending.required.push_back(required);
  }
  if (m.acks == 0) {
    // The producer hears nothing, whatever happened. But a produce it could not take (not the
    // leader, too large, ...) makes the broker close the connection, as Kafka's request handler
    // does (KafkaApis.handleProduceRequest): the disconnect is how the producer learns to refresh
    // its metadata.
    const bool refused = std::any_of(pending.response.partitions.begin(), pending.response.partitions.end(),
                                     [](const ProduceResponse::Partition& p) { return p.error != ErrorCode::NONE; });
    if (refused) close_accepted_connection(from);
    return;
  }
  if (!waits) {
    send_message(from, std::move(pending.response));
    return;
  }
  const std::uint64_t id = produces_.next_id();
  pending.timeout = after(m.timeout, [this, id] { finish_produce(id, true); });
  produces_.park(id, std::move(pending));
  for (const ProduceRequest::Partition& part : m.partitions) try_complete_produces(part.tp);
}

ProduceResponse::Partition Broker::append_one(const ProduceRequest::Partition& part, std::int16_t acks) {
  ProduceResponse::Partition result;
  result.tp = part.tp;
  Partition* p = find(part.tp);
  if (p == nullptr || p->role() != ReplicaRole::leader) {
    result.error = p == nullptr && metadata_.count(part.tp) == 0U ? ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
                                                                 : ErrorCode::NOT_LEADER_OR_FOLLOWER;
    return result;
  }
  result.log_start_offset = p->log().log_start_offset();
  const LeaderAppend append = p->append_records_as_leader(part.batch, acks, now());
  result.error = append.error;
  result.base_offset = append.base_offset;
  if (append.appended != nullptr) {
    emit(RecordsAppended{part.tp, *append.appended});
    advance_high_watermark(*p);  // a sole ISR member commits at once; fetches may complete
  }
  return result;
}

void Broker::try_complete_produces(const TopicPartition& tp) {
  for (const std::uint64_t id : produces_.partition_changed(tp, partition(tp))) finish_produce(id, false);
}

void Broker::finish_produce(std::uint64_t id, bool timed_out) {
  std::optional<ProducePurgatory::Produce> waited = produces_.take(id);
  if (!waited) return;
  ProducePurgatory::Produce& produce = *waited;
  cancel(produce.timeout);
  for (std::size_t i = 0; i < produce.required.size(); ++i) {
    if (timed_out && produce.required[i] >= 0) produce.response.partitions[i].error = ErrorCode::REQUEST_TIMED_OUT;
  }
  if (produce.internal_done) {
    produce.internal_done(produce.response);
    return;
  }
  send_message(produce.client, std::move(produce.response));
}

}  // namespace ksim::core
