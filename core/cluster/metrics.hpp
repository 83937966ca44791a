// MetricsRecorder: samples a cluster's health at a fixed simulated interval, the way a monitoring
// system scrapes Kafka's UnderReplicatedPartitions, OfflinePartitionsCount and
// UnderMinIsrPartitionCount: a time series for charts and checkers.
#pragma once

#include <cstdint>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::core {

struct MetricsSample {
  sim::Time time;
  std::int32_t under_replicated = 0;  // ISR smaller than the replica set
  std::int32_t offline = 0;           // no leader
  std::int32_t under_min_isr = 0;     // ISR smaller than min.insync.replicas
};

class MetricsRecorder {
 public:
  // Starts sampling now and every `interval` after; the recorder must outlive the run.
  MetricsRecorder(Cluster& cluster, sim::Duration interval);
  MetricsRecorder(const MetricsRecorder&) = delete;
  MetricsRecorder& operator=(const MetricsRecorder&) = delete;

  const std::vector<MetricsSample>& samples() const { return samples_; }
  static MetricsSample measure(const ClusterView& view, sim::Time at);

 private:
  void sample();

  Cluster& cluster_;
  sim::Duration interval_;
  std::vector<MetricsSample> samples_;
};

}  // namespace ksim::core
