// The records of the metadata log (__cluster_metadata), as KRaft's controllers write them.
//
// Kafka's metadata is a log: every change the active controller decides is a record, committed
// through the controller quorum (core/raft/) and then applied, in log order, by every controller
// and every broker (core/metadata/metadata_image.hpp). A record keeps the fields a lab can
// observe; the names are Kafka's (metadata/src/main/resources/common/metadata/*.json). Two
// simplifications: a partition change carries the partition as it now stands rather than only
// the fields that changed, and a topic's configs travel as one record rather than one per key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/protocol/configs.hpp"
#include "core/protocol/messages.hpp"

namespace ksim::core {

// Written by the active controller every metadata.max.idle.interval.ms (QuorumController's
// NoOpRecord), so that the high watermark, and the metadata offset the brokers report, keeps
// moving while nothing else happens.
struct NoOpRecord {
  bool operator==(const NoOpRecord&) const = default;
};

// The control record a new Raft leader writes first in its epoch (KRaft's LeaderChangeMessage):
// the leader and the voters that elected it.
struct LeaderChangeRecord {
  BrokerId leader = kNoBroker;
  std::vector<BrokerId> voters;
  bool operator==(const LeaderChangeRecord&) const = default;
};

// A broker's registration (ClusterControlManager.registerBroker). Its broker epoch is the offset
// of this record; a new registration starts fenced.
struct RegisterBrokerRecord {
  BrokerId broker = kNoBroker;
  std::uint64_t incarnation_id = 0;
  std::string rack;
  bool operator==(const RegisterBrokerRecord&) const = default;
};

// A change to a registration: fenced or unfenced, in controlled shutdown or not.
struct BrokerRegistrationChangeRecord {
  BrokerId broker = kNoBroker;
  std::int64_t broker_epoch = -1;
  std::optional<bool> fenced;
  std::optional<bool> in_controlled_shutdown;
  bool operator==(const BrokerRegistrationChangeRecord&) const = default;
};

// A new topic, with its configs.
struct TopicRecord {
  std::string name;
  TopicConfig config;
  bool operator==(const TopicRecord&) const = default;
};

// A topic's configs changed (Kafka: one ConfigRecord per key).
struct ConfigRecord {
  std::string topic;
  TopicConfig config;
  bool operator==(const ConfigRecord&) const = default;
};

// A new partition (PartitionRecord), or a change to one (PartitionChangeRecord), as it now stands.
struct PartitionRecord {
  PartitionState state;
  bool operator==(const PartitionRecord&) const = default;
};
struct PartitionChangeRecord {
  PartitionState state;
  bool operator==(const PartitionChangeRecord&) const = default;
};

using MetadataRecord = std::variant<NoOpRecord, LeaderChangeRecord, RegisterBrokerRecord, BrokerRegistrationChangeRecord,
                                    TopicRecord, ConfigRecord, PartitionRecord, PartitionChangeRecord>;

// The record's kind as Kafka names it ("PartitionChangeRecord"), and its size in a batch.
const char* metadata_record_name(const MetadataRecord& record);
std::uint32_t metadata_record_bytes(const MetadataRecord& record);

}  // namespace ksim::core
