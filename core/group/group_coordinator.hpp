// GroupCoordinator: the consumer groups a broker coordinates, because it leads the
// __consumer_offsets partitions they hash to.
//
// Each group is a ClassicGroup (the protocol's state machine) plus its committed offsets. Every
// change that must survive the broker goes to the group's __consumer_offsets partition first:
// an offset commit is acknowledged, and a new generation's assignment handed out, only once the
// write is committed (acks=all). When this broker becomes the partition's leader it replays the
// partition's log to rebuild the groups and offsets (a failover loses nothing that was
// acknowledged); when it stops leading, the groups go and requests for them get NOT_COORDINATOR.
//
// The coordinator does no I/O itself: its host (the broker) appends the records, keeps one timer
// at deadline(), and sends the answers the callbacks produce.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/event/kafka_events.hpp"
#include "core/group/classic_group.hpp"
#include "core/group/consumer_group.hpp"
#include "core/group/offsets_records.hpp"
#include "core/log/partition_log.hpp"
#include "core/protocol/configs.hpp"
#include "core/protocol/group_messages.hpp"

namespace ksim::core {

// What the coordinator reports (core/event/kafka_events.hpp).
using GroupEvent = std::variant<GroupCreated, GroupGenerationPersisted, GroupLoaded, GroupUnloaded, GroupMemberLeft,
                                GroupMemberExpired, GroupCommitRefused, GroupOffsetExpired, GroupDied,
                                ConsumerGroupTargetComputed, ConsumerGroupMemberReconciled>;

class GroupCoordinatorHost {
 public:
  // Appends to this broker's replica of __consumer_offsets-`partition` (it leads it) and calls
  // `done` once the records are committed, or with the error that stopped them.
  virtual void append_offsets_records(std::int32_t partition, std::vector<OffsetsTopicValue> values,
                                      std::function<void(ErrorCode)> done) = 0;
  // Reports what the coordinator did to the run's observers, as an event of its broker.
  virtual void report(const GroupEvent& event) = 0;
  // A topic's partition count in this broker's metadata; -1 when it has none.
  virtual std::int32_t partition_count(const std::string& topic) const = 0;

 protected:
  ~GroupCoordinatorHost() = default;
};

struct CommittedOffset {
  Offset offset = -1;
  sim::Time commit_time;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;  // of the last record consumed before the offset
};

// A group as kafka-consumer-groups --describe shows it (the lag is added by whoever knows the
// log end offsets). A consumer-protocol group fills `consumer_members` and the epochs; its
// `generation` is the group epoch and `protocol` the assignor that computed the target.
struct GroupDescription {
  std::string group;
  GroupState state = GroupState::empty;
  std::int32_t generation = 0;
  std::string protocol;
  std::string leader;
  std::vector<GroupMemberView> members;
  std::map<TopicPartition, CommittedOffset> offsets;
  bool consumer_protocol = false;
  std::int32_t assignment_epoch = 0;
  struct ConsumerMember {
    ConsumerGroupMember member;
    std::vector<TopicPartition> target;
  };
  std::vector<ConsumerMember> consumer_members;
};

class GroupCoordinator {
 public:
  GroupCoordinator(GroupCoordinatorHost& host, const BrokerConfig& config);

  // Which __consumer_offsets partition holds a group.
  std::int32_t partition_for(const std::string& group) const;
  bool coordinates(const std::string& group) const { return partitions_.count(partition_for(group)) != 0U; }
  bool loaded(std::int32_t partition) const { return partitions_.count(partition) != 0U; }

  // This broker now leads __consumer_offsets-`partition`: rebuild its groups from the log.
  void load(std::int32_t partition, const PartitionLog& log, sim::Time now);
  // This broker no longer leads it (or stopped): its groups are gone from here.
  void unload(std::int32_t partition);
  void unload_all();

  void join(sim::Time now, const JoinGroupRequest& request, std::function<void(JoinGroupResponse)> reply);
  void sync(sim::Time now, const SyncGroupRequest& request, std::function<void(SyncGroupResponse)> reply);
  HeartbeatResponse heartbeat(sim::Time now, const HeartbeatRequest& request);
  LeaveGroupResponse leave(sim::Time now, const LeaveGroupRequest& request);
  void commit(sim::Time now, const OffsetCommitRequest& request, std::function<void(OffsetCommitResponse)> reply);
  OffsetFetchResponse fetch_offsets(const OffsetFetchRequest& request) const;
  // The consumer group protocol (KIP-848): answered once the group's new records are committed.
  void consumer_heartbeat(sim::Time now, const ConsumerGroupHeartbeatRequest& request,
                          std::function<void(ConsumerGroupHeartbeatResponse)> reply);
  // Admin: overwrite an inactive group's offsets (kafka-consumer-groups --reset-offsets).
  void reset_offsets(sim::Time now, const std::string& group, std::vector<std::pair<TopicPartition, Offset>> offsets,
                     std::function<void(ErrorCode)> done);

  std::optional<GroupDescription> describe(const std::string& group) const;
  std::vector<std::string> group_ids() const;

  // The next time a session, a join phase or an offset expiry is due.
  std::optional<sim::Time> deadline() const;
  void on_time(sim::Time now);

 private:
  // A group runs one protocol: `classic` or `consumer` is set. An empty group of one kind becomes
  // the other when a member of the other protocol arrives.
  struct Group {
    std::int32_t partition = 0;
    std::unique_ptr<ClassicGroup> classic;
    std::unique_ptr<ConsumerGroup> consumer;
    std::map<TopicPartition, CommittedOffset> offsets;
    // SyncGroup answers held back until the generation's metadata record is committed.
    std::vector<std::function<void(ErrorCode)>> held_syncs;
    bool persisting = false;
  };

  Group* find(const std::string& group);
  const Group* find(const std::string& group) const;
  Group& slot_for(const std::string& group);  // the group's entry, new and empty if need be
  Group& get_or_create(const std::string& group);
  Group& get_or_create_consumer(const std::string& group);
  static GroupState state_of(const Group& g);
  static bool has_members(const Group& g);
  void report_consumer_records(const std::string& group_id, const std::vector<ConsumerGroupRecord>& records,
                               bool new_target);
  void append_consumer_records(const Group& g, const std::vector<ConsumerGroupRecord>& records,
                               std::function<void(ErrorCode)> done);
  void persist_generation(const std::string& group_id);
  void expire_offsets(sim::Time now);

  GroupCoordinatorHost& host_;
  const BrokerConfig& config_;
  ConsumerGroupSettings consumer_settings_;
  std::set<std::int32_t> partitions_;
  std::map<std::string, Group> groups_;
  sim::Time next_expiry_check_;
};

}  // namespace ksim::core
