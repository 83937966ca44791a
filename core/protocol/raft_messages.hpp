// The requests of KRaft's Raft protocol (KIP-595, pre-vote KIP-996): Vote, BeginQuorumEpoch,
// EndQuorumEpoch, and the Fetch of the metadata log's single partition, __cluster_metadata-0.
//
// Every replica is named by its node.id (a controller's or a broker's: one id space). A response
// names the epoch and leader its sender knows, so that whoever sent the request learns of a newer
// election from any answer, as KafkaRaftClient.maybeHandleCommonResponse does.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/protocol/metadata_records.hpp"
#include "core/protocol/error_code.hpp"
#include "sim/time.hpp"

namespace ksim::core {

using ReplicaId = BrokerId;  // a node.id

// One record of the metadata log and the epoch of the leader that wrote it. Records are
// immutable once written, so replicas share them.
struct RaftEntry {
  LeaderEpoch epoch;
  std::shared_ptr<const MetadataRecord> record;
};

// A candidate asks for a vote in `candidate_epoch` (already raised); a prospective asks for a
// pre-vote (`pre_vote`) in its current epoch, which no voter records. `last_epoch` and
// `last_offset` describe the end of the asker's log: a voter grants only to a log at least as
// up to date as its own.
struct VoteRequest {
  static constexpr const char* kName = "Vote";
  std::int32_t correlation_id = 0;
  LeaderEpoch candidate_epoch;
  ReplicaId candidate = kNoBroker;
  LeaderEpoch last_epoch;
  Offset last_offset = 0;
  bool pre_vote = false;
};

struct VoteResponse {
  static constexpr const char* kName = "VoteResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
  bool vote_granted = false;
};

// A new leader tells every voter of its epoch, and repeats it until each one answered or fetched.
struct BeginQuorumEpochRequest {
  static constexpr const char* kName = "BeginQuorumEpoch";
  std::int32_t correlation_id = 0;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
};

struct BeginQuorumEpochResponse {
  static constexpr const char* kName = "BeginQuorumEpochResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
};

// A leader that resigns (it shuts down, or it heard from too few voters) tells the voters, so that
// they elect another without waiting out their fetch timeout; the voters it names first (the ones
// furthest along) wait least.
struct EndQuorumEpochRequest {
  static constexpr const char* kName = "EndQuorumEpoch";
  std::int32_t correlation_id = 0;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
  std::vector<ReplicaId> preferred_successors;
};

struct EndQuorumEpochResponse {
  static constexpr const char* kName = "EndQuorumEpochResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
};

// Fetch of __cluster_metadata-0, by a voter (it counts towards the high watermark) or an observer
// (a broker). The leader holds it up to `max_wait` when it has nothing new to give.
struct MetadataFetchRequest {
  static constexpr const char* kName = "MetadataFetch";
  std::int32_t correlation_id = 0;
  ReplicaId replica = kNoBroker;
  LeaderEpoch current_leader_epoch;
  Offset fetch_offset = 0;
  LeaderEpoch last_fetched_epoch = kNoLeaderEpoch;
  // The high watermark the fetcher knows (KIP-1166, Kafka 4.1; -1 unknown): a leader that knows a
  // higher one answers at once instead of holding the fetch.
  Offset high_watermark = -1;
  sim::Duration max_wait = sim::milliseconds(500);
};

struct MetadataFetchResponse {
  static constexpr const char* kName = "MetadataFetchResponse";
  std::int32_t correlation_id = 0;
  ErrorCode error = ErrorCode::NONE;
  LeaderEpoch leader_epoch;
  ReplicaId leader = kNoBroker;
  Offset high_watermark = -1;
  // The fetcher's log diverged: where the leader's log has the fetcher's last epoch end.
  struct DivergingEpoch {
    LeaderEpoch epoch;
    Offset end_offset;
  };
  std::optional<DivergingEpoch> diverging;
  std::vector<RaftEntry> entries;  // from the fetch offset on
};

std::uint32_t wire_size(const VoteRequest& m);
std::uint32_t wire_size(const VoteResponse& m);
std::uint32_t wire_size(const BeginQuorumEpochRequest& m);
std::uint32_t wire_size(const BeginQuorumEpochResponse& m);
std::uint32_t wire_size(const EndQuorumEpochRequest& m);
std::uint32_t wire_size(const EndQuorumEpochResponse& m);
std::uint32_t wire_size(const MetadataFetchRequest& m);
std::uint32_t wire_size(const MetadataFetchResponse& m);

}  // namespace ksim::core
