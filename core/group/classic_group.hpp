// ClassicGroup: one consumer group as the group coordinator keeps it under the classic protocol
// (JoinGroup / SyncGroup / Heartbeat / LeaveGroup), with Kafka's states and generations.
//
//   Empty --join--> PreparingRebalance --all joined, or rebalance timeout--> CompletingRebalance
//   CompletingRebalance --leader's SyncGroup--> Stable --member joins, leaves or expires-->
//   PreparingRebalance ...; the last member gone: Empty.
//
// A first JoinGroup from an empty group waits group.initial.rebalance.delay.ms (and as long again
// each time another member arrives, up to the rebalance timeout) so that a group starting up
// rebalances once rather than once per member. A member that misses its session timeout is
// removed. A static member (group.instance.id) that rejoins takes its old place without a
// rebalance.
//
// This class is the state machine alone: callers pass the time, and answers come back through
// the callbacks each request carries; deadline() says when on_time() must be called next. The
// broker (the coordinator) wires it to the network and the scheduler.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/event/outcomes.hpp"
#include "core/protocol/group_messages.hpp"
#include "sim/time.hpp"

namespace ksim::core {


struct JoinResult {
  ErrorCode error = ErrorCode::NONE;
  std::int32_t generation = -1;
  std::string protocol;   // the assignor chosen for the group
  std::string member_id;
  std::string leader_id;
  // For the leader only: every member and its subscription, for the assignor.
  std::vector<JoinedMember> members;
};

struct SyncResult {
  ErrorCode error = ErrorCode::NONE;
  std::vector<TopicPartition> assignment;  // as the leader assigned them
};

// One member as the coordinator sees it (for describe, and for the group's metadata record).
struct GroupMemberView {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<ProtocolOffer> protocols;
  sim::Duration session_timeout;
  sim::Duration rebalance_timeout;
  std::vector<TopicPartition> assignment;
};

// What the coordinator writes to __consumer_offsets when a generation is settled, and reads back
// when it takes the group over.
struct GroupSnapshot {
  GroupState state = GroupState::empty;
  std::int32_t generation = 0;
  std::string protocol;
  std::string leader;
  std::vector<GroupMemberView> members;
  sim::Time state_since;  // when it last became empty (for offsets.retention.minutes)
};

class ClassicGroup {
 public:
  using JoinCallback = std::function<void(const JoinResult&)>;
  using SyncCallback = std::function<void(const SyncResult&)>;

  ClassicGroup(std::string group_id, sim::Duration initial_rebalance_delay);

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  std::int32_t generation() const { return generation_; }
  const std::string& leader() const { return leader_; }
  const std::string& protocol() const { return protocol_; }
  // When the group last became empty (offsets of an empty group expire from then on).
  sim::Time state_since() const { return state_since_; }
  std::vector<std::string> member_ids() const;
  const std::vector<TopicPartition>* assignment_of(const std::string& member) const;
  GroupSnapshot snapshot() const;
  // A coordinator taking over the group from the log: members get a fresh session.
  void restore(sim::Time now, const GroupSnapshot& snapshot);
  // The coordinator gives the group up (its broker lost the partition): pending joins and syncs
  // are answered with `error` (NOT_COORDINATOR).
  void abandon(ErrorCode error);
  // Called once the group becomes stable or empty (a new generation settled): what to persist.
  void set_on_settled(std::function<void()> callback) { on_settled_ = std::move(callback); }

  // JoinGroup. An empty member id from a dynamic member is answered at once with
  // MEMBER_ID_REQUIRED and a fresh id to join with; every other join waits for the join phase.
  void join(sim::Time now, const std::string& member_id, const std::optional<std::string>& instance_id,
            std::vector<ProtocolOffer> protocols, sim::Duration session_timeout,
            sim::Duration rebalance_timeout, JoinCallback reply);
  // SyncGroup. The leader's call carries every member's assignment.
  void sync(sim::Time now, const std::string& member_id, std::int32_t generation,
            std::optional<std::map<std::string, std::vector<TopicPartition>>> assignments, SyncCallback reply);
  ErrorCode heartbeat(sim::Time now, const std::string& member_id, std::int32_t generation);
  ErrorCode leave(sim::Time now, const std::string& member_id);
  // Whether an offset commit from this member at this generation is accepted: yes while Stable
  // or PreparingRebalance, REBALANCE_IN_PROGRESS while CompletingRebalance. A commit from
  // outside the group (no member id, generation -1) is accepted only while the group is empty.
  ErrorCode check_commit(const std::string& member_id, std::int32_t generation) const;

  // The next time something is due (a session expiring, the join phase ending), if any.
  std::optional<sim::Time> deadline() const;
  void on_time(sim::Time now);

 private:
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    std::vector<ProtocolOffer> protocols;
    sim::Duration session_timeout;
    sim::Duration rebalance_timeout;
    sim::Time session_expires;
    JoinCallback awaiting_join;
    SyncCallback awaiting_sync;
    std::vector<TopicPartition> assignment;
  };

  void prepare_rebalance(sim::Time now);
  void try_complete_join(sim::Time now);
  void complete_join(sim::Time now);
  void remove_member(sim::Time now, const std::string& member_id);
  std::string select_protocol() const;
  Member* find(const std::string& member_id);

  std::string id_;
  sim::Duration initial_delay_;
  GroupState state_ = GroupState::empty;
  std::int32_t generation_ = 0;
  std::string leader_;
  std::string protocol_;
  std::map<std::string, Member> members_;  // by member id
  std::vector<std::string> join_order_;    // who joined first leads
  std::vector<std::string> pending_;       // ids handed out with MEMBER_ID_REQUIRED
  std::optional<sim::Time> join_deadline_;
  sim::Time join_started_;
  bool initial_join_ = false;              // the join phase of an empty group: it waits the delay
  std::uint64_t next_member_ = 1;
  sim::Time state_since_;
  std::function<void()> on_settled_;
};

}  // namespace ksim::core
