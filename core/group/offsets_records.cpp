#include "core/group/offsets_records.hpp"

#include "core/protocol/java_hashing.hpp"

namespace ksim::core {
namespace {

// Record keys are identified by a hash of their text, so that compaction (were it run) and the
// trace see one identity per key.
std::int64_t key_identity(const std::string& text) {
  return static_cast<std::int64_t>(static_cast<std::uint32_t>(java_string_hash(text)));
}

std::uint32_t partitions_bytes(const std::vector<TopicPartition>& list) {
  return static_cast<std::uint32_t>(4 + list.size() * (16 + 4));  // topic id and partition
}

// Sizes close to Kafka's ConsumerGroup*Key and *Value records.
Record consumer_group_record(const OffsetsTopicValue& value, sim::Time now) {
  Record r;
  r.timestamp = now;
  const std::string& group = offsets_value_group(value);
  std::string key = group;
  std::uint32_t bytes = 0;
  bool tombstone = false;
  if (const auto* epoch = std::get_if<ConsumerGroupEpochRecord>(&value)) {
    key += "/epoch";
    bytes = 2 + 4;
    tombstone = epoch->tombstone;
  } else if (const auto* member = std::get_if<ConsumerGroupMemberRecord>(&value)) {
    const ConsumerGroupMember& m = member->member;
    key += "/member/" + m.id;
    bytes = static_cast<std::uint32_t>(2 + 2 + m.instance_id.value_or("").size() + 4 + 4 + 1 + 4 + 2 +
                                       m.server_assignor.value_or("").size() + 2 * 16);
    for (const std::string& topic : m.subscribed) bytes += static_cast<std::uint32_t>(2 + topic.size());
    bytes += partitions_bytes(m.assigned) + partitions_bytes(m.pending_revocation);
    tombstone = member->tombstone;
  } else if (const auto* target = std::get_if<ConsumerGroupTargetRecord>(&value)) {
    key += "/target/" + target->member_id;
    bytes = 2 + partitions_bytes(target->partitions);
    tombstone = target->tombstone;
  } else {
    key += "/target-epoch";
    bytes = 2 + 4 + 8;  // epoch and assignment timestamp
  }
  r.key = key_identity(key);
  r.key_bytes = static_cast<std::uint32_t>(2 + key.size());
  r.value_bytes = tombstone ? 0U : bytes;
  return r;
}

Record to_record(const OffsetsTopicValue& value, sim::Time now) {
  Record r;
  r.timestamp = now;
  if (const auto* commit = std::get_if<OffsetCommitValue>(&value)) {
    const std::string key = commit->group + "/" + commit->tp.str();
    r.key = key_identity(key);
    r.key_bytes = static_cast<std::uint32_t>(2 + 2 + commit->group.size() + 2 + commit->tp.topic.size() + 4);
    r.value_bytes = commit->tombstone ? 0U : 2U + 8U + 4U + 2U + 8U;  // version, offset, epoch, metadata, time
    return r;
  }
  if (!std::holds_alternative<GroupMetadataValue>(value)) return consumer_group_record(value, now);
  const auto& metadata = std::get<GroupMetadataValue>(value);
  r.key = key_identity(metadata.group);
  r.key_bytes = static_cast<std::uint32_t>(2 + 2 + metadata.group.size());
  std::uint32_t bytes = 2 + 10 + 4 + 2 + static_cast<std::uint32_t>(metadata.snapshot.protocol.size() + metadata.snapshot.leader.size()) + 8;
  for (const GroupMemberView& m : metadata.snapshot.members) {
    bytes += static_cast<std::uint32_t>(2 + m.member_id.size() + 2 + 8 + 4 + 4 + 16);
    for (const TopicPartition& tp : m.assignment) bytes += static_cast<std::uint32_t>(2 + tp.topic.size() + 4);
  }
  r.value_bytes = metadata.tombstone ? 0U : bytes;
  return r;
}

}  // namespace

const std::string& offsets_value_group(const OffsetsTopicValue& value) {
  return std::visit([](const auto& v) -> const std::string& { return v.group; }, value);
}

std::shared_ptr<const RecordSet> make_offsets_topic_batch(std::vector<OffsetsTopicValue> values, sim::Time now) {
  std::vector<Record> records;
  records.reserve(values.size());
  for (const OffsetsTopicValue& v : values) records.push_back(to_record(v, now));
  auto payload = std::make_shared<OffsetsTopicPayload>();
  payload->values = std::move(values);
  return make_record_set(std::move(records), CompressionType::none, std::move(payload));
}

}  // namespace ksim::core
