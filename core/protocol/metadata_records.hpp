// The records of the metadata log (__cluster_metadata), as KRaft's controllers write them.
//
// Kafka's metadata is a log: every change the active controller decides is a record, committed
// through the controller quorum (core/raft/) and then applied, in log order, by every controller
// and every broker. A record here keeps the fields a lab can observe; the names follow Kafka's
// metadata/src/main/resources/common/metadata/*.json.
#pragma once

#include <variant>
#include <vector>

#include "core/protocol/messages.hpp"

namespace ksim::core {

// Written by the active controller when it has written nothing for metadata.max.idle.interval.ms
// (QuorumController's NoOpRecord), so that the high watermark, and the brokers' view of it, keeps
// moving while the cluster is idle.
struct NoOpRecord {
  bool operator==(const NoOpRecord&) const = default;
};

// The control record a new Raft leader writes first in its epoch (KRaft's LeaderChangeMessage):
// the leader and the voters that elected it. The epoch's first committed offset is this record's.
struct LeaderChangeRecord {
  BrokerId leader = kNoBroker;
  std::vector<BrokerId> voters;
  bool operator==(const LeaderChangeRecord&) const = default;
};

using MetadataRecord = std::variant<NoOpRecord, LeaderChangeRecord>;

}  // namespace ksim::core
