// A scripted client for replication tests: it sends Produce and Fetch requests straight to the
// partition's current leader (as the controller sees it) and records every answer.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::core::testing {

struct ProduceOutcome {
  bool answered = false;
  ErrorCode error = ErrorCode::NONE;
  Offset base_offset = -1;
  std::vector<std::uint64_t> record_ids;
};

// The idempotent producer fields a batch carries (none by default).
struct ProducerIdentity {
  ProducerId id = kNoProducerId;
  ProducerEpoch epoch = -1;
  std::int32_t base_sequence = -1;
};

class TestClient final : public KafkaNode {
 public:
  TestClient(KafkaEvents& events, Cluster& cluster) : KafkaNode("client:test", events), cluster_(cluster) {}

  using Identity = ProducerIdentity;

  // Sends one batch of `records` records to the partition's leader, or to broker `via`; returns
  // the request's handle.
  int produce(const TopicPartition& tp, int records, std::int16_t acks,
              sim::Duration timeout = sim::seconds(30), Identity identity = {},
              std::uint32_t value_bytes = 100, std::optional<BrokerId> via = std::nullopt) {
    PartitionState target;
    if (const PartitionState* known = cluster_.controller().partition(tp)) target = *known;
    if (via) target.leader = *via;
    const PartitionState* state = &target;
    std::vector<Record> list;
    ProduceOutcome outcome;
    for (int i = 0; i < records; ++i) {
      list.push_back(Record{next_record_id_, -1, 0, value_bytes, now()});
      outcome.record_ids.push_back(next_record_id_++);
    }
    ProduceRequest request;
    request.correlation_id = next_correlation_++;
    request.acks = acks;
    request.timeout = timeout;
    RecordBatch batch;
    batch.records = make_record_set(std::move(list), CompressionType::none);
    batch.producer_id = identity.id;
    batch.producer_epoch = identity.epoch;
    batch.base_sequence = identity.base_sequence;
    request.partitions.push_back({tp, batch});
    outcomes_[request.correlation_id] = outcome;
    if (state != nullptr && state->leader != kNoBroker) {
      send_message(cluster_.broker(state->leader).id(), std::move(request));
    }
    return request.correlation_id;
  }

  // Sends a batch built by the caller (its records' ids are the caller's business).
  int produce_batch(const TopicPartition& tp, RecordBatch batch, std::int16_t acks) {
    const PartitionState* state = cluster_.controller().partition(tp);
    ProduceRequest request;
    request.correlation_id = next_correlation_++;
    request.acks = acks;
    ProduceOutcome outcome;
    for (const Record& r : batch.records->records) outcome.record_ids.push_back(r.id);
    request.partitions.push_back({tp, std::move(batch)});
    outcomes_[request.correlation_id] = outcome;
    send_message(cluster_.broker(state->leader).id(), std::move(request));
    return request.correlation_id;
  }

  const ProduceOutcome& outcome(int handle) const { return outcomes_.at(handle); }

  // A consumer's fetch (replica id -1) from the partition's leader; the answer lands in
  // fetched(handle).
  int fetch(const TopicPartition& tp, Offset offset, std::int32_t min_bytes = 1,
            sim::Duration max_wait = sim::milliseconds(500)) {
    const PartitionState* state = cluster_.controller().partition(tp);
    FetchRequest request;
    request.correlation_id = next_correlation_++;
    request.min_bytes = min_bytes;
    request.max_wait = max_wait;
    request.partitions.push_back({tp, state->leader_epoch, offset, kNoLeaderEpoch, 1'048'576});
    send_message(cluster_.broker(state->leader).id(), std::move(request));
    return next_correlation_ - 1;
  }
  // Sends a Fetch built by the caller (a follower's, with a session, ...) to a broker.
  int send_fetch(BrokerId to, FetchRequest request) {
    request.correlation_id = next_correlation_++;
    send_message(cluster_.broker(to).id(), std::move(request));
    return next_correlation_ - 1;
  }
  const FetchResponse* fetched(int handle) const {
    const auto it = fetches_.find(handle);
    return it == fetches_.end() ? nullptr : &it->second;
  }
  sim::Time fetched_at(int handle) const { return fetch_times_.at(handle); }

  int metadata(BrokerId from_broker) {
    MetadataRequest request;
    request.correlation_id = next_correlation_++;
    request.topics = {"orders", "missing"};
    send_message(cluster_.broker(from_broker).id(), std::move(request));
    return request.correlation_id;
  }
  const MetadataResponse* metadata_answer(int handle) const {
    const auto it = metadata_.find(handle);
    return it == metadata_.end() ? nullptr : &it->second;
  }
  std::set<std::uint64_t> acked_ids() const {
    std::set<std::uint64_t> ids;
    for (const auto& [handle, o] : outcomes_) {
      if (o.answered && o.error == ErrorCode::NONE) ids.insert(o.record_ids.begin(), o.record_ids.end());
    }
    return ids;
  }

  using KafkaNode::handle;
  void handle(sim::NodeId, const ProduceResponse& m) override {
    ProduceOutcome& o = outcomes_.at(m.correlation_id);
    o.answered = true;
    o.error = m.partitions.front().error;
    o.base_offset = m.partitions.front().base_offset;
  }
  void handle(sim::NodeId, const FetchResponse& m) override {
    fetches_[m.correlation_id] = m;
    fetch_times_[m.correlation_id] = now();
  }
  void handle(sim::NodeId, const MetadataResponse& m) override { metadata_[m.correlation_id] = m; }
  // The peers whose connection to this client ended from their side, in order.
  const std::vector<sim::NodeId>& resets() const { return resets_; }

 protected:
  void on_start() override {}
  void on_stop(sim::StopKind) override {}
  void connection_lost(sim::NodeId peer) override { resets_.push_back(peer); }

 private:
  Cluster& cluster_;
  std::map<int, ProduceOutcome> outcomes_;
  std::map<int, FetchResponse> fetches_;
  std::map<int, sim::Time> fetch_times_;
  std::map<int, MetadataResponse> metadata_;
  std::vector<sim::NodeId> resets_;
  std::int32_t next_correlation_ = 1;
  std::uint64_t next_record_id_ = 1;
};

// The record ids a replica holds, from log start to log end, in offset order.
inline std::vector<std::uint64_t> ids_in_order(const Partition& p) {
  std::vector<std::uint64_t> ids;
  for (const Segment& s : p.log().segments()) {
    for (const RecordBatch& b : s.batches) {
      for (const Record& r : b.records->records) ids.push_back(r.id);
    }
  }
  return ids;
}

// The same, as a set, to ask "is this record anywhere in the log?".
inline std::set<std::uint64_t> ids_in_log(const Partition& p) {
  const std::vector<std::uint64_t> ids = ids_in_order(p);
  return {ids.begin(), ids.end()};
}

}  // namespace ksim::core::testing
