// FinalLogs: what the logs hold, the ground truth the record checkers compare the producers' and
// consumers' histories with. For each partition of the given topics it reads the committed
// records (below the high watermark) of the leader's log if the leader runs, and otherwise of
// the replica with the highest high watermark (what is on disk), in offset order.
//
// A run holds millions of records, so the ids are a sorted vector searched by bisection, not a
// tree or hash node per record.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::core {

// How many ids occur more than once in `ids`, each counted once however many copies. Sorts `ids`.
std::int64_t count_duplicated_ids(std::vector<std::uint64_t>& ids);

class FinalLogs {
 public:
  FinalLogs(const Cluster& cluster, const std::vector<std::string>& topics);

  // Whether some final log holds the record (duplicates_in_log counts those held twice).
  bool holds(std::uint64_t record_id) const;
  // Records held more than once, each counted once however many copies (duplicates_in_log).
  std::int64_t duplicated_records() const { return duplicated_; }
  // Each partition's committed records, in offset order (a record may appear twice).
  const std::map<TopicPartition, std::vector<const Record*>>& records() const { return records_; }

 private:
  std::vector<std::uint64_t> ids_;  // every record held, duplicates included, sorted
  std::int64_t duplicated_ = 0;
  std::map<TopicPartition, std::vector<const Record*>> records_;
};

}  // namespace ksim::core
