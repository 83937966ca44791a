// InvariantChecker: follows a running cluster's events and reports every broken replication
// invariant with the time and the event that revealed it.
//
//   one_leader_per_epoch   no two brokers lead the same partition in the same leader epoch
//   hw_monotonic           a leader's high watermark never moves back within its epoch
//   isr_subset_of_replicas the ISR only names replicas of the partition
//   leader_in_isr          the leader is in the ISR, unless it was elected uncleanly
//   strong_isr             every record that was ever committed (below a leader's high
//                          watermark) is in the leader's log and in the log of every ISR member
//                          that reaches its offset, at that offset (StrongIsr in
//                          github.com/hachikuji/kafka-specification)
//   quorum_safety          the metadata quorum's own (QuorumInvariants, as Kafka's
//                          RaftEventSimulationTest): one leader per epoch, epochs and high
//                          watermarks never move back, a committed record is never lost or
//                          changed; checked whenever a member's role, high watermark or log end
//                          changes
//   metadata_applied_monotonic  the metadata a broker or controller has applied never goes back
//                          while its process runs
//
// Violations are expected where Kafka's guarantees are knowingly given up: unclean leader
// elections, the legacy high-watermark truncation, losing the unflushed data of every replica.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/figure_catalog.hpp"
#include "core/cluster/cluster.hpp"
#include "core/event/kafka_observer.hpp"
#include "core/raft/quorum_invariants.hpp"

namespace ksim::core {

struct Violation {
  sim::Time time;
  Invariant invariant;
  std::string partition;
  std::string detail;
  std::string event;  // the trace kind of the event at which it was found
};

class InvariantChecker final : public KafkaObserver {
 public:
  explicit InvariantChecker(const Cluster& cluster) : cluster_(cluster) {}

  using KafkaObserver::on;
  void on(const EventStamp& stamp, const ReplicaRoleChanged& e) override;
  void on(const EventStamp& stamp, const LeaderElected& e) override;
  void on(const EventStamp& stamp, const HighWatermarkAdvanced& e) override;
  void on(const EventStamp& stamp, const IsrChanged& e) override;
  void on(const EventStamp& stamp, const LogTruncated& e) override;
  void on(const EventStamp& stamp, const PartitionWentOffline& e) override;
  void on(const EventStamp& stamp, const QuorumStateChanged& e) override;
  void on(const EventStamp& stamp, const MetadataCommitted& e) override;
  void on(const EventStamp& stamp, const MetadataLogTruncated& e) override;

  const std::vector<Violation>& violations() const { return violations_; }
  std::size_t count(Invariant invariant) const;
  // How many metadata records the quorum checks have seen committed (and compare on every member).
  Offset metadata_records_checked() const { return quorum_.committed_end(); }

 private:
  // What revealed a violation: when, and the event's kind as the trace names it.
  struct Cause {
    sim::Time time;
    std::string_view kind;
  };
  struct CommittedBatch {
    std::uint64_t first_record_id;
  };
  void record_committed(const TopicPartition& tp, BrokerId leader, Offset from, Offset to);
  void check_partition(const TopicPartition& tp, const Cause& cause);
  void report(const Cause& cause, Invariant invariant, const TopicPartition& tp, std::string detail);
  void check_quorum(const Cause& cause);

  const Cluster& cluster_;
  std::vector<Violation> violations_;
  std::set<std::string> reported_;  // each distinct violation once
  std::map<std::pair<TopicPartition, LeaderEpoch>, BrokerId> leader_of_epoch_;
  std::map<std::pair<TopicPartition, LeaderEpoch>, Offset> leader_hw_;
  std::set<std::pair<TopicPartition, LeaderEpoch>> unclean_epochs_;
  std::map<TopicPartition, std::map<Offset, CommittedBatch>> committed_;  // by base offset
  QuorumInvariants quorum_;
  std::vector<QuorumInvariants::Member> quorum_members_;  // rebuilt at each check, kept for its capacity
  struct Applied {
    std::uint32_t incarnation = 0;
    Offset offset = -1;
  };
  std::map<BrokerId, Applied> applied_;  // per quorum member (brokers and controllers)
};

}  // namespace ksim::core
