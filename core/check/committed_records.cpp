#include "core/check/committed_records.hpp"

#include <algorithm>

namespace ksim::core {
namespace {

// The replica whose log counts: the leader's if it runs, otherwise the most advanced one's.
const Partition* replica_that_counts(const Cluster& cluster, const PartitionState& p, BrokerId& broker) {
  const Partition* chosen = nullptr;
  for (BrokerId b = 1; b <= cluster.broker_count(); ++b) {
    const Partition* replica = cluster.broker(b).partition(p.tp);
    if (replica == nullptr) continue;
    if (b == p.leader && cluster.broker(b).running()) {
      broker = b;
      return replica;
    }
    if (chosen == nullptr || replica->log().high_watermark() > chosen->log().high_watermark()) {
      chosen = replica;
      broker = b;
    }
  }
  return chosen;
}

}  // namespace

CommittedRecords::CommittedRecords(const Cluster& cluster, std::vector<std::string> topics)
    : cluster_(cluster), topics_(std::move(topics)) {}

std::optional<std::int64_t> CommittedRecords::key_of(std::uint64_t record_id) const {
  const Held held = held_.get(record_id);
  if (held.copies == 0) return std::nullopt;
  return held.key;
}

std::int64_t CommittedRecords::reordered_keys() const {
  // A key may sit out of order in two partitions (its producer's records moved with added
  // partitions): it counts once.
  std::set<ProducerKey> keys;
  for (const Followed& f : followed_) keys.insert(f.reordered.begin(), f.reordered.end());
  return static_cast<std::int64_t>(keys.size());
}

void CommittedRecords::catch_up() {
  for (const std::string& topic : topics_) {
    for (const PartitionState& state : cluster_.controller().image().topics().at(topic).partitions) follow(state);
  }
}

void CommittedRecords::follow(const PartitionState& state) {
  auto [at, added] = index_of_.try_emplace(state.tp, static_cast<std::uint16_t>(followed_.size()));
  if (added) {
    KSIM_ASSERT(followed_.size() < kNoPartition, "too many partitions to follow");
    Followed& f = followed_.emplace_back();
    f.tp = state.tp;
    f.index = at->second;
  }
  Followed& f = followed_[at->second];
  BrokerId broker = kNoBroker;
  const Partition* replica = replica_that_counts(cluster_, state, broker);
  const PartitionLog* log = replica != nullptr ? &replica->log() : nullptr;
  const Offset high_watermark = log != nullptr ? log->high_watermark() : 0;
  // Another replica counts now, or this one's log lost records (or its high watermark went back
  // below what was read, as a restarted broker's does): read it again from its start.
  if (log != f.log || f.stale || high_watermark < f.read_to) {
    forget(f);
    f.log = log;
    f.replica_node = log != nullptr ? cluster_.broker(broker).id() : sim::NodeId{};
    f.stale = false;
  }
  if (log != nullptr) read(f, high_watermark);
}

void CommittedRecords::read(Followed& f, Offset high_watermark) {
  const Offset from = f.read_to;
  f.log->for_each_batch_in(OffsetRange{from, high_watermark}, [&](const RecordBatch& batch) {
    for (std::int32_t i = 0; i < batch.record_count(); ++i) {
      const Offset offset = batch.base_offset + i;
      if (offset < from) continue;
      if (offset >= high_watermark) break;
      add_copy(f, batch.records->records[static_cast<std::size_t>(i)]);
    }
  });
  f.read_to = std::max(f.read_to, high_watermark);
}

void CommittedRecords::add_copy(Followed& f, const Record& record) {
  Held& held = held_[record.id];
  // Whether this partition held a copy already: then this one is a duplicate, not a reordering.
  bool first_here = true;
  if (held.first_partition == f.index) {
    first_here = false;
  } else if (!f.foreign.empty() && f.foreign.count(record.id) != 0U) {
    first_here = false;
  } else if (held.first_partition == kNoPartition) {
    held.first_partition = f.index;
  } else {
    f.foreign.insert(record.id);
  }
  held.key = record.key;
  ++copies_;
  f.ids.push_back(record.id);
  KSIM_ASSERT(held.copies < UINT16_MAX, "a record held too many times");
  if (++held.copies == 2) ++duplicated_;
  if (held.copies == 1) {
    for (HoldListener* l : listeners_) l->on_hold_changed(record.id, true);
  }
  if (record.key < 0 || !first_here) return;
  const ProducerKey key{producer_index_of_record(record.id), record.key};
  std::uint64_t& newest = f.newest[key];
  if (record.id < newest) f.reordered.insert(key);
  newest = std::max(newest, record.id);
}

void CommittedRecords::forget(Followed& f) {
  for (const std::uint64_t id : f.ids) {
    Held& held = held_[id];
    --copies_;
    if (held.first_partition == f.index) held.first_partition = kNoPartition;
    if (--held.copies == 1) --duplicated_;
    if (held.copies == 0) {
      for (HoldListener* l : listeners_) l->on_hold_changed(id, false);
    }
  }
  f.ids.clear();
  f.foreign.clear();
  f.newest.clear();
  f.reordered.clear();
  f.read_to = 0;
}

void CommittedRecords::mark_stale(const EventStamp& stamp, const TopicPartition& tp) {
  const auto at = index_of_.find(tp);
  if (at == index_of_.end()) return;
  Followed& f = followed_[at->second];
  if (f.log != nullptr && f.replica_node == stamp.node) f.stale = true;
}

void CommittedRecords::on(const EventStamp& stamp, const LogTruncated& e) { mark_stale(stamp, e.tp); }

void CommittedRecords::on(const EventStamp& stamp, const LogSegmentsDeleted& e) { mark_stale(stamp, e.tp); }

}  // namespace ksim::core
