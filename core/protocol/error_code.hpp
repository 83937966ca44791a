// Kafka's error codes, by their Kafka names and numbers (org.apache.kafka.common.protocol.Errors).
//
// Only the codes the simulator produces or handles are listed; the numbers are Kafka's own, so a
// trace or a report can be read against Kafka's documentation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ksim::core {

enum class ErrorCode : std::int16_t {
  NONE = 0,
  OFFSET_OUT_OF_RANGE = 1,
  CORRUPT_MESSAGE = 2,
  UNKNOWN_TOPIC_OR_PARTITION = 3,
  LEADER_NOT_AVAILABLE = 5,
  NOT_LEADER_OR_FOLLOWER = 6,
  REQUEST_TIMED_OUT = 7,
  BROKER_NOT_AVAILABLE = 8,
  REPLICA_NOT_AVAILABLE = 9,
  MESSAGE_TOO_LARGE = 10,
  NETWORK_EXCEPTION = 13,
  COORDINATOR_LOAD_IN_PROGRESS = 14,
  COORDINATOR_NOT_AVAILABLE = 15,
  NOT_COORDINATOR = 16,
  RECORD_LIST_TOO_LARGE = 18,
  NOT_ENOUGH_REPLICAS = 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20,
  ILLEGAL_GENERATION = 22,
  INCONSISTENT_GROUP_PROTOCOL = 23,
  UNKNOWN_MEMBER_ID = 25,
  INVALID_SESSION_TIMEOUT = 26,
  REBALANCE_IN_PROGRESS = 27,
  TOPIC_ALREADY_EXISTS = 36,
  INVALID_PARTITIONS = 37,
  INVALID_REPLICATION_FACTOR = 38,
  NOT_CONTROLLER = 41,
  INVALID_REQUEST = 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER = 45,
  DUPLICATE_SEQUENCE_NUMBER = 46,
  INVALID_PRODUCER_EPOCH = 47,
  UNKNOWN_PRODUCER_ID = 59,
  NON_EMPTY_GROUP = 68,
  GROUP_ID_NOT_FOUND = 69,
  FETCH_SESSION_ID_NOT_FOUND = 70,
  INVALID_FETCH_SESSION_EPOCH = 71,
  FENCED_LEADER_EPOCH = 74,
  UNKNOWN_LEADER_EPOCH = 75,
  STALE_BROKER_EPOCH = 77,
  OFFSET_NOT_AVAILABLE = 78,
  MEMBER_ID_REQUIRED = 79,
  PREFERRED_LEADER_NOT_AVAILABLE = 80,
  FENCED_INSTANCE_ID = 82,
  ELECTION_NOT_NEEDED = 84,
  PRODUCER_FENCED = 90,
  DUPLICATE_BROKER_REGISTRATION = 101,
  INELIGIBLE_REPLICA = 107,
  NEW_LEADER_ELECTED = 108,
  FENCED_MEMBER_EPOCH = 110,
  UNRELEASED_INSTANCE_ID = 111,
  UNSUPPORTED_ASSIGNOR = 112,
  STALE_MEMBER_EPOCH = 113,
};

std::string_view error_name(ErrorCode code);
std::optional<ErrorCode> parse_error_name(std::string_view name);

// Retriable as Kafka classifies it (the exception extends RetriableException): a client may try
// the same request again, usually after refreshing its metadata.
bool is_retriable(ErrorCode code);

}  // namespace ksim::core
