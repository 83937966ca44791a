#include "core/event/outcomes.hpp"

namespace ksim::core {

std::string_view replica_role_name(ReplicaRole role) {
  switch (role) {
    case ReplicaRole::leader: return "leader";
    case ReplicaRole::follower: return "follower";
    case ReplicaRole::none: return "none";
  }
  return "none";
}

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::empty: return "Empty";
    case GroupState::preparing_rebalance: return "PreparingRebalance";
    case GroupState::completing_rebalance: return "CompletingRebalance";
    case GroupState::stable: return "Stable";
    case GroupState::dead: return "Dead";
    case GroupState::assigning: return "Assigning";
    case GroupState::reconciling: return "Reconciling";
  }
  return "Unknown";
}

std::string_view client_error_name(ClientError e) {
  switch (e) {
    case ClientError::none: return "none";
    case ClientError::broker: return "broker";
    case ClientError::delivery_timeout: return "delivery-timeout";
    case ClientError::max_block: return "max-block";
    case ClientError::record_too_large: return "record-too-large";
  }
  return "unknown";
}

std::string_view commit_outcome_name(CommitOutcome outcome) {
  switch (outcome) {
    case CommitOutcome::committed: return "committed";
    case CommitOutcome::commit_failed: return "CommitFailed";
    case CommitOutcome::rebalance_in_progress: return "RebalanceInProgress";
    case CommitOutcome::timed_out: return "TimedOut";
  }
  return "unknown";
}

}  // namespace ksim::core
