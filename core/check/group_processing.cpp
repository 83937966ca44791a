#include "core/check/group_processing.hpp"

#include <algorithm>

#include "core/check/sorted_merge.hpp"

namespace ksim::core {

void GroupProcessing::catch_up() {
  for (Member& m : members_) {
    m.app->processed().read_since(m.processed_read, [&](const ProcessedRecord& r) {
      Done& d = done_[r.id];
      ++processed_;
      if (d.times == 1) ++duplicates_;
      d.times = static_cast<std::uint8_t>(std::min(d.times + 1, 2));
      if (r.processed_at < d.first) {
        d.first = r.processed_at;
        latency_->processed(r.id, r.processed_at);
      }
      unsorted_.emplace_back(r.processed_at, r.id);
    });
    const std::vector<FailedRecord>& failed = m.app->failed();
    for (; m.failed_read < failed.size(); ++m.failed_read) {
      const FailedRecord& r = failed[m.failed_read];
      done_[r.id].gave_up = true;
      dead_lettered_ += r.action == "dead-lettered" ? 1 : 0;
    }
  }
}

std::int64_t GroupProcessing::commit_failures() const {
  std::int64_t n = 0;
  for (const Member& m : members_) n += m.app->commits(CommitOutcome::commit_failed);
  return n;
}

std::int64_t GroupProcessing::reordered_keys() const {
  merge_pending(processings_, unsorted_);
  // In (time, id) order, each record at its earliest processing: a key is out of order when a
  // record comes after a higher id of its producer's. Keys are the logs' (a record no log holds
  // any more is not judged).
  using ProducerKey = std::pair<std::uint64_t, std::int64_t>;
  std::map<ProducerKey, std::uint64_t> newest;
  std::set<ProducerKey> out_of_order;
  const std::pair<sim::Time, std::uint64_t>* previous = nullptr;
  for (const auto& processing : processings_) {
    const auto& [at, id] = processing;
    const bool repeat = previous != nullptr && *previous == processing;  // done twice at once
    previous = &processing;
    if (repeat || done_.get(id).first != at) continue;
    const std::optional<std::int64_t> key = logs_->key_of(id);
    if (!key || *key < 0) continue;
    const ProducerKey pk{producer_index_of_record(id), *key};
    std::uint64_t& seen = newest[pk];
    if (id < seen) out_of_order.insert(pk);
    seen = std::max(seen, id);
  }
  return static_cast<std::int64_t>(out_of_order.size());
}

std::int64_t GroupProcessing::skipped(const std::vector<std::pair<TopicPartition, Offset>>& committed,
                                      const ProduceOutcomes& produced) {
  std::int64_t skipped = 0;
  for (const auto& [tp, committed_offset] : committed) {
    const AckedOffsets* acked = produced.acked_at(tp);
    if (acked == nullptr) continue;
    const std::vector<std::pair<Offset, std::uint64_t>>& by_offset = acked->by_offset();
    Settled& settled = settled_[tp];
    if (settled.version != acked->version()) settled = Settled{acked->version(), 0};
    // Records done stay done: start after the prefix found done before.
    std::size_t i = settled.index;
    while (i < by_offset.size() && by_offset[i].first < committed_offset && done(by_offset[i].second)) ++i;
    settled.index = i;
    for (; i < by_offset.size() && by_offset[i].first < committed_offset; ++i) skipped += done(by_offset[i].second) ? 0 : 1;
  }
  return skipped;
}

}  // namespace ksim::core
