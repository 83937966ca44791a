// The series a run samples for the GUI's charts (series.hpp): the partitions' health from the
// controller's records, the producers' answered batches, the consumers' processed records and
// each group's lag, every Series::every of simulated time.
#include <algorithm>

#include "core/cluster/group_admin.hpp"
#include "core/group/offsets_records.hpp"
#include "core/scenario/figures.hpp"
#include "core/scenario/runner.hpp"

namespace ksim::core {

void ScenarioRun::record_series_point() {
  Series& series = *options_.series;
  if (series.groups.empty()) {
    for (const ConsumerSpec& spec : scenario_.consumers) {
      if (!spec.group.empty() && std::find(series.groups.begin(), series.groups.end(), spec.group) == series.groups.end()) {
        series.groups.push_back(spec.group);
      }
    }
  }
  SeriesPoint point;
  point.at = cluster_->sim().now();
  for (const auto& [name, topic] : cluster_->controller().image().topics()) {
    if (name == kOffsetsTopic) continue;
    for (const PartitionState& p : topic.partitions) {
      const bool live = p.leader != kNoBroker && cluster_->broker(p.leader).running();
      point.offline += live ? 0 : 1;
      point.under_replicated += p.isr.size() < p.replicas.size() ? 1 : 0;
      point.under_min_isr += std::cmp_less(p.isr.size(), topic.config.min_insync_replicas) ? 1 : 0;
    }
  }
  std::vector<double> latencies;
  for (const auto& [name, producer] : producers_) {
    const std::vector<BatchReport>& batches = producer->history().batches;
    std::size_t& seen = series_batches_seen_[name];
    for (; seen < batches.size(); ++seen) {
      const BatchReport& b = batches[seen];
      latencies.push_back(static_cast<double>((b.completed_at - b.created_at).ns()) / 1e6);
      (b.ok() ? series_acked_ : series_failed_) += b.records;
    }
  }
  point.acked = series_acked_;
  point.failed = series_failed_;
  if (!latencies.empty()) {
    point.latency_p50_ms = percentile(latencies, 0.50);
    point.latency_p99_ms = percentile(latencies, 0.99);
  }
  for (const Member& m : members_) point.processed += static_cast<std::int64_t>(m.app->processed().size());
  for (const std::string& group : series.groups) {
    std::int64_t lag = 0;
    if (const auto view = describe_group(*cluster_, group)) {
      for (const GroupPartitionRow& row : view->partitions) lag += row.lag.value_or(0);
    }
    point.lag.push_back(lag);
  }
  series.points.push_back(std::move(point));
}

}  // namespace ksim::core
