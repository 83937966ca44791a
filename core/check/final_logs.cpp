#include "core/check/final_logs.hpp"

#include <algorithm>

namespace ksim::core {
namespace {

// The replica whose log counts: the leader's if it runs, otherwise the most advanced one's.
const Partition* replica_of_record(const Cluster& cluster, const PartitionState& p) {
  const Partition* chosen = nullptr;
  for (BrokerId b = 1; b <= cluster.broker_count(); ++b) {
    const Partition* replica = cluster.broker(b).partition(p.tp);
    if (replica == nullptr) continue;
    if (b == p.leader && cluster.broker(b).running()) return replica;
    if (chosen == nullptr || replica->log().high_watermark() > chosen->log().high_watermark()) chosen = replica;
  }
  return chosen;
}

}  // namespace

FinalLogs::FinalLogs(const Cluster& cluster, const std::vector<std::string>& topics) {
  for (const std::string& topic : topics) {
    for (const PartitionState& p : cluster.controller().topics().at(topic).partitions) {
      const Partition* chosen = replica_of_record(cluster, p);
      if (chosen == nullptr) continue;
      const PartitionLog& log = chosen->log();
      std::vector<const Record*>& records = records_[p.tp];
      for (const auto& segment : log.segments()) {
        for (const RecordBatch& batch : segment.batches) {
          for (std::int32_t i = 0; i < batch.record_count(); ++i) {
            if (batch.base_offset + i >= log.high_watermark()) break;
            const Record& rec = batch.records->records[static_cast<std::size_t>(i)];
            ids_.push_back(rec.id);
            records.push_back(&rec);
          }
        }
      }
    }
  }
  duplicated_ = count_duplicated_ids(ids_);
}

std::int64_t count_duplicated_ids(std::vector<std::uint64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  std::int64_t duplicated = 0;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1] && (i < 2 || ids[i - 2] != ids[i])) ++duplicated;
  }
  return duplicated;
}

bool FinalLogs::holds(std::uint64_t record_id) const {
  return std::binary_search(ids_.begin(), ids_.end(), record_id);
}

}  // namespace ksim::core
