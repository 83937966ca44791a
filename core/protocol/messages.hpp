// The requests and responses the Kafka model exchanges, and their sizes on the wire.
//
// Field names follow Kafka's protocol (ProduceRequest, FetchRequest, ...). The simulator keeps
// the fields a lab can observe and sizes each message as Kafka's encoding roughly would: a
// request header, per-topic and per-partition overheads, and the record batches themselves.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "core/log/record.hpp"
#include "core/protocol/configs.hpp"
#include "core/protocol/error_code.hpp"
#include "core/protocol/topic_partition.hpp"
#include "sim/time.hpp"

namespace ksim::core {

// A broker's node.id.
using BrokerId = StrongInt<std::int32_t, struct BrokerIdTag>;
inline constexpr BrokerId kNoBroker{-1};

// acks: 0 (no response), 1 (the leader has it), -1 / all (the in-sync replicas have it).
struct ProduceRequest {
  static constexpr const char* kName = "Produce";
  std::int32_t correlation_id = 0;
  std::int16_t acks = -1;
  sim::Duration timeout = sim::milliseconds(30000);
  struct Partition {
    TopicPartition tp;
    RecordBatch batch;
  };
  std::vector<Partition> partitions;
};

struct ProduceResponse {
  static constexpr const char* kName = "ProduceResponse";
  std::int32_t correlation_id = 0;
  struct Partition {
    TopicPartition tp;
    ErrorCode error = ErrorCode::NONE;
    Offset base_offset = -1;
    Offset log_start_offset = -1;
  };
  std::vector<Partition> partitions;
};

// replica_id: the fetching broker, or -1 for a consumer (who may read only up to the HW).
struct FetchRequest {
  static constexpr const char* kName = "Fetch";
  std::int32_t correlation_id = 0;
  BrokerId replica_id = kNoBroker;
  std::int64_t broker_epoch = -1;
  sim::Duration max_wait = sim::milliseconds(500);
  std::int32_t min_bytes = 1;
  std::int32_t max_bytes = 52'428'800;
  // KIP-227 fetch sessions (core/broker/fetch_session.hpp): epoch -1 fetches without a session;
  // epoch 0 opens one (closing `session_id` if not 0); 1, 2, ... continue session `session_id`,
  // naming only the partitions whose position changed and those to forget.
  static constexpr std::int32_t kNoSession = -1;
  std::int32_t session_id = 0;
  std::int32_t session_epoch = kNoSession;
  struct Partition {
    TopicPartition tp;
    LeaderEpoch current_leader_epoch = kNoLeaderEpoch;
    Offset fetch_offset = 0;
    // The epoch of the last batch in the follower's log (KIP-320): the leader checks it and answers
    // a follower whose log diverged with where that epoch ends. kNoLeaderEpoch: nothing to check.
    LeaderEpoch last_fetched_epoch = kNoLeaderEpoch;
    std::int32_t partition_max_bytes = 1'048'576;
  };
  std::vector<Partition> partitions;
  std::vector<TopicPartition> forgotten;  // incremental only: partitions leaving the session
};

struct FetchResponse {
  static constexpr const char* kName = "FetchResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;  // the session's: FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH
  std::int32_t session_id = 0;        // the session this answer belongs to (0: none)
  struct Partition {
    TopicPartition tp;
    ErrorCode error = ErrorCode::NONE;
    Offset high_watermark = -1;
    Offset log_start_offset = -1;
    Offset log_end_offset = -1;
    std::vector<RecordBatch> batches;
    // The follower's log diverged from the leader's: its last fetched epoch ends, on the leader,
    // at this epoch and offset. It truncates there and fetches again (no batches come with it).
    LeaderEpoch diverging_epoch = kNoLeaderEpoch;
    Offset diverging_end_offset = -1;
    bool diverging() const { return diverging_end_offset >= 0; }
    // An answer that must not wait in the purgatory for data.
    bool answer_at_once() const { return error != ErrorCode::NONE || diverging(); }
  };
  std::vector<Partition> partitions;
};

// Where a partition starts or ends, for a consumer without a position (auto.offset.reset).
struct ListOffsetsRequest {
  static constexpr const char* kName = "ListOffsets";
  static constexpr std::int64_t kEarliest = -2;
  static constexpr std::int64_t kLatest = -1;
  std::int32_t correlation_id = 0;
  struct Partition {
    TopicPartition tp;
    // kEarliest, kLatest, or a time (ns since the run began): the first offset at or after it.
    std::int64_t timestamp = kLatest;
  };
  std::vector<Partition> partitions;
};

struct ListOffsetsResponse {
  static constexpr const char* kName = "ListOffsetsResponse";
  std::int32_t correlation_id = 0;
  struct Partition {
    TopicPartition tp;
    ErrorCode error = ErrorCode::NONE;
    Offset offset = -1;
    // The leader epoch of the offset (KIP-320): the partition's current epoch for the latest
    // offset, the epoch the record was written in otherwise; the consumer validates with it.
    LeaderEpoch leader_epoch = kNoLeaderEpoch;
  };
  std::vector<Partition> partitions;
};

struct OffsetsForLeaderEpochRequest {
  static constexpr const char* kName = "OffsetsForLeaderEpoch";
  std::int32_t correlation_id = 0;
  BrokerId replica_id = kNoBroker;
  struct Partition {
    TopicPartition tp;
    LeaderEpoch current_leader_epoch = kNoLeaderEpoch;
    LeaderEpoch leader_epoch = kNoLeaderEpoch;  // the epoch whose end the follower asks for
  };
  std::vector<Partition> partitions;
};

struct OffsetsForLeaderEpochResponse {
  static constexpr const char* kName = "OffsetsForLeaderEpochResponse";
  std::int32_t correlation_id = 0;
  struct Partition {
    TopicPartition tp;
    ErrorCode error = ErrorCode::NONE;
    LeaderEpoch leader_epoch = kNoLeaderEpoch;
    Offset end_offset = -1;
  };
  std::vector<Partition> partitions;
};

// The state of one partition as the controller decided it (KRaft's PartitionRecord).
struct PartitionState {
  TopicPartition tp;
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  // KIP-966 (eligible.leader.replicas.version 1): replicas that left the ISR while it was below
  // min.insync.replicas, and so hold every committed record; and, once the ISR and the ELR are
  // both empty, the last leader.
  std::vector<BrokerId> elr;
  std::vector<BrokerId> last_known_elr;
  // LeaderRecoveryState RECOVERING: the leader came from an unclean election and has not yet told
  // the controller it recovered; the ISR may not grow until it has.
  bool leader_recovering = false;
  bool operator==(const PartitionState&) const = default;
};

// "1,2,3": broker ids as the trace and the reports print an ISR or a replica list.
std::string join_broker_ids(const std::vector<BrokerId>& ids);

struct MetadataRequest {
  static constexpr const char* kName = "Metadata";
  std::int32_t correlation_id = 0;
  std::vector<std::string> topics;  // empty: all topics
};

struct MetadataResponse {
  static constexpr const char* kName = "MetadataResponse";
  std::int32_t correlation_id = 0;
  struct Broker {
    BrokerId id = kNoBroker;
    std::string rack;
  };
  std::vector<Broker> brokers;
  BrokerId controller_id = kNoBroker;
  std::vector<PartitionState> partitions;
  std::vector<std::string> unknown_topics;
};

// Broker <-> controller.
struct BrokerRegistrationRequest {
  static constexpr const char* kName = "BrokerRegistration";
  BrokerId broker_id = kNoBroker;
  std::string rack;
  // Which run of the broker process this is (Kafka's random incarnation id): a restarted broker
  // is a new incarnation, a retried registration of the same process is not.
  std::uint64_t incarnation_id = 0;
  // The broker epoch its clean-shutdown mark names (KIP-966's PreviousBrokerEpoch); -1 when the
  // last run did not end in a controlled shutdown.
  std::int64_t previous_broker_epoch = -1;
};

struct BrokerRegistrationResponse {
  static constexpr const char* kName = "BrokerRegistrationResponse";
  ErrorCode error = ErrorCode::NONE;  // DUPLICATE_BROKER_REGISTRATION while the old run's session lives
  std::int64_t broker_epoch = -1;
};

struct BrokerHeartbeatRequest {
  static constexpr const char* kName = "BrokerHeartbeat";
  BrokerId broker_id = kNoBroker;
  std::int64_t broker_epoch = -1;
  // The last metadata the broker applied: as in KRaft, where brokers fetch the metadata log, a
  // broker that missed updates (a network cut) catches up.
  std::int64_t metadata_offset = -1;
  bool want_shut_down = false;  // the broker is in controlled shutdown
};

struct BrokerHeartbeatResponse {
  static constexpr const char* kName = "BrokerHeartbeatResponse";
  ErrorCode error = ErrorCode::NONE;
  bool fenced = false;
  bool caught_up = false;        // the broker has the metadata up to its own registration
  bool should_shut_down = false;  // controlled shutdown is done: the broker may exit
};

// A leader asks the controller to change a partition's ISR (KIP-497).
struct AlterPartitionRequest {
  static constexpr const char* kName = "AlterPartition";
  BrokerId broker_id = kNoBroker;
  std::int64_t broker_epoch = -1;
  TopicPartition tp;
  LeaderEpoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::vector<BrokerId> new_isr;
  bool leader_recovering = false;  // false: the leader tells the controller it has recovered
};

struct AlterPartitionResponse {
  static constexpr const char* kName = "AlterPartitionResponse";
  ErrorCode error = ErrorCode::NONE;
  PartitionState state;  // the partition as it now stands
};

// An idempotent producer asks any broker for its producer id and epoch.
struct InitProducerIdRequest {
  static constexpr const char* kName = "InitProducerId";
  std::int32_t correlation_id = 0;
};

struct InitProducerIdResponse {
  static constexpr const char* kName = "InitProducerIdResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  ProducerId producer_id = kNoProducerId;
  ProducerEpoch producer_epoch = -1;
};

// Admin requests, sent to the controller.
struct CreateTopicRequest {
  static constexpr const char* kName = "CreateTopics";
  std::int32_t correlation_id = 0;
  std::string topic;
  std::int32_t partitions = 1;
  std::int16_t replication_factor = 1;
  std::vector<std::vector<BrokerId>> assignment;  // explicit replica lists, or empty
  TopicConfig config;
};

struct CreatePartitionsRequest {
  static constexpr const char* kName = "CreatePartitions";
  std::int32_t correlation_id = 0;
  std::string topic;
  std::int32_t total_count = 1;
};

struct ElectLeadersRequest {
  static constexpr const char* kName = "ElectLeaders";
  std::int32_t correlation_id = 0;
  std::vector<TopicPartition> partitions;  // empty: every partition
};

struct AdminResponse {
  static constexpr const char* kName = "AdminResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
};

// Sizes on the wire, for the network model.
std::uint32_t wire_size(const ProduceRequest& m);
std::uint32_t wire_size(const ProduceResponse& m);
std::uint32_t wire_size(const FetchRequest& m);
std::uint32_t wire_size(const FetchResponse& m);
std::uint32_t wire_size(const ListOffsetsRequest& m);
std::uint32_t wire_size(const ListOffsetsResponse& m);
std::uint32_t wire_size(const OffsetsForLeaderEpochRequest& m);
std::uint32_t wire_size(const OffsetsForLeaderEpochResponse& m);
std::uint32_t wire_size(const MetadataRequest& m);
std::uint32_t wire_size(const MetadataResponse& m);
std::uint32_t wire_size(const BrokerRegistrationRequest& m);
std::uint32_t wire_size(const BrokerRegistrationResponse& m);
std::uint32_t wire_size(const BrokerHeartbeatRequest& m);
std::uint32_t wire_size(const BrokerHeartbeatResponse& m);
std::uint32_t wire_size(const AlterPartitionRequest& m);
std::uint32_t wire_size(const AlterPartitionResponse& m);
std::uint32_t wire_size(const InitProducerIdRequest& m);
std::uint32_t wire_size(const InitProducerIdResponse& m);
std::uint32_t wire_size(const CreateTopicRequest& m);
std::uint32_t wire_size(const CreatePartitionsRequest& m);
std::uint32_t wire_size(const ElectLeadersRequest& m);
std::uint32_t wire_size(const AdminResponse& m);

}  // namespace ksim::core
