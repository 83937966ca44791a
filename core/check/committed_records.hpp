// CommittedRecords: what the logs hold, the ground truth the record checkers compare the
// producers' and consumers' histories with. For each partition of the given topics it follows the
// committed records (below the high watermark) of the leader's log if the leader runs, and
// otherwise of the replica with the highest high watermark (what is on disk).
//
// It is fed incrementally: catch_up() reads only what each followed log committed since the last
// call, found by bisection (PartitionLog::for_each_batch_in). A partition is read again from its
// start only when the replica that counts changed, or when the followed log lost records (a
// truncation or a retention deletion: the log.truncated and log.segments_deleted events, which is
// why this is an observer). Per record it keeps how many copies the logs hold and the record's
// key, in a RecordTable; per partition, the order checker for keys.
//
// Figures it answers: duplicates_in_log (records held more than once, each counted once) and
// reordered_keys (keys whose records from one producer sit out of send order in a partition; a
// duplicate's later copies are not counted as a reordering). Others ask holds() and key_of(), and a
// HoldListener hears every record that becomes held or stops being held (acked_lost, sent_lost).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/check/hold_listener.hpp"
#include "core/check/record_table.hpp"
#include "core/cluster/cluster.hpp"
#include "core/event/kafka_observer.hpp"

namespace ksim::core {

class CommittedRecords final : public KafkaObserver {
 public:
  CommittedRecords(const Cluster& cluster, std::vector<std::string> topics);

  void add_listener(HoldListener& listener) { listeners_.push_back(&listener); }
  // Reads what the logs committed since the last call (see above).
  void catch_up();

  bool holds(std::uint64_t record_id) const { return held_.get(record_id).copies > 0; }
  // The record's key as a held copy has it (-1: keyless); nothing when no log holds the record.
  std::optional<std::int64_t> key_of(std::uint64_t record_id) const;
  std::int64_t duplicated_records() const { return duplicated_; }
  std::int64_t reordered_keys() const;
  // How many copies are held, over all followed partitions (duplicates included).
  std::int64_t copies() const { return copies_; }

  using KafkaObserver::on;
  void on(const EventStamp& stamp, const LogTruncated& e) override;
  void on(const EventStamp& stamp, const LogSegmentsDeleted& e) override;

 private:
  // (the producer, from the id's layout; the key)
  using ProducerKey = std::pair<std::uint64_t, std::int64_t>;
  static constexpr std::uint16_t kNoPartition = UINT16_MAX;

  struct Held {
    std::int64_t key = -1;
    std::uint16_t copies = 0;
    // The followed partition (its index) that held the first copy read, when known: a copy read
    // in another partition (a record forwarded to a dead-letter topic keeps its id) is looked up
    // in that partition's `foreign` set instead.
    std::uint16_t first_partition = kNoPartition;
  };
  struct Followed {
    TopicPartition tp;
    std::uint16_t index = 0;
    const PartitionLog* log = nullptr;  // the counted replica's log; null: none yet
    sim::NodeId replica_node;           // its broker's node (events name the node)
    Offset read_to = 0;                 // committed records below this were read
    bool stale = false;                 // the log lost records since: read again
    std::vector<std::uint64_t> ids;     // what was read, to take back on a reread
    std::set<std::uint64_t> foreign;    // ids read here whose first copy is elsewhere
    std::map<ProducerKey, std::uint64_t> newest;  // per key, the highest id read so far
    std::set<ProducerKey> reordered;
  };

  void follow(const PartitionState& state);
  void read(Followed& f, Offset high_watermark);
  void add_copy(Followed& f, const Record& record);
  void forget(Followed& f);
  void mark_stale(const EventStamp& stamp, const TopicPartition& tp);

  const Cluster& cluster_;
  std::vector<std::string> topics_;
  std::vector<Followed> followed_;  // by index
  std::map<TopicPartition, std::uint16_t> index_of_;
  RecordTable<Held> held_;
  std::int64_t duplicated_ = 0;
  std::int64_t copies_ = 0;
  std::vector<HoldListener*> listeners_;
};

}  // namespace ksim::core
