// The figures of a run: what the history checkers (core/check) found in the logs and the
// producers' and consumers' histories, and what the runner sampled along the way
// (scenario-format.md lists them). The report asks at the end; the GUI's figures pane asks at any
// moment, and the checkers catch up with only what happened since it last asked.
#include <algorithm>
#include <set>

#include "core/cluster/group_admin.hpp"
#include "core/scenario/runner.hpp"

namespace ksim::core {
namespace {

// A per-group record's value, or the value type's zero when the group never had one.
template <typename Map>
typename Map::mapped_type value_or_zero(const Map& map, const std::string& key) {
  const auto it = map.find(key);
  return it != map.end() ? it->second : typename Map::mapped_type{};
}

}  // namespace

Figures ScenarioRun::figures() {
  Figures f;
  histories_->catch_up();
  // --- producers and the logs ---
  const ProduceOutcomes& produced = histories_->produced();
  f["sent"] = static_cast<double>(produced.sent());
  f["acked"] = static_cast<double>(produced.acked());
  for (const TopicSpec& t : scenario_.topics) {
    for (std::int32_t p = 0; p < t.partitions; ++p) f["acked[" + TopicPartition{t.name, p}.str() + "]"] = 0;
  }
  for (const auto& [tp, records] : produced.acked_by_partition()) f["acked[" + tp.str() + "]"] = static_cast<double>(records);
  f["acked_lost"] = static_cast<double>(produced.acked_lost());
  f["sent_lost"] = static_cast<double>(produced.sent_lost());
  f["failed_sends"] = static_cast<double>(produced.failed());
  f["unresolved"] = static_cast<double>(produced.unresolved());
  for (const auto& [error, records] : produced.errors()) f["produce_errors[" + std::string(error_name(error)) + "]"] = static_cast<double>(records);
  f["batches"] = static_cast<double>(produced.batches());
  f["retries"] = static_cast<double>(produced.retries());
  f["duplicates_in_log"] = static_cast<double>(histories_->logs().duplicated_records());
  f["reordered_keys"] = static_cast<double>(histories_->logs().reordered_keys());
  // --- groups and consumers ---
  std::set<std::string> done;
  std::vector<std::pair<TopicPartition, Offset>> all_committed;  // every group's, for the e2e wait
  for (const ConsumerSpec& spec : scenario_.consumers) {
    const std::string group = spec.group.empty() ? spec.name : spec.group;
    if (!done.insert(group).second) continue;  // a group of several specs: once, for all its members
    GroupProcessing& processing = histories_->group(group);
    f["processed[" + group + "]"] = static_cast<double>(processing.processed());
    f["duplicates_processed[" + group + "]"] = static_cast<double>(processing.duplicates());
    f["dead_lettered[" + group + "]"] = static_cast<double>(processing.dead_lettered());
    f["commit_failures[" + group + "]"] = static_cast<double>(processing.commit_failures());
    f["reordered_processing[" + group + "]"] = static_cast<double>(processing.reordered_keys());
    if (spec.group.empty()) continue;
    f["rebalances[" + group + "]"] = static_cast<double>(value_or_zero(rebalances_, group));
    // Partitions still without an owner count up to now; copies, so that the figures can be asked
    // for in the middle of a run (the GUI's figures pane) without changing what the end reports.
    const NoOwnerTime no_owner = ownership_->no_owner(group, cluster_->sim().now());
    double no_owner_ms = 0;
    for (const auto& [tp, d] : no_owner.by_partition) no_owner_ms += static_cast<double>(d.ns()) / 1e6;
    f["no_owner_ms[" + group + "]"] = no_owner_ms;
    f["partitions_paused[" + group + "]"] = static_cast<double>(no_owner.by_partition.size());
    f["max_no_owner_ms[" + group + "]"] = static_cast<double>(no_owner.longest_gap.ns()) / 1e6;
    // Lag and skipped records, from the committed offsets now, over the topics the group's specs
    // subscribe to.
    std::set<std::string> topics;
    for (const ConsumerSpec& s : scenario_.consumers) {
      if (s.group == group) topics.insert(s.topics.begin(), s.topics.end());
    }
    std::int64_t final_lag = 0;
    std::vector<std::pair<TopicPartition, Offset>> committed;
    if (const auto view = describe_group(*cluster_, group)) {
      for (const GroupPartitionRow& row : view->partitions) {
        if (topics.count(row.tp.topic) == 0U) continue;
        final_lag += row.lag.value_or(0);
        committed.emplace_back(row.tp, row.committed);
      }
    }
    all_committed.insert(all_committed.end(), committed.begin(), committed.end());
    f["final_lag[" + group + "]"] = static_cast<double>(final_lag);
    f["max_lag[" + group + "]"] = static_cast<double>(std::max(lag_.max_lag(group), final_lag));
    f["skipped[" + group + "]"] = static_cast<double>(processing.skipped(committed, produced));
  }
  const sim::Time now = cluster_->sim().now();
  const Quantiles produce = produced.latency_ms(now);
  f["produce_latency_p50_ms"] = produce.p50;
  f["produce_latency_p99_ms"] = produce.p99;
  const Quantiles e2e = histories_->e2e_latency_ms(now, all_committed);
  f["e2e_latency_p50_ms"] = e2e.p50;
  f["e2e_latency_p99_ms"] = e2e.p99;
  // --- availability and invariants ---
  double worst = 0;
  for (const TopicSpec& t : scenario_.topics) {
    for (std::int32_t p = 0; p < t.partitions; ++p) f["unavailable_ms[" + TopicPartition{t.name, p}.str() + "]"] = 0;
  }
  for (const auto& [tp, d] : availability_.unavailable()) {
    const double ms = static_cast<double>(d.ns()) / 1e6;
    f["unavailable_ms[" + tp.str() + "]"] = ms;
    worst = std::max(worst, ms);
  }
  f["max_unavailable_ms"] = worst;
  f["active_controller_changes"] = static_cast<double>(quorum_.active_controller_changes());
  f["no_active_controller_ms"] = static_cast<double>(quorum_.without_active_controller().ns()) / 1e6;
  f["quorum_epoch"] = static_cast<double>(quorum_.highest_epoch().value());
  double preferred = 0;
  for (const TopicSpec& t : scenario_.topics) {
    for (const PartitionState& p : cluster_->controller().image().topics().at(t.name).partitions) {
      preferred += p.leader != kNoBroker && p.leader == p.replicas.front() ? 1 : 0;
    }
  }
  f["preferred_leaders"] = preferred;
  f["invariant_violations"] = static_cast<double>(invariants_->violations().size());
  for (const InvariantInfo& i : invariant_catalog()) {
    f["invariant_violations[" + std::string(i.name) + "]"] = static_cast<double>(invariants_->count(i.invariant));
  }
  // Convergence after the last fault (see healed()); when it never came, convergence_ms is the
  // time waited, so that a bound on it fails as it should.
  f["converged"] = converged_at_ ? 1 : 0;
  const sim::Time healed_at = converged_at_.value_or(cluster_->sim().now());
  f["convergence_ms"] = static_cast<double>((healed_at - std::min(healed_at, last_fault_)).ns()) / 1e6;
  return f;
}

}  // namespace ksim::core
