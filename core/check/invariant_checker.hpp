// InvariantChecker: watches a running cluster through its trace and reports every broken
// replication invariant with the time and the trace event that revealed it.
//
//   one_leader_per_epoch   no two brokers lead the same partition in the same leader epoch
//   hw_monotonic           a leader's high watermark never moves back within its epoch
//   isr_subset_of_replicas the ISR only names replicas of the partition
//   leader_in_isr          the leader is in the ISR, unless it was elected uncleanly
//   strong_isr             every record that was ever committed (below a leader's high
//                          watermark) is in the leader's log and in the log of every ISR member
//                          that reaches its offset, at that offset (StrongIsr in
//                          github.com/hachikuji/kafka-specification)
//
// Violations are expected where Kafka's guarantees are knowingly given up: unclean leader
// elections, the legacy high-watermark truncation, losing the unflushed data of every replica.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"
#include "sim/trace.hpp"

namespace ksim::core {

struct Violation {
  sim::Time time;
  std::string invariant;
  std::string partition;
  std::string detail;
  std::string event;  // the trace event kind at which it was found
};

class InvariantChecker final : public sim::TraceSink {
 public:
  explicit InvariantChecker(const Cluster& cluster) : cluster_(cluster) {}

  void on_event(const sim::TraceEvent& event) override;
  const std::vector<Violation>& violations() const { return violations_; }
  std::size_t count(const std::string& invariant) const;

 private:
  struct CommittedBatch {
    std::uint64_t first_record_id;
  };
  void record_committed(const TopicPartition& tp, BrokerId leader, Offset from, Offset to);
  void check_partition(const TopicPartition& tp, const sim::TraceEvent& cause);
  void report(const sim::TraceEvent& cause, const char* invariant, const TopicPartition& tp,
              std::string detail);

  const Cluster& cluster_;
  std::vector<Violation> violations_;
  std::set<std::string> reported_;  // each distinct violation once
  std::map<std::pair<TopicPartition, LeaderEpoch>, BrokerId> leader_of_epoch_;
  std::map<std::pair<TopicPartition, LeaderEpoch>, Offset> leader_hw_;
  std::set<std::pair<TopicPartition, LeaderEpoch>> unclean_epochs_;
  std::map<TopicPartition, std::map<Offset, CommittedBatch>> committed_;  // by base offset
};

}  // namespace ksim::core
