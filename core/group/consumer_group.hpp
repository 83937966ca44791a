// ConsumerGroup: one group under the consumer group protocol (KIP-848) as Kafka's group
// coordinator runs it (GroupMetadataManager.consumerGroupHeartbeat, ConsumerGroup,
// CurrentAssignmentBuilder, TargetAssignmentBuilder).
//
// Three epochs drive it. The group epoch moves on whenever the group changes in a way that
// matters for the assignment: a member joins, leaves or is fenced, a subscription changes, a
// subscribed topic gains partitions. The target assignment is then computed on the broker by a
// server assignor (uniform or range) and carries that epoch; since Kafka 4.3 (KIP-1263) at most
// once per group.consumer.assignment.interval.ms: a change within the interval of the last run
// waits for the first heartbeat after it (the group is Assigning meanwhile, and members keep
// reconciling towards the previous target). Each member then moves towards its
// share of the target on its own, heartbeat by heartbeat (reconciliation), with no group-wide
// barrier: a member that must give partitions up keeps its epoch until it reports them gone
// (unrevoked_partitions); only then does it move to the target epoch and receive the partitions
// that are free; partitions another member still holds are handed over later
// (unreleased_partitions). Members that lose nothing keep consuming throughout.
//
// A member that misses group.consumer.session.timeout.ms, or stays in unrevoked_partitions for its
// rebalance timeout (max.poll.interval.ms), is fenced: removed, and the group epoch bumped. A
// static member that leaves with epoch -2 keeps its partitions and its place for the session
// timeout; a new instance with the same group.instance.id takes them over without a new epoch.
//
// This is the state machine alone. Every change comes back as the records to write to
// __consumer_offsets (the coordinator answers once they are committed), and replay() rebuilds the
// group from them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/event/outcomes.hpp"
#include "core/group/consumer_group_records.hpp"
#include "core/protocol/group_messages.hpp"
#include "sim/time.hpp"

namespace ksim::core {

struct ConsumerGroupSettings {
  sim::Duration session_timeout;            // group.consumer.session.timeout.ms
  sim::Duration heartbeat_interval;         // group.consumer.heartbeat.interval.ms
  std::vector<std::string> assignors;       // group.consumer.assignors; the first is the default
  sim::Duration assignment_interval;        // group.consumer.assignment.interval.ms (KIP-1263)
  // The partition count of a topic in the broker's metadata, -1 when it does not exist.
  std::function<std::int32_t(const std::string&)> partition_count;
};

struct ConsumerHeartbeatResult {
  ConsumerGroupHeartbeatResponse response;
  std::vector<ConsumerGroupRecord> records;
  bool new_target = false;  // the target assignment was computed again
};

// A member fenced by a timer, and why.
struct ConsumerMemberFenced {
  std::string member_id;
  std::string reason;  // "session timeout", "rebalance timeout"
};

class ConsumerGroup {
 public:
  ConsumerGroup(std::string group_id, const ConsumerGroupSettings& settings);

  const std::string& id() const { return id_; }
  GroupState state() const;
  std::int32_t group_epoch() const { return group_epoch_; }
  std::int32_t assignment_epoch() const { return assignment_epoch_; }
  // The server assignor the group's target is computed with: the one most members ask for
  // (group.remote.assignor), else the broker's default (the first of group.consumer.assignors).
  std::string assignor() const;
  const std::map<std::string, ConsumerGroupMember>& members() const { return members_; }
  const std::vector<TopicPartition>& target_of(const std::string& member_id) const;
  bool empty() const { return members_.empty(); }

  ConsumerHeartbeatResult heartbeat(sim::Time now, const ConsumerGroupHeartbeatRequest& request);
  // Whether an offset commit with this member id and epoch is accepted: from outside the group
  // (epoch < 0) only while it has no members; otherwise from a member at its current epoch
  // (STALE_MEMBER_EPOCH if not, UNKNOWN_MEMBER_ID for a member it does not know).
  ErrorCode check_commit(const std::string& member_id, std::int32_t member_epoch) const;

  // Rebuilds the group from its records, in log order; then loaded() gives every member a fresh
  // session, as a coordinator that takes a group over does.
  void replay(const ConsumerGroupRecord& record);
  void loaded(sim::Time now);

  // The next session or rebalance timeout due; on_time fences whoever ran out.
  std::optional<sim::Time> deadline() const;
  std::vector<ConsumerGroupRecord> on_time(sim::Time now, std::vector<ConsumerMemberFenced>& fenced);

 private:
  struct Timers {
    sim::Time session_expires;
    std::optional<sim::Time> revocation_due;  // while in unrevoked_partitions
    std::int32_t revocation_epoch = 0;
  };

  ConsumerHeartbeatResult leave(const ConsumerGroupHeartbeatRequest& request);
  // Finds or creates the member the request speaks for; an error when the request may not.
  ErrorCode resolve_member(sim::Time now, const ConsumerGroupHeartbeatRequest& request, ConsumerGroupMember& member,
                           std::vector<ConsumerGroupRecord>& records);
  ErrorCode check_epoch(const ConsumerGroupMember& member, const ConsumerGroupHeartbeatRequest& request) const;
  void fence(const std::string& member_id, std::vector<ConsumerGroupRecord>& records);
  void remove_member(const std::string& member_id, std::vector<ConsumerGroupRecord>& records);
  bool refresh_subscription_metadata();
  void bump_group_epoch(std::vector<ConsumerGroupRecord>& records);
  void compute_target(sim::Time now, std::vector<ConsumerGroupRecord>& records);
  // CurrentAssignmentBuilder: the member's next state towards the target.
  ConsumerGroupMember reconcile(const ConsumerGroupMember& member,
                                const std::optional<std::vector<TopicPartition>>& owned) const;
  ConsumerGroupMember next_assignment(const ConsumerGroupMember& member, std::int32_t epoch,
                                      const std::optional<std::vector<TopicPartition>>& owned) const;
  // The member holding a partition (assigned or pending revocation), other than `except`.
  bool held_by_other(const TopicPartition& tp, const std::string& except) const;

  std::string id_;
  const ConsumerGroupSettings& settings_;
  std::int32_t group_epoch_ = 0;
  std::int32_t assignment_epoch_ = 0;
  std::optional<sim::Time> assignment_time_;  // when the target was last computed
  std::map<std::string, ConsumerGroupMember> members_;       // by member id
  std::map<std::string, std::vector<TopicPartition>> target_;  // by member id
  std::map<std::string, std::string> static_members_;        // instance id -> member id
  std::map<std::string, std::int32_t> subscription_metadata_;  // subscribed topic -> partitions
  std::map<std::string, Timers> timers_;                     // by member id
};

}  // namespace ksim::core
