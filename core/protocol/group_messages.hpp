// The consumer-group requests of the classic protocol (FindCoordinator, JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup) and the offset requests (OffsetCommit, OffsetFetch), with the
// subscription a member sends (ConsumerProtocolSubscription: topics, owned partitions and the
// generation they were owned in).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

// What a member sends for one assignor: its topics, and for the sticky assignors what it owns.
struct GroupSubscription {
  std::vector<std::string> topics;
  std::vector<TopicPartition> owned;
  std::int32_t generation = -1;
  bool operator==(const GroupSubscription&) const = default;
};

// An assignor a member supports (partition.assignment.strategy, in preference order).
struct ProtocolOffer {
  std::string name;
  GroupSubscription subscription;
  bool operator==(const ProtocolOffer&) const = default;
};

struct JoinedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  GroupSubscription subscription;
};

struct FindCoordinatorRequest {
  static constexpr const char* kName = "FindCoordinator";
  std::int32_t correlation_id = 0;
  std::string group_id;
};

struct FindCoordinatorResponse {
  static constexpr const char* kName = "FindCoordinatorResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  BrokerId coordinator = kNoBroker;
};

struct JoinGroupRequest {
  static constexpr const char* kName = "JoinGroup";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;  // empty on the first join
  std::optional<std::string> group_instance_id;
  sim::Duration session_timeout;
  sim::Duration rebalance_timeout;
  std::vector<ProtocolOffer> protocols;
};

struct JoinGroupResponse {
  static constexpr const char* kName = "JoinGroupResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  std::int32_t generation = -1;
  std::string protocol;
  std::string leader;
  std::string member_id;
  std::vector<JoinedMember> members;  // for the leader only
};

struct SyncGroupRequest {
  static constexpr const char* kName = "SyncGroup";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;
  std::int32_t generation = -1;
  std::vector<std::pair<std::string, std::vector<TopicPartition>>> assignments;  // the leader's
};

struct SyncGroupResponse {
  static constexpr const char* kName = "SyncGroupResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  std::vector<TopicPartition> assignment;
};

struct HeartbeatRequest {
  static constexpr const char* kName = "Heartbeat";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;
  std::int32_t generation = -1;
};

struct HeartbeatResponse {
  static constexpr const char* kName = "HeartbeatResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
};

struct LeaveGroupRequest {
  static constexpr const char* kName = "LeaveGroup";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;
};

struct LeaveGroupResponse {
  static constexpr const char* kName = "LeaveGroupResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
};

// The consumer group protocol (KIP-848): one request does what JoinGroup, SyncGroup, Heartbeat
// and LeaveGroup do in the classic one. A member joins with epoch 0, leaves with -1 (a static
// member with -2: its place is kept for the session timeout), and otherwise sends the epoch it has.
// Optional fields are sent only when they changed since the last request (or in a full request:
// joining, or after an error); an absent `owned` tells the coordinator nothing about revocations.
inline constexpr std::int32_t kLeaveGroupMemberEpoch = -1;
inline constexpr std::int32_t kLeaveGroupStaticMemberEpoch = -2;

struct ConsumerGroupHeartbeatRequest {
  static constexpr const char* kName = "ConsumerGroupHeartbeat";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;  // chosen by the client (Kafka 4.0, KIP-1082), kept for its life
  std::int32_t member_epoch = 0;
  std::optional<std::string> instance_id;                  // group.instance.id
  std::optional<sim::Duration> rebalance_timeout;          // max.poll.interval.ms
  std::optional<std::vector<std::string>> subscribed;      // subscribed topic names
  std::optional<std::string> server_assignor;              // group.remote.assignor
  std::optional<std::vector<TopicPartition>> owned;        // the partitions it owns now
};

struct ConsumerGroupHeartbeatResponse {
  static constexpr const char* kName = "ConsumerGroupHeartbeatResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  std::string member_id;
  std::int32_t member_epoch = 0;
  sim::Duration heartbeat_interval;  // group.consumer.heartbeat.interval.ms
  // The member's assignment: sent when it changed, or in answer to a full request.
  std::optional<std::vector<TopicPartition>> assignment;
};

struct OffsetCommitRequest {
  static constexpr const char* kName = "OffsetCommit";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::string member_id;      // empty for a consumer outside the group (assign mode, admin)
  std::int32_t generation = -1;  // the generation, or under the consumer protocol the member epoch
  std::vector<std::pair<TopicPartition, Offset>> offsets;
  // Per offset, the leader epoch of the last record consumed before it (KIP-320; kNoLeaderEpoch
  // when unknown). Empty: none known.
  std::vector<LeaderEpoch> leader_epochs;
};

struct OffsetCommitResponse {
  static constexpr const char* kName = "OffsetCommitResponse";
  std::int32_t correlation_id = 0;
  std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
};

struct OffsetFetchRequest {
  static constexpr const char* kName = "OffsetFetch";
  std::int32_t correlation_id = 0;
  std::string group_id;
  std::vector<TopicPartition> partitions;
};

struct OffsetFetchResponse {
  static constexpr const char* kName = "OffsetFetchResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  std::vector<std::pair<TopicPartition, Offset>> offsets;  // -1: nothing committed
  std::vector<LeaderEpoch> leader_epochs;                   // per offset, as committed
};

std::uint32_t wire_size(const FindCoordinatorRequest& m);
std::uint32_t wire_size(const FindCoordinatorResponse& m);
std::uint32_t wire_size(const JoinGroupRequest& m);
std::uint32_t wire_size(const JoinGroupResponse& m);
std::uint32_t wire_size(const SyncGroupRequest& m);
std::uint32_t wire_size(const SyncGroupResponse& m);
std::uint32_t wire_size(const HeartbeatRequest& m);
std::uint32_t wire_size(const HeartbeatResponse& m);
std::uint32_t wire_size(const LeaveGroupRequest& m);
std::uint32_t wire_size(const LeaveGroupResponse& m);
std::uint32_t wire_size(const ConsumerGroupHeartbeatRequest& m);
std::uint32_t wire_size(const ConsumerGroupHeartbeatResponse& m);
std::uint32_t wire_size(const OffsetCommitRequest& m);
std::uint32_t wire_size(const OffsetCommitResponse& m);
std::uint32_t wire_size(const OffsetFetchRequest& m);
std::uint32_t wire_size(const OffsetFetchResponse& m);

}  // namespace ksim::core
