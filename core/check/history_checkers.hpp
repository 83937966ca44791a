// HistoryCheckers: the record checkers of a run, wired together. The logs' side
// (CommittedRecords) tells the producers' side (ProduceOutcomes) which records are held; both ends
// of a record's journey meet in EndToEndLatency; each group has its GroupProcessing. catch_up()
// feeds them in that order with what happened since the last call, so the figures can be asked
// for at any moment of a run for the price of what is new.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/check/committed_records.hpp"
#include "core/check/group_processing.hpp"
#include "core/check/produce_outcomes.hpp"
#include "core/check/end_to_end_latency.hpp"

namespace ksim::core {

class HistoryCheckers {
 public:
  // Follows the logs of `topics`; observer() must be attached to the cluster's events
  // (truncations). `awaited`: the topics some consumer reads.
  HistoryCheckers(const Cluster& cluster, std::vector<std::string> topics, std::set<std::string> awaited)
      : logs_(cluster, std::move(topics)), produced_(logs_, latency_, std::move(awaited)) {
    logs_.add_listener(produced_);
  }
  HistoryCheckers(const HistoryCheckers&) = delete;
  HistoryCheckers& operator=(const HistoryCheckers&) = delete;

  KafkaObserver& observer() { return logs_; }
  void add_producer(const Producer& producer) { produced_.add_producer(producer); }
  // The group's (or standalone consumer's) checker, made on first use.
  GroupProcessing& group(const std::string& name) {
    auto it = groups_.find(name);
    if (it == groups_.end()) it = groups_.emplace(name, std::make_unique<GroupProcessing>(logs_, latency_)).first;
    return *it->second;
  }
  void catch_up() {
    logs_.catch_up();
    produced_.catch_up();
    for (auto& [name, group] : groups_) group->catch_up();
  }

  const CommittedRecords& logs() const { return logs_; }
  const ProduceOutcomes& produced() const { return produced_; }
  const EndToEndLatency& latency() const { return latency_; }
  // Batch creation to first processing, with the records still waiting counted at their wait so
  // far: those in the producers on a topic some consumer reads, and those written that a group
  // will still read (acknowledged at or above its committed offset, `committed`: per group its
  // partitions' committed offsets), held by a log and processed by nobody yet. A record below
  // every group's commit that nobody processed is skipped, not waiting; one no log holds is lost.
  Quantiles e2e_latency_ms(sim::Time now, const std::vector<std::pair<TopicPartition, Offset>>& committed) const;

 private:
  CommittedRecords logs_;
  EndToEndLatency latency_;
  ProduceOutcomes produced_;
  std::map<std::string, std::unique_ptr<GroupProcessing>> groups_;
};

}  // namespace ksim::core
