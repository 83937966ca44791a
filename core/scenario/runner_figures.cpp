// The figures of a run: what the checkers read from the logs as they are now, the producers'
// and consumers' histories, and what the runner sampled along the way (scenario-format.md lists
// them). The report asks at the end; the GUI's figures pane asks at any moment.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/cluster/group_admin.hpp"
#include "core/group/offsets_records.hpp"
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

Figures ScenarioRun::figures() const {
  Figures f;
  // Hash maps and sorted vectors, not ordered trees: a long run holds millions of records, and
  // the GUI asks for the figures while it plays. No figure depends on an iteration order.
  // --- the logs as they are: which record ids each partition holds ---
  std::vector<std::uint64_t> log_ids;  // every committed record in a log, duplicates included
  std::map<TopicPartition, std::vector<const Record*>> log_records;  // in offset order
  for (const TopicSpec& t : scenario_.topics) {
    const auto& record = cluster_->controller().topics().at(t.name);
    for (const PartitionState& p : record.partitions) {
      // The leader's log if it runs; otherwise the most advanced replica's (what is on disk).
      const Partition* chosen = nullptr;
      for (BrokerId b = 1; b <= cluster_->broker_count(); ++b) {
        const Partition* replica = cluster_->broker(b).partition(p.tp);
        if (replica == nullptr) continue;
        if (b == p.leader && cluster_->broker(b).running()) {
          chosen = replica;
          break;
        }
        if (chosen == nullptr || replica->log().high_watermark() > chosen->log().high_watermark()) chosen = replica;
      }
      if (chosen == nullptr) continue;
      const PartitionLog& log = chosen->log();
      std::vector<const Record*>& records = log_records[p.tp];
      for (const auto& segment : log.segments()) {
        for (const RecordBatch& batch : segment.batches) {
          for (std::int32_t i = 0; i < batch.record_count(); ++i) {
            if (batch.base_offset + i >= log.high_watermark()) break;
            const Record& rec = batch.records->records[static_cast<std::size_t>(i)];
            log_ids.push_back(rec.id);
            records.push_back(&rec);
          }
        }
      }
    }
  }
  std::sort(log_ids.begin(), log_ids.end());
  std::int64_t duplicates = 0;
  for (std::size_t i = 1; i < log_ids.size(); ++i) {
    // Counted once per id, however many copies.
    if (log_ids[i] == log_ids[i - 1] && (i < 2 || log_ids[i - 2] != log_ids[i])) ++duplicates;
  }
  const auto in_log = [&](std::uint64_t id) { return std::binary_search(log_ids.begin(), log_ids.end(), id); };
  // --- producers ---
  std::int64_t sent = 0, acked = 0, acked_lost = 0, sent_lost = 0, failed = 0, batches = 0, retries = 0;
  std::unordered_map<std::uint64_t, sim::Time> sent_at;
  std::vector<double> produce_latencies;  // per acknowledged record: send to acknowledgement
  // For skipped[G]: per partition, the acknowledged records by offset (in acknowledgement order;
  // a later one at the same offset, written after a truncation, replaces the earlier).
  std::map<TopicPartition, std::vector<std::pair<Offset, std::uint64_t>>> acked_at;
  for (const auto& [name, producer] : producers_) {
    const ProducerHistory& h = producer->history();
    sent += static_cast<std::int64_t>(h.sent);
    batches += static_cast<std::int64_t>(h.batches.size());
    retries += static_cast<std::int64_t>(h.retries);
    sent_at.reserve(sent_at.size() + h.record_ids.size());
    for (const BatchReport& b : h.batches) {
      for (std::uint32_t i = 0; i < b.records; ++i) {
        const std::uint64_t id = h.record_ids[b.first_record + i];
        sent_at[id] = b.created_at;
        if (!b.ok()) {
          ++failed;
          // By the last error a broker gave it (also when the batch finally expired).
          if (b.error != ErrorCode::NONE) ++f["produce_errors[" + std::string(error_name(b.error)) + "]"];
          continue;
        }
        const bool kept = in_log(id);
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
  using ProducerKey = std::pair<std::uint64_t, std::int64_t>;  // (producer, key)
  struct ProducerKeyHash {
    std::size_t operator()(const ProducerKey& k) const { return std::hash<std::uint64_t>()(k.first * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(k.second)); }
  };
  std::unordered_set<ProducerKey, ProducerKeyHash> reordered;
  std::unordered_map<std::uint64_t, std::int64_t> key_of;  // each record's key, for the consumers' side of ordering
  key_of.reserve(log_ids.size());
  for (const auto& [tp, records] : log_records) {
    std::unordered_map<ProducerKey, std::uint64_t, ProducerKeyHash> last;
    std::unordered_set<std::uint64_t> seen_ids;  // a duplicate is counted as such, not as a reordering too
    seen_ids.reserve(records.size());
    for (const Record* rec : records) {
      if (rec->key >= 0) key_of.emplace(rec->id, rec->key);
      if (rec->key < 0 || !seen_ids.insert(rec->id).second) continue;
      const ProducerKey key{rec->id / 1'000'000'000ULL, rec->key};
      auto& seen = last[key];
      if (rec->id < seen) reordered.insert(key);
      seen = std::max(seen, rec->id);
    }
  }
  f["reordered_keys"] = static_cast<double>(reordered.size());
  // --- groups and consumers ---
  std::vector<double> latencies;
  std::unordered_set<std::uint64_t> latency_seen;
  for (const ConsumerSpec& spec : scenario_.consumers) {
    const std::string group = spec.group.empty() ? spec.name : spec.group;
    std::unordered_map<std::uint64_t, int> processed;
    std::unordered_set<std::uint64_t> failed_ids;
    std::int64_t count = 0, dead = 0, commit_failures = 0;
    std::vector<std::pair<sim::Time, std::uint64_t>> first_processing;  // when each record was first done
    for (const Member& m : members_) {
      if (m.spec != &spec) continue;
      for (const ProcessedRecord& r : m.app->processed()) {
        if (++processed[r.id] == 1) first_processing.emplace_back(r.processed_at, r.id);
        ++count;
        if (latency_seen.insert(r.id).second) {
          if (const auto sent_time = sent_at.find(r.id); sent_time != sent_at.end()) {
            latencies.push_back(static_cast<double>((r.processed_at - sent_time->second).ns()) / 1e6);
          }
        }
      }
      for (const FailedRecord& r : m.app->failed()) {
        failed_ids.insert(r.id);
        dead += r.action == "dead-lettered" ? 1 : 0;
      }
      commit_failures += m.app->commits(CommitOutcome::commit_failed);
    }
    std::int64_t dup = 0;
    for (const auto& [id, n] : processed) dup += n > 1 ? 1 : 0;
    f["processed[" + group + "]"] = static_cast<double>(count);
    f["duplicates_processed[" + group + "]"] = static_cast<double>(dup);
    f["dead_lettered[" + group + "]"] = static_cast<double>(dead);
    f["commit_failures[" + group + "]"] = static_cast<double>(commit_failures);
    // Keys whose records (from one producer) were first processed out of send order: what a key
    // moved to another partition (added partitions) does to the application. Records done at the
    // same instant count as in order.
    std::sort(first_processing.begin(), first_processing.end());
    std::unordered_map<ProducerKey, std::uint64_t, ProducerKeyHash> newest;
    std::unordered_set<ProducerKey, ProducerKeyHash> out_of_order;
    for (const auto& [at, id] : first_processing) {
      const auto key = key_of.find(id);
      if (key == key_of.end()) continue;
      const ProducerKey producer_key{id / 1'000'000'000ULL, key->second};
      std::uint64_t& seen = newest[producer_key];
      if (id < seen) out_of_order.insert(producer_key);
      seen = std::max(seen, id);
    }
    f["reordered_processing[" + group + "]"] = static_cast<double>(out_of_order.size());
    if (spec.group.empty()) continue;
    f["rebalances[" + group + "]"] = static_cast<double>(value_or_zero(rebalances_, group));
    // Partitions still without an owner count up to now; copies, so that the figures can be asked
    // for in the middle of a run (the GUI's figures pane) without changing what the end reports.
    std::map<TopicPartition, sim::Duration> no_owner = value_or_zero(no_owner_, group);
    sim::Duration max_gap = value_or_zero(max_no_owner_gap_, group);
    if (formed_.count(group) != 0U) {
      for (const auto& [tp, since] : value_or_zero(unowned_since_, group)) {
        const sim::Duration gap = cluster_->sim().now() - since;
        no_owner[tp] += gap;
        max_gap = std::max(max_gap, gap);
      }
    }
    double no_owner_ms = 0;
    for (const auto& [tp, d] : no_owner) no_owner_ms += static_cast<double>(d.ns()) / 1e6;
    f["no_owner_ms[" + group + "]"] = no_owner_ms;
    f["partitions_paused[" + group + "]"] = static_cast<double>(no_owner.size());
    f["max_no_owner_ms[" + group + "]"] = static_cast<double>(max_gap.ns()) / 1e6;
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
          if (processed.count(id) == 0U && failed_ids.count(id) == 0U) ++skipped;
        }
      }
    }
    f["final_lag[" + group + "]"] = static_cast<double>(final_lag);
    f["max_lag[" + group + "]"] = static_cast<double>(std::max(value_or_zero(max_lag_, group), final_lag));
    f["skipped[" + group + "]"] = static_cast<double>(skipped);
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
  for (const auto& [tp, d] : unavailable_) {
    const double ms = static_cast<double>(d.ns()) / 1e6;
    f["unavailable_ms[" + tp.str() + "]"] = ms;
    worst = std::max(worst, ms);
  }
  f["max_unavailable_ms"] = worst;
  f["invariant_violations"] = static_cast<double>(invariants_->violations().size());
  for (const char* name : {"one_leader_per_epoch", "hw_monotonic", "isr_subset_of_replicas", "leader_in_isr", "strong_isr"}) {
    f[std::string("invariant_violations[") + name + "]"] = static_cast<double>(invariants_->count(name));
  }
  // Convergence after the last fault (see healed()); when it never came, convergence_ms is the
  // time waited, so that a bound on it fails as it should.
  f["converged"] = converged_at_ ? 1 : 0;
  const sim::Time healed_at = converged_at_.value_or(cluster_->sim().now());
  f["convergence_ms"] = static_cast<double>((healed_at - std::min(healed_at, last_fault_)).ns()) / 1e6;
  return f;
}

}  // namespace ksim::core
