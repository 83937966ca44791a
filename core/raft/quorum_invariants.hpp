// QuorumInvariants: the safety properties of the metadata quorum, checked after every event as
// Kafka's RaftEventSimulationTest checks its own (SingleLeader, MonotonicEpoch,
// MonotonicHighWatermark, ConsistentCommittedData).
//
//   - at most one leader per epoch, ever;
//   - a replica's epoch never goes back (it is durable);
//   - a replica's high watermark never goes back (a restarted replica does not know it until it
//     hears from a leader, and then knows one at least as high);
//   - a committed record is never lost or changed: below its high watermark every replica's log
//     holds the same records as every other's did when they were committed.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/raft/raft_replica.hpp"

namespace ksim::core {

class QuorumInvariants {
 public:
  // One replica as it is now: its running state (nullptr while its process is down) and its log.
  struct Member {
    ReplicaId id = kNoBroker;
    const RaftReplica* replica = nullptr;
    const RaftLog* log = nullptr;
    // Raised when the node loses its disk: from then on it is a new replica, which starts from an
    // empty log and epoch 0 (what was committed stays committed on the others).
    std::uint32_t disks_lost = 0;
  };

  // Checks the members against what was seen before; returns the first broken invariant.
  std::optional<std::string> check(std::span<const Member> members);

  Offset committed_end() const { return Offset{static_cast<std::int64_t>(committed_.size())}; }

 private:
  struct Seen {
    std::uint32_t disks_lost = 0;
    LeaderEpoch epoch = 0;
    Offset high_watermark = -1;
    Offset verified = 0;  // this replica's log agrees with committed_ below here
    Offset log_end = 0;
  };
  std::map<LeaderEpoch, ReplicaId> leaders_;
  std::map<ReplicaId, Seen> seen_;
  std::vector<RaftEntry> committed_;
};

}  // namespace ksim::core
