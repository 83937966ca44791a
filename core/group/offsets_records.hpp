// What the group coordinator writes to __consumer_offsets: one record per committed offset (key:
// group, topic, partition) and one per settled generation of a classic group (key: group), and a consumer-protocol group's
// records (core/group/consumer_group_records.hpp). The topic is
// compacted, so only the latest value per key matters; a tombstone (no value) deletes the key.
// A coordinator taking over a partition replays these records to rebuild its groups and offsets.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/group/classic_group.hpp"
#include "core/group/consumer_group_records.hpp"
#include "core/log/record.hpp"

namespace ksim::core {

inline constexpr const char* kOffsetsTopic = "__consumer_offsets";

struct OffsetCommitValue {
  std::string group;
  TopicPartition tp;
  Offset offset = -1;
  sim::Time commit_time;
  bool tombstone = false;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;  // the committed leader epoch (KIP-320)
};

struct GroupMetadataValue {
  std::string group;
  GroupSnapshot snapshot;
  bool tombstone = false;
};

using OffsetsTopicValue =
    std::variant<OffsetCommitValue, GroupMetadataValue, ConsumerGroupEpochRecord, ConsumerGroupMemberRecord,
                 ConsumerGroupTargetRecord, ConsumerGroupTargetEpochRecord>;

// The group a value belongs to.
const std::string& offsets_value_group(const OffsetsTopicValue& value);

struct OffsetsTopicPayload final : RecordPayload {
  std::vector<OffsetsTopicValue> values;
};

// A batch for __consumer_offsets holding these values, with record sizes close to Kafka's
// encoding of the keys and values.
std::shared_ptr<const RecordSet> make_offsets_topic_batch(std::vector<OffsetsTopicValue> values, sim::Time now);

}  // namespace ksim::core
