// The small enumerations that Kafka events carry and several mechanisms share: a replica's role,
// a classic group's state, why a produce failed on the client's side, how a commit ended. They
// live here, below the mechanisms that set them, so that an event can name them as values.
#pragma once

#include <cstdint>
#include <string_view>

namespace ksim::core {

enum class ReplicaRole : std::uint8_t { none, leader, follower };
std::string_view replica_role_name(ReplicaRole role);  // "leader", "follower", "none"

// A group's states: the classic protocol's (Kafka's ClassicGroupState: Empty, PreparingRebalance,
// CompletingRebalance, Stable, Dead) and the consumer protocol's (ConsumerGroupState: Empty,
// Assigning, Reconciling, Stable, Dead).
enum class GroupState : std::uint8_t { empty, preparing_rebalance, completing_rebalance, stable, dead, assigning, reconciling };
std::string_view group_state_name(GroupState state);  // "Empty", "PreparingRebalance", ...

// Why a send failed on the client's side, beside a broker's error code.
enum class ClientError : std::uint8_t {
  none,
  broker,            // the broker answered with `error` and the producer gave up
  delivery_timeout,  // delivery.timeout.ms passed (TimeoutException: expiring records)
  max_block,         // buffer.memory stayed full for max.block.ms (TimeoutException)
  record_too_large,  // larger than max.request.size or buffer.memory (RecordTooLargeException)
};
std::string_view client_error_name(ClientError e);

// How a commit ended. commit_failed is Java's CommitFailedException: the member's generation is
// over (it was removed from the group, or the group rebalanced without it).
enum class CommitOutcome : std::uint8_t { committed, commit_failed, rebalance_in_progress, timed_out };
std::string_view commit_outcome_name(CommitOutcome outcome);

}  // namespace ksim::core
