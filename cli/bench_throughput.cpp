// `ksim bench throughput`: a steady cluster, end to end.
//
// 3 brokers, one topic of 12 partitions with replication factor 3, three producers (acks=all,
// lz4, 100-byte values without keys) sending 100,000 records per simulated second between them,
// and one group of 6 consumers reading everything, for 60 simulated seconds. Every mechanism of a
// lab runs: the producers' accumulators and senders, replication and the high watermark,
// FindCoordinator, the group's join and sync, fetch sessions, auto-commits to
// __consumer_offsets. --brokers and --partitions change the shape, to see how the cost grows.
#include "cli/bench_throughput.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer.hpp"
#include "core/client/producer_workload.hpp"
#include "core/cluster/cluster.hpp"

namespace ksim::cli {
namespace {

constexpr int kProducers = 3;
constexpr int kConsumers = 6;
constexpr double kRecordsPerSecond = 100'000;

}  // namespace

ThroughputBench run_throughput_bench(std::uint64_t seed, const ThroughputShape& shape) {
  core::ClusterSpec spec;
  spec.seed = seed;
  spec.brokers = shape.brokers;
  core::Cluster cluster(spec);
  cluster.start();
  cluster.controller().create_topic("bench", shape.partitions, 3, core::TopicConfig{});
  sim::Simulation& sim = cluster.sim();
  sim.run_for(sim::seconds(1));

  std::vector<sim::NodeId> bootstrap;
  for (core::BrokerId b = 1; b <= shape.brokers; ++b) bootstrap.push_back(cluster.broker(b).id());

  // The group first, so that it has joined by the time the records flow.
  core::ConsumerConfig consumer_config;
  consumer_config.group_id = "bench";
  consumer_config.auto_offset_reset = core::OffsetReset::earliest;  // the group joins after the first records
  core::ProcessingSpec processing;
  processing.per_record_min = processing.per_record_max = sim::Duration{};
  std::vector<std::unique_ptr<core::ConsumerWorkload>> readers;
  for (int i = 0; i < kConsumers; ++i) {
    auto& consumer = cluster.add_node<core::Consumer>("consumer:bench/" + std::to_string(i), consumer_config, bootstrap);
    sim.start(consumer.id());
    consumer.subscribe({"bench"});
    readers.push_back(std::make_unique<core::ConsumerWorkload>(
        consumer, processing, sim.random().stream("bench/reader/" + std::to_string(i))));
  }

  core::ProducerConfig producer_config;
  producer_config.compression = core::CompressionType::lz4;
  std::vector<core::Producer*> producers;
  std::vector<std::unique_ptr<core::ProducerWorkload>> writers;
  const sim::Time start = sim.now() + sim::milliseconds(100);
  for (int i = 0; i < kProducers; ++i) {
    auto& producer = cluster.add_node<core::Producer>("producer:bench-" + std::to_string(i), producer_config, bootstrap);
    sim.start(producer.id());
    core::WorkloadSpec work;
    work.topic = "bench";
    work.rate = kRecordsPerSecond / kProducers;
    work.value_min_bytes = work.value_max_bytes = 100;
    work.start = start;
    work.stop = start + shape.duration;
    work.first_id = core::first_record_id(static_cast<std::uint64_t>(i));
    producers.push_back(&producer);
    writers.push_back(std::make_unique<core::ProducerWorkload>(producer, work,
                                                               sim.random().stream("bench/writer/" + std::to_string(i))));
  }

  const std::uint64_t events_before = sim.scheduler().executed_events();
  const auto wall_start = std::chrono::steady_clock::now();
  const auto consumed = [&] {
    std::uint64_t records = 0;
    for (const auto& reader : readers) records += reader->processed().size();
    return records;
  };
  const auto sent = [&] {
    std::uint64_t records = 0;
    for (const auto& writer : writers) records += writer->generated();
    return records;
  };
  sim.run_until(start + shape.duration);
  // Then until the group has read everything (a short run may end before the group's first
  // rebalance, group.initial.rebalance.delay.ms after it formed), or half a minute more.
  const sim::Time give_up = sim.now() + sim::seconds(30);
  while (consumed() < sent() && sim.now() < give_up) sim.run_for(sim::milliseconds(100));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  ThroughputBench result;
  result.wall_seconds = wall;
  result.sim_seconds = static_cast<double>((sim.now() - start).ns()) / 1e9;
  result.events = sim.scheduler().executed_events() - events_before;
  result.records_sent = sent();
  for (core::Producer* producer : producers) {
    for (const core::BatchReport& b : producer->history().batches) {
      if (b.ok()) result.records_acked += b.records;
    }
  }
  result.records_consumed = consumed();
  return result;
}

}  // namespace ksim::cli
