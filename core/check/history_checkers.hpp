// HistoryCheckers: the record checkers of a run, wired together. The logs' side
// (CommittedRecords) tells the producers' side (ProduceOutcomes) which records are held; both ends
// of a record's journey meet in EndToEndLatency; each group has its GroupProcessing. catch_up()
// feeds them in that order with what happened since the last call, so the figures can be asked
// for at any moment of a run for the price of what is new.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/check/committed_records.hpp"
#include "core/check/group_processing.hpp"
#include "core/check/produce_outcomes.hpp"
#include "core/check/record_latency.hpp"

namespace ksim::core {

class HistoryCheckers {
 public:
  // Follows the logs of `topics`; observe() must be attached to the cluster's events (truncations).
  HistoryCheckers(const Cluster& cluster, std::vector<std::string> topics)
      : logs_(cluster, std::move(topics)), produced_(logs_, latency_) {
    logs_.add_listener(produced_);
  }
  HistoryCheckers(const HistoryCheckers&) = delete;
  HistoryCheckers& operator=(const HistoryCheckers&) = delete;

  KafkaObserver& observer() { return logs_; }
  void add_producer(const ProducerHistory& history) { produced_.add_producer(history); }
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

 private:
  CommittedRecords logs_;
  EndToEndLatency latency_;
  ProduceOutcomes produced_;
  std::map<std::string, std::unique_ptr<GroupProcessing>> groups_;
};

}  // namespace ksim::core
