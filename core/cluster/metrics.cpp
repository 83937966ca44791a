#include "core/cluster/metrics.hpp"

namespace ksim::core {

MetricsRecorder::MetricsRecorder(Cluster& cluster, sim::Duration interval)
    : cluster_(cluster), interval_(interval) {
  sample();
}

MetricsSample MetricsRecorder::measure(const ClusterView& view, sim::Time at) {
  MetricsSample s;
  s.time = at;
  for (const PartitionView& p : view.partitions) {
    if (p.offline()) ++s.offline;
    if (p.under_replicated()) ++s.under_replicated;
    if (p.under_min_isr()) ++s.under_min_isr;
  }
  return s;
}

void MetricsRecorder::sample() {
  samples_.push_back(measure(cluster_.view(), cluster_.sim().now()));
  cluster_.sim().scheduler().schedule_after(interval_, [this] { sample(); });
}

}  // namespace ksim::core
