#include "core/protocol/error_code.hpp"

#include <array>
#include <utility>

namespace ksim::core {
namespace {

struct Entry {
  ErrorCode code;
  std::string_view name;
  bool retriable;
};

#define KSIM_ERROR(name, retriable) Entry{ErrorCode::name, #name, retriable}
constexpr std::array kErrors{
    KSIM_ERROR(NONE, false),
    KSIM_ERROR(OFFSET_OUT_OF_RANGE, false),
    KSIM_ERROR(CORRUPT_MESSAGE, true),
    KSIM_ERROR(UNKNOWN_TOPIC_OR_PARTITION, true),
    KSIM_ERROR(LEADER_NOT_AVAILABLE, true),
    KSIM_ERROR(NOT_LEADER_OR_FOLLOWER, true),
    KSIM_ERROR(REQUEST_TIMED_OUT, true),
    KSIM_ERROR(BROKER_NOT_AVAILABLE, false),
    KSIM_ERROR(REPLICA_NOT_AVAILABLE, true),
    KSIM_ERROR(MESSAGE_TOO_LARGE, false),
    KSIM_ERROR(NETWORK_EXCEPTION, true),
    KSIM_ERROR(COORDINATOR_LOAD_IN_PROGRESS, true),
    KSIM_ERROR(COORDINATOR_NOT_AVAILABLE, true),
    KSIM_ERROR(NOT_COORDINATOR, true),
    KSIM_ERROR(RECORD_LIST_TOO_LARGE, false),
    KSIM_ERROR(NOT_ENOUGH_REPLICAS, true),
    KSIM_ERROR(NOT_ENOUGH_REPLICAS_AFTER_APPEND, true),
    KSIM_ERROR(ILLEGAL_GENERATION, false),
    KSIM_ERROR(INCONSISTENT_GROUP_PROTOCOL, false),
    KSIM_ERROR(UNKNOWN_MEMBER_ID, false),
    KSIM_ERROR(INVALID_SESSION_TIMEOUT, false),
    KSIM_ERROR(REBALANCE_IN_PROGRESS, false),
    KSIM_ERROR(TOPIC_ALREADY_EXISTS, false),
    KSIM_ERROR(INVALID_PARTITIONS, false),
    KSIM_ERROR(INVALID_REPLICATION_FACTOR, false),
    KSIM_ERROR(NOT_CONTROLLER, true),
    KSIM_ERROR(INVALID_REQUEST, false),
    KSIM_ERROR(OUT_OF_ORDER_SEQUENCE_NUMBER, false),
    KSIM_ERROR(DUPLICATE_SEQUENCE_NUMBER, false),
    KSIM_ERROR(INVALID_PRODUCER_EPOCH, false),
    KSIM_ERROR(UNKNOWN_PRODUCER_ID, false),
    KSIM_ERROR(NON_EMPTY_GROUP, false),
    KSIM_ERROR(GROUP_ID_NOT_FOUND, false),
    KSIM_ERROR(FETCH_SESSION_ID_NOT_FOUND, true),
    KSIM_ERROR(INVALID_FETCH_SESSION_EPOCH, true),
    KSIM_ERROR(FENCED_LEADER_EPOCH, true),
    KSIM_ERROR(UNKNOWN_LEADER_EPOCH, true),
    KSIM_ERROR(STALE_BROKER_EPOCH, false),
    KSIM_ERROR(OFFSET_NOT_AVAILABLE, true),
    KSIM_ERROR(MEMBER_ID_REQUIRED, false),
    KSIM_ERROR(PREFERRED_LEADER_NOT_AVAILABLE, true),
    KSIM_ERROR(FENCED_INSTANCE_ID, false),
    KSIM_ERROR(ELECTION_NOT_NEEDED, false),
    KSIM_ERROR(PRODUCER_FENCED, false),
    KSIM_ERROR(DUPLICATE_BROKER_REGISTRATION, false),
    KSIM_ERROR(INELIGIBLE_REPLICA, false),
    KSIM_ERROR(NEW_LEADER_ELECTED, false),
    KSIM_ERROR(FENCED_MEMBER_EPOCH, false),
    KSIM_ERROR(UNRELEASED_INSTANCE_ID, false),
    KSIM_ERROR(UNSUPPORTED_ASSIGNOR, false),
    KSIM_ERROR(STALE_MEMBER_EPOCH, false),
};
#undef KSIM_ERROR

const Entry* find(ErrorCode code) {
  for (const Entry& e : kErrors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

}  // namespace

std::string_view error_name(ErrorCode code) {
  const Entry* e = find(code);
  return e != nullptr ? e->name : "UNKNOWN_SERVER_ERROR";
}

std::optional<ErrorCode> parse_error_name(std::string_view name) {
  for (const Entry& e : kErrors) {
    if (e.name == name) return e.code;
  }
  return std::nullopt;
}

bool is_retriable(ErrorCode code) {
  const Entry* e = find(code);
  return e != nullptr && e->retriable;
}

}  // namespace ksim::core
