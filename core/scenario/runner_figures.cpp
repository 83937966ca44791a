// The figures of a run: what the checkers read from the logs as they are now, the producers'
// and consumers' histories, and what the runner sampled along the way (scenario-format.md lists
// them). The report asks at the end; the GUI's figures pane asks at any moment.
#include <algorithm>
#include <set>

#include "core/check/final_logs.hpp"
#include "core/cluster/group_admin.hpp"
#include "core/group/offsets_records.hpp"
#include "core/scenario/runner.hpp"

namespace ksim::core {
namespace {

// Values by record id in a sorted vector, looked up by binary search: a run holds millions of
// records, and a tree or hash node per record is what made the figures slow.
template <typename T>
class ById {
 public:
  void add(std::uint64_t id, T value) { entries_.emplace_back(id, std::move(value)); }
  // Sorts by id and keeps one entry per id: the first added, or the last (as assigning into a
  // map would).
  void seal(bool keep_last) {
    std::stable_sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::uint64_t, T>> kept;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const bool first_of_run = i == 0 || entries_[i - 1].first != entries_[i].first;
      const bool last_of_run = i + 1 == entries_.size() || entries_[i + 1].first != entries_[i].first;
      if (keep_last ? last_of_run : first_of_run) kept.push_back(std::move(entries_[i]));
    }
    entries_.swap(kept);
  }
  const T* find(std::uint64_t id) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), id, [](const auto& e, std::uint64_t v) { return e.first < v; });
    return it != entries_.end() && it->first == id ? &it->second : nullptr;
  }
  const std::vector<std::pair<std::uint64_t, T>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::uint64_t, T>> entries_;
};

// A producer's key: (the producer, from the id's high digits; the key).
using ProducerKey = std::pair<std::uint64_t, std::int64_t>;
ProducerKey producer_key(std::uint64_t id, std::int64_t key) { return {producer_index_of_record(id), key}; }

// A per-group record's value, or the value type's zero when the group never had one.
template <typename Map>
typename Map::mapped_type value_or_zero(const Map& map, const std::string& key) {
  const auto it = map.find(key);
  return it != map.end() ? it->second : typename Map::mapped_type{};
}

}  // namespace

Figures ScenarioRun::figures() const {
  Figures f;
  // Per record, sorted vectors (ById) rather than trees: a long run holds millions of records, and
  // the GUI asks for the figures while it plays.
  // --- the logs as they are: which record ids each partition holds ---
  std::vector<std::string> topics;
  for (const TopicSpec& t : scenario_.topics) topics.push_back(t.name);
  const FinalLogs logs(*cluster_, topics);
  const std::int64_t duplicates = logs.duplicated_records();
  const std::map<TopicPartition, std::vector<const Record*>>& log_records = logs.records();
  // --- producers ---
  std::int64_t sent = 0, acked = 0, acked_lost = 0, sent_lost = 0, failed = 0, batches = 0, retries = 0;
  ById<sim::Time> sent_at;
  std::vector<double> produce_latencies;  // per acknowledged record: send to acknowledgement
  // For skipped[G]: per partition, the acknowledged records by offset (in acknowledgement order;
  // a later one at the same offset, written after a truncation, replaces the earlier).
  std::map<TopicPartition, std::vector<std::pair<Offset, std::uint64_t>>> acked_at;
  for (const auto& [name, producer] : producers_) {
    const ProducerHistory& h = producer->history();
    sent += static_cast<std::int64_t>(h.sent);
    batches += static_cast<std::int64_t>(h.batches.size());
    retries += static_cast<std::int64_t>(h.retries);
    for (const BatchReport& b : h.batches) {
      for (std::uint32_t i = 0; i < b.records; ++i) {
        const std::uint64_t id = h.record_ids[b.first_record + i];
        sent_at.add(id, b.created_at);
        if (!b.ok()) {
          ++failed;
          // By the last error a broker gave it (also when the batch finally expired).
          if (b.error != ErrorCode::NONE) ++f["produce_errors[" + std::string(error_name(b.error)) + "]"];
          continue;
        }
        const bool kept = logs.holds(id);
        if (!kept) ++sent_lost;
        if (b.base_offset >= 0) {
          ++acked;
          produce_latencies.push_back(static_cast<double>((b.completed_at - b.created_at).ns()) / 1e6);
          if (!kept) ++acked_lost;
          acked_at[b.tp].emplace_back(b.base_offset + i, id);
        }
      }
    }
  }
  sent_at.seal(/*keep_last=*/true);
  for (auto& [tp, offsets] : acked_at) {
    std::stable_sort(offsets.begin(), offsets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // Of equal offsets keep the last acknowledged: reverse each run's order, then unique.
    std::vector<std::pair<Offset, std::uint64_t>> last;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      if (i + 1 < offsets.size() && offsets[i + 1].first == offsets[i].first) continue;
      last.push_back(offsets[i]);
    }
    offsets.swap(last);
  }
  f["sent"] = static_cast<double>(sent);
  f["acked"] = static_cast<double>(acked);
  f["acked_lost"] = static_cast<double>(acked_lost);
  f["sent_lost"] = static_cast<double>(sent_lost);
  f["failed_sends"] = static_cast<double>(failed);
  f["batches"] = static_cast<double>(batches);
  f["retries"] = static_cast<double>(retries);
  f["duplicates_in_log"] = static_cast<double>(duplicates);
  // Keys whose records from one producer sit out of send order (ids grow in send order).
  std::set<ProducerKey> reordered;
  ById<std::int64_t> key_of;  // each record's key, for the consumers' side of ordering
  for (const auto& [tp, records] : log_records) {
    // A duplicate is counted as such, not as a reordering too: only each id's first copy counts.
    ById<std::size_t> first_copy;
    for (std::size_t i = 0; i < records.size(); ++i) first_copy.add(records[i]->id, i);
    first_copy.seal(/*keep_last=*/false);
    std::vector<bool> is_first(records.size(), false);
    for (const auto& [id, index] : first_copy.entries()) is_first[index] = true;
    std::map<ProducerKey, std::uint64_t> last;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const Record* rec = records[i];
      if (rec->key >= 0) key_of.add(rec->id, rec->key);
      if (rec->key < 0 || !is_first[i]) continue;
      const ProducerKey key = producer_key(rec->id, rec->key);
      auto& seen = last[key];
      if (rec->id < seen) reordered.insert(key);
      seen = std::max(seen, rec->id);
    }
  }
  key_of.seal(/*keep_last=*/false);
  f["reordered_keys"] = static_cast<double>(reordered.size());
  // --- groups and consumers ---
  ById<sim::Time> first_done;  // each record's first processing by anyone, for end-to-end latency
  for (const ConsumerSpec& spec : scenario_.consumers) {
    const std::string group = spec.group.empty() ? spec.name : spec.group;
    std::vector<std::uint64_t> processed;
    ById<sim::Time> first_processed;  // in this group
    std::vector<std::uint64_t> failed_ids;
    std::int64_t count = 0, dead = 0, commit_failures = 0;
    for (const Member& m : members_) {
      if (m.spec != &spec) continue;
      for (const ProcessedRecord& r : m.app->processed()) {
        processed.push_back(r.id);
        first_processed.add(r.id, r.processed_at);
        first_done.add(r.id, r.processed_at);
        ++count;
      }
      for (const FailedRecord& r : m.app->failed()) {
        failed_ids.push_back(r.id);
        dead += r.action == "dead-lettered" ? 1 : 0;
      }
      commit_failures += m.app->commits(CommitOutcome::commit_failed);
    }
    const std::int64_t dup = count_duplicated_ids(processed);  // sorts `processed`
    std::sort(failed_ids.begin(), failed_ids.end());
    first_processed.seal(/*keep_last=*/false);
    f["processed[" + group + "]"] = static_cast<double>(count);
    f["duplicates_processed[" + group + "]"] = static_cast<double>(dup);
    f["dead_lettered[" + group + "]"] = static_cast<double>(dead);
    f["commit_failures[" + group + "]"] = static_cast<double>(commit_failures);
    // Keys whose records (from one producer) were first processed out of send order: what a key
    // moved to another partition (added partitions) does to the application. Records done at the
    // same instant count as in order.
    std::vector<std::pair<sim::Time, std::uint64_t>> first_processing;  // when each record was first done
    for (const auto& [id, at] : first_processed.entries()) first_processing.emplace_back(at, id);
    std::sort(first_processing.begin(), first_processing.end());
    std::map<ProducerKey, std::uint64_t> newest;
    std::set<ProducerKey> out_of_order;
    for (const auto& [at, id] : first_processing) {
      const std::int64_t* key = key_of.find(id);
      if (key == nullptr) continue;
      const ProducerKey pk = producer_key(id, *key);
      std::uint64_t& seen = newest[pk];
      if (id < seen) out_of_order.insert(pk);
      seen = std::max(seen, id);
    }
    f["reordered_processing[" + group + "]"] = static_cast<double>(out_of_order.size());
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
    // Lag and skipped records, from the committed offsets at the end.
    std::int64_t final_lag = 0;
    std::int64_t skipped = 0;
    if (const auto view = describe_group(*cluster_, group)) {
      for (const GroupPartitionRow& row : view->partitions) {
        if (std::find(spec.topics.begin(), spec.topics.end(), row.tp.topic) == spec.topics.end()) continue;
        final_lag += row.lag.value_or(0);
        const auto acked_here = acked_at.find(row.tp);
        if (acked_here == acked_at.end()) continue;
        for (const auto& [offset, id] : acked_here->second) {
          if (offset >= row.committed) break;
          if (!std::binary_search(processed.begin(), processed.end(), id) && !std::binary_search(failed_ids.begin(), failed_ids.end(), id)) ++skipped;
        }
      }
    }
    f["final_lag[" + group + "]"] = static_cast<double>(final_lag);
    f["max_lag[" + group + "]"] = static_cast<double>(std::max(lag_.max_lag(group), final_lag));
    f["skipped[" + group + "]"] = static_cast<double>(skipped);
  }
  first_done.seal(/*keep_last=*/false);
  std::vector<double> latencies;
  for (const auto& [id, at] : first_done.entries()) {
    if (const sim::Time* sent_time = sent_at.find(id)) latencies.push_back(static_cast<double>((at - *sent_time).ns()) / 1e6);
  }
  f["produce_latency_p50_ms"] = percentile(produce_latencies, 0.50);
  f["produce_latency_p99_ms"] = percentile(produce_latencies, 0.99);
  f["e2e_latency_p50_ms"] = percentile(latencies, 0.50);
  f["e2e_latency_p99_ms"] = percentile(latencies, 0.99);
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
