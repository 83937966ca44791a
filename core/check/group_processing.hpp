// GroupProcessing: one group's side of the figures (or one standalone consumer's), fed from its
// members' workloads as they process (catch_up() reads only what was processed since the last
// call; a member that joins later is added when it starts):
//
//   processed[G]              records the application finished (every copy)
//   duplicates_processed[G]   records finished more than once, each counted once
//   dead_lettered[G]          records sent to the dead-letter topic after failing
//   commit_failures[G]        commits the coordinator refused
//   reordered_processing[G]   keys whose records (from one producer) were first processed out of
//                             send order; records first done at the same instant count as in
//                             order, and a record counts by its earliest processing
//   skipped[G]                acknowledged records below the group's committed offsets that no
//                             member processed and none gave up on: data the group will never see
//
// Per record it keeps the earliest processing time and how often it was done (a RecordTable); it
// tells EndToEndLatency each record's earliest processing. Two questions still cost more than
// what is new: reordered_processing walks every processing once per question (a copy processed
// earlier can arrive later and change the order, and a key is judged only while a log holds the
// record), and skipped walks the acknowledged records from the first one not yet found done.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/check/committed_records.hpp"
#include "core/check/produce_outcomes.hpp"
#include "core/check/end_to_end_latency.hpp"
#include "core/check/record_table.hpp"
#include "core/client/consumer_workload.hpp"

namespace ksim::core {

class GroupProcessing {
 public:
  GroupProcessing(const CommittedRecords& logs, EndToEndLatency& latency) : logs_(&logs), latency_(&latency) {}

  void add_member(const ConsumerWorkload& app) { members_.push_back(Member{&app, {}, 0}); }
  void catch_up();

  std::int64_t processed() const { return processed_; }
  std::int64_t duplicates() const { return duplicates_; }
  std::int64_t dead_lettered() const { return dead_lettered_; }
  std::int64_t commit_failures() const;
  std::int64_t reordered_keys() const;
  // Over the given partitions' committed offsets, the acknowledged records (`produced`) below them
  // that were neither processed nor given up on.
  std::int64_t skipped(const std::vector<std::pair<TopicPartition, Offset>>& committed, const ProduceOutcomes& produced);

 private:
  struct Member {
    const ConsumerWorkload* app;
    ProcessedLog::Cursor processed_read;
    std::size_t failed_read;
  };
  struct Done {
    sim::Time first = sim::Time::max();  // the earliest processing
    std::uint8_t times = 0;              // how often processed, 2 standing for "more than once"
    bool gave_up = false;                // a failure handled it (dead-lettered, skipped, retried)
  };
  // How far skipped() found every acknowledged record of a partition done: entries before `index`
  // of AckedOffsets::by_offset() under `version`.
  struct Settled {
    std::uint64_t version = 0;
    std::size_t index = 0;
  };
  bool done(std::uint64_t id) const {
    const Done d = done_.get(id);
    return d.times > 0 || d.gave_up;
  }

  const CommittedRecords* logs_;
  EndToEndLatency* latency_;
  std::vector<Member> members_;
  RecordTable<Done> done_;
  std::int64_t processed_ = 0;
  std::int64_t duplicates_ = 0;
  std::int64_t dead_lettered_ = 0;
  // Every processing as (when, id), sorted when asked: the new ones wait in `unsorted_`.
  mutable std::vector<std::pair<sim::Time, std::uint64_t>> processings_;
  mutable std::vector<std::pair<sim::Time, std::uint64_t>> unsorted_;
  std::map<TopicPartition, Settled> settled_;
};

}  // namespace ksim::core
