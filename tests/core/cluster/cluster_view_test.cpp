// The cluster's read-only views: the metrics recorder and the whole-cluster snapshot.
#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "core/cluster/metrics.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::TestClient;

using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;
using ksim::core::testing::topic_config;

TEST_CASE("metrics: under-replicated, under-min-ISR and offline partitions over time",
          "[core][cluster][metrics]") {
  TopicConfig config;
  config.min_insync_replicas = 2;
  Lab lab(config);
  MetricsRecorder metrics(lab.cluster, seconds(1));
  lab.cluster.sim().stop(lab.cluster.broker(3).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().under_replicated == 1);
  CHECK(metrics.samples().back().under_min_isr == 0);
  lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().under_min_isr == 1);
  CHECK(metrics.samples().back().offline == 0);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().offline == 1);
  CHECK(metrics.samples().front().under_replicated == 0);
  CHECK(metrics.samples().size() >= 45);
}

TEST_CASE("cluster view: replicas, ISR, epochs and every replica's offsets in one snapshot",
          "[core][cluster]") {
  Lab lab(topic_config(1), {1, 2, 3});
  lab.client->produce(kOrders, 3, -1);
  lab.run(seconds(1));
  lab.stop(2, StopKind::process_crash);
  lab.run(seconds(15));
  const ClusterView view = lab.cluster.view();
  CHECK(view.controller_running);
  REQUIRE(view.brokers.size() == 3);
  CHECK_FALSE(view.brokers[1].running);
  CHECK(view.brokers[1].fenced);
  REQUIRE(view.partitions.size() == 1);
  const PartitionView& p = view.partitions.front();
  CHECK(p.leader == 1);
  CHECK(p.isr == std::vector<BrokerId>{1, 3});
  CHECK(p.under_replicated());
  REQUIRE(p.replica_logs.size() == 3);
  CHECK(p.replica_logs[0].is_leader);
  CHECK(p.replica_logs[0].log_end_offset == 3);
  CHECK(p.replica_logs[0].high_watermark == 3);
  CHECK_FALSE(p.replica_logs[1].in_isr);
}
