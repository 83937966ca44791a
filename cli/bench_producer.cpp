// `ksim bench producer`: one producer at 200,000 records per simulated second.
//
// 3 brokers, a topic of 12 partitions with replication factor 3, acks=all, 100-byte values
// without keys (the sticky partitioner), for 30 simulated seconds; run once without compression
// and once with lz4. (--duration shortens it, for tests of the command itself.) The whole client path runs per record (partitioner, accumulator) and per
// batch (sender, requests, replication, acknowledgements).
#include "cli/bench_producer.hpp"

#include <chrono>

#include "core/client/producer.hpp"
#include "core/client/producer_workload.hpp"
#include "core/cluster/cluster.hpp"

namespace ksim::cli {

ProducerBench run_producer_bench(std::uint64_t seed, core::CompressionType compression,
                                 sim::Duration duration) {
  core::ClusterSpec spec;
  spec.seed = seed;
  core::Cluster cluster(spec);
  cluster.start();
  cluster.controller().create_topic("bench", 12, 3, core::TopicConfig{});
  cluster.sim().run_for(sim::seconds(1));

  core::ProducerConfig config;
  config.compression = compression;
  std::vector<sim::NodeId> bootstrap;
  for (core::BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
  auto& producer = cluster.add_node<core::Producer>("producer:bench", config, bootstrap);
  cluster.sim().start(producer.id());
  cluster.sim().run_for(sim::milliseconds(100));

  core::WorkloadSpec work;
  work.topic = "bench";
  work.rate = 200'000;
  work.value_min_bytes = work.value_max_bytes = 100;
  work.start = cluster.sim().now();
  work.stop = work.start + duration;
  core::ProducerWorkload app(producer, work, cluster.sim().random().stream("bench/app"));

  const auto wall_start = std::chrono::steady_clock::now();
  cluster.sim().run_until(work.stop + sim::seconds(2));  // and let the last batches complete
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  ProducerBench result;
  result.wall_seconds = wall;
  result.sim_seconds = static_cast<double>((cluster.sim().now() - work.start).ns()) / 1e9;
  result.records_sent = app.generated();
  for (const core::BatchReport& b : producer.history().batches) {
    if (b.ok()) result.records_acked += b.records;
  }
  result.batches = producer.history().batches.size();
  for (const core::PartitionView& p : cluster.view().partitions) {
    const core::Partition* leader = cluster.broker(p.leader).partition(p.tp);
    result.stored_bytes += static_cast<std::uint64_t>(leader->log().size_bytes());
  }
  return result;
}

}  // namespace ksim::cli
