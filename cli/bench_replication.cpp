// `ksim bench replication`: how fast the broker model runs a steady acks=all workload.
//
// 3 brokers, one topic of 12 partitions with replication factor 3, and a scripted producer that
// sends one 16 KiB batch per request, round-robin over the partitions, at 1,200 batches per
// simulated second for 60 simulated seconds, with acks=all. Every batch is appended by a
// leader, fetched by two followers, committed and acknowledged: the whole replication path.
#include "cli/bench_replication.hpp"

#include <chrono>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::cli {
namespace {

constexpr std::int32_t kPartitions = 12;
constexpr std::int32_t kRecordsPerBatch = 16;
constexpr std::uint32_t kRecordBytes = 1024;  // 16 records of 1 KiB: a 16 KiB batch

class ScriptedProducer final : public core::KafkaNode {
 public:
  ScriptedProducer(core::KafkaEvents& events, core::Cluster& cluster, sim::Duration every, sim::Time until)
      : KafkaNode("producer:bench", events), cluster_(cluster), every_(every), until_(until) {}

  std::uint64_t sent = 0;
  std::uint64_t acked = 0;
  std::uint64_t failed = 0;

  using KafkaNode::handle;
  void handle(sim::NodeId, const core::ProduceResponse& m) override {
    if (m.partitions.front().error == core::ErrorCode::NONE) {
      ++acked;
    } else {
      ++failed;
    }
  }

 protected:
  void on_start() override { tick(); }
  void on_stop(sim::StopKind) override {}

 private:
  void tick() {
    if (now() >= until_) return;
    const core::TopicPartition tp{"bench", static_cast<std::int32_t>(sent % kPartitions)};
    const core::PartitionState* state = cluster_.controller().partition(tp);
    std::vector<core::Record> records;
    for (std::int32_t i = 0; i < kRecordsPerBatch; ++i) {
      records.push_back(core::Record{next_record_id_++, -1, 0, kRecordBytes, now()});
    }
    core::ProduceRequest request;
    request.correlation_id = static_cast<std::int32_t>(sent);
    request.acks = -1;
    core::RecordBatch batch;
    batch.records = core::make_record_set(std::move(records), core::CompressionType::none);
    request.partitions.push_back({tp, std::move(batch)});
    send_message(cluster_.broker(state->leader).id(), std::move(request));
    ++sent;
    after(every_, [this] { tick(); });
  }

  core::Cluster& cluster_;
  sim::Duration every_;
  sim::Time until_;
  std::uint64_t next_record_id_ = 1;
};

}  // namespace

ReplicationBench run_replication_bench(std::uint64_t seed, sim::Duration duration, std::int64_t batches_per_second) {
  core::ClusterSpec spec;
  spec.seed = seed;
  core::Cluster cluster(spec);
  cluster.start();
  cluster.controller().create_topic("bench", kPartitions, 3, core::TopicConfig{});
  cluster.sim().run_for(sim::seconds(1));

  const sim::Time start_sim = cluster.sim().now();
  auto& producer = cluster.add_node<ScriptedProducer>(
      cluster, sim::seconds(1) / batches_per_second, start_sim + duration);
  const auto start_wall = std::chrono::steady_clock::now();
  const std::uint64_t events_before = cluster.sim().scheduler().executed_events();
  cluster.sim().start(producer.id());
  cluster.sim().run_until(start_sim + duration + sim::seconds(1));  // and let the last acks arrive
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_wall).count();

  ReplicationBench result;
  result.wall_seconds = wall;
  result.sim_seconds = static_cast<double>((cluster.sim().now() - start_sim).ns()) / 1e9;
  result.batches_sent = producer.sent;
  result.batches_acked = producer.acked;
  result.batches_failed = producer.failed;
  result.events = cluster.sim().scheduler().executed_events() - events_before;
  return result;
}

}  // namespace ksim::cli
