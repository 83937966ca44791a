// One change to a partition's leader, ISR and eligible leader replicas, decided the way Kafka's
// controller decides it (metadata/.../controller/PartitionChangeBuilder).
//
// Every change the controller makes goes through here: a fenced broker leaving the ISRs, a
// broker unfenced, a registration after an unclean shutdown, a controlled shutdown, a leader's
// AlterPartition, a preferred or an unclean election. The caller says what the ISR should become
// and which brokers may lead; the change then
//   1. with ELR on (eligible.leader.replicas.version 1), keeps as eligible leader replicas the
//      members that leave an ISR smaller than min.insync.replicas (they hold every committed
//      record, because strict min ISR stops the high watermark below min ISR), except replicas
//      whose registration revealed an unclean shutdown, and clears the ELR once the ISR is back
//      at min ISR;
//   2. elects: the current leader if it may still lead; otherwise the first replica, in replica
//      order, that is in the ISR (or, with an empty ISR, in the ELR) and may lead; otherwise, with
//      ELR on and both lists empty, the last known leader if it may lead (an unclean election, as
//      Kafka counts it); otherwise, when the topic allows it, any replica that may lead (unclean:
//      the ISR becomes the new leader alone, and the leader is marked recovering);
//   3. with ELR off, never empties the ISR: its last member stays, so that the partition
//      remembers who holds its committed data (Kafka 4.0's behaviour);
//   4. bumps the leader epoch when the leader changes and the partition epoch on any change.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

struct PartitionChangeRules {
  bool eligible_leader_replicas = true;  // eligible.leader.replicas.version >= 1
  std::int32_t min_isr = 1;              // the topic's min.insync.replicas, at most its replicas
  bool unclean_election = false;         // unclean.leader.election.enable
  bool preferred = false;                // an ElectLeaders (preferred) election
};

enum class LeaderChoice : std::uint8_t {
  unchanged,     // the leader stays
  isr,           // a clean election from the ISR
  eligible,      // a clean election from the ELR (KIP-966)
  last_known,    // the last known leader, with the ISR and the ELR empty: unclean
  unclean,       // unclean.leader.election.enable: a replica outside the ISR
  preferred,     // the first replica, asked for by an ElectLeaders request
  none,          // nobody may lead: the partition goes offline
};

struct PartitionChangeResult {
  bool changed = false;         // anything at all: a record the controller writes
  bool leader_changed = false;  // the leader and its epoch moved
  LeaderChoice choice = LeaderChoice::unchanged;
};

// Changes `p` toward `target_isr`. `may_lead(b)`: b is registered, unfenced, not in controlled
// shutdown, and not the broker whose departure this change handles. `unclean_shutdown`: replicas
// whose registration revealed an unclean shutdown; they leave the ELR as well as the ISR.
PartitionChangeResult change_partition(PartitionState& p, std::vector<BrokerId> target_isr,
                                       const std::function<bool(BrokerId)>& may_lead,
                                       const PartitionChangeRules& rules,
                                       const std::vector<BrokerId>& unclean_shutdown = {});

}  // namespace ksim::core
