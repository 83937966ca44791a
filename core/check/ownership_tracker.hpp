// OwnershipTracker: which member of each group owns which partition, and since when, as the
// members' rebalance listeners are told (partitions assigned, revoked, lost) and as members stop.
//
// It keeps the whole history as holds (a member held a partition from one time to another: the
// GUI's rebalance timeline draws them) and, per group, the time partitions spent without an
// owner: the no_owner_ms, max_no_owner_ms and partitions_paused figures. A group's clock starts
// once it has owned every partition of its subscription: its first join is not a gap.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/event/kafka_observer.hpp"

namespace ksim::core {

// A member held a partition of a group from `from` to `to` (max while it still does).
struct OwnershipHold {
  std::string group;
  TopicPartition tp;
  sim::NodeId member;
  sim::Time from;
  sim::Time to = sim::Time::max();
};

// The time a group's partitions spent without an owner, up to a moment: per partition that went
// without one at least once, and the longest single stretch of any of them.
struct NoOwnerTime {
  std::map<TopicPartition, sim::Duration> by_partition;
  sim::Duration longest_gap;
};

class OwnershipTracker final : public KafkaObserver {
 public:
  // How many partitions a group's subscription has now (the controller's view).
  using PartitionCount = std::function<std::size_t(const std::string& group)>;
  explicit OwnershipTracker(PartitionCount partitions_of) : partitions_of_(std::move(partitions_of)) {}

  using KafkaObserver::on;
  void on(const EventStamp& stamp, const PartitionsOwnershipChanged& e) override;
  void on(const EventStamp& stamp, const sim::NodeStopped& e) override;

  // Every hold so far, in the order they began.
  const std::vector<OwnershipHold>& holds() const { return holds_; }
  // The members that own the partition now: one, none, or two while a handover goes wrong.
  const std::set<sim::NodeId>& owners(const std::string& group, const TopicPartition& tp) const;
  // Whether the group has owned every partition of its subscription at some moment.
  bool formed(const std::string& group) const { return formed_.count(group) != 0U; }
  // The no-owner time of a group as of `now`, counting partitions still without an owner so far.
  NoOwnerTime no_owner(const std::string& group, sim::Time now) const;

 private:
  struct PartitionOwnership {
    std::set<sim::NodeId> owners;
    std::optional<sim::Time> unowned_since;
    std::optional<sim::Duration> no_owner;  // set once a gap closed after the group formed
  };
  void set_owner(const std::string& group, const TopicPartition& tp, sim::NodeId member, bool owns, sim::Time now);
  void check_formed(const std::string& group);

  PartitionCount partitions_of_;
  std::vector<OwnershipHold> holds_;
  std::map<std::string, std::map<TopicPartition, PartitionOwnership>> groups_;
  std::map<std::string, sim::Duration> longest_gap_;
  std::set<std::string> formed_;
};

}  // namespace ksim::core
