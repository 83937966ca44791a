// MetadataImage: the cluster's metadata as the records of the metadata log build it (Kafka's
// MetadataImage: ClusterImage and TopicsImage, each record replayed as MetadataDelta does).
//
// Every controller keeps one, the active one with its own writes applied before they commit (as
// QuorumController replays a record when it writes it), the others as the records commit; every
// broker keeps one from the records it fetched and saw committed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/protocol/metadata_records.hpp"

namespace ksim::core {

struct BrokerRegistration {
  BrokerId id = kNoBroker;
  std::string rack;
  std::uint64_t incarnation_id = 0;
  std::int64_t epoch = -1;  // the offset of its RegisterBrokerRecord
  bool fenced = true;
  bool in_controlled_shutdown = false;
};

struct TopicImage {
  std::string name;
  TopicConfig config;
  std::vector<PartitionState> partitions;
};

class MetadataImage {
 public:
  // Applies the record written at `offset`. Offsets only grow.
  void apply(Offset offset, const MetadataRecord& record);

  // The offset of the last record applied, -1 before any.
  Offset offset() const { return offset_; }
  const std::map<BrokerId, BrokerRegistration>& brokers() const { return brokers_; }
  const std::map<std::string, TopicImage>& topics() const { return topics_; }
  const BrokerRegistration* broker(BrokerId id) const;
  const PartitionState* partition(const TopicPartition& tp) const;
  const TopicImage* topic(const std::string& name) const;
  // Registered, unfenced and not shutting down: may lead, may join an ISR, gets new replicas.
  bool usable(BrokerId id) const;

 private:
  Offset offset_ = -1;
  std::map<BrokerId, BrokerRegistration> brokers_;
  std::map<std::string, TopicImage> topics_;
};

}  // namespace ksim::core
