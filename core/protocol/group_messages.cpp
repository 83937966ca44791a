#include "core/protocol/group_messages.hpp"

#include "core/protocol/wire_headers.hpp"

namespace ksim::core {
namespace {

using wire::kRequestHeader;
using wire::kResponseHeader;

// Strings with a 2-byte length.

std::uint32_t text(const std::string& s) { return static_cast<std::uint32_t>(2 + s.size()); }
std::uint32_t partition_bytes(const TopicPartition& tp) { return text(tp.topic) + 4; }

std::uint32_t subscription_bytes(const GroupSubscription& s) {
  std::uint32_t size = 2 + 4 + 4 + 4;  // version, topic count, owned count, generation
  for (const std::string& t : s.topics) size += text(t);
  for (const TopicPartition& tp : s.owned) size += partition_bytes(tp);
  return size;
}

std::uint32_t assignment_bytes(const std::vector<TopicPartition>& a) {
  std::uint32_t size = 2 + 4 + 4;  // version, partition count, user data
  for (const TopicPartition& tp : a) size += partition_bytes(tp);
  return size;
}

}  // namespace

std::uint32_t wire_size(const FindCoordinatorRequest& m) { return kRequestHeader + text(m.group_id) + 1; }
std::uint32_t wire_size(const FindCoordinatorResponse&) { return kResponseHeader + 4 + 2 + 4 + 12 + 4; }

std::uint32_t wire_size(const JoinGroupRequest& m) {
  std::uint32_t size = kRequestHeader + text(m.group_id) + text(m.member_id) + 4 + 4 + 10;
  if (m.group_instance_id) size += text(*m.group_instance_id);
  for (const ProtocolOffer& p : m.protocols) size += text(p.name) + subscription_bytes(p.subscription);
  return size;
}

std::uint32_t wire_size(const JoinGroupResponse& m) {
  std::uint32_t size = kResponseHeader + 4 + 2 + 4 + text(m.protocol) + text(m.leader) + text(m.member_id);
  for (const JoinedMember& member : m.members) {
    size += text(member.member_id) + subscription_bytes(member.subscription);
    if (member.group_instance_id) size += text(*member.group_instance_id);
  }
  return size;
}

std::uint32_t wire_size(const SyncGroupRequest& m) {
  std::uint32_t size = kRequestHeader + text(m.group_id) + text(m.member_id) + 4;
  for (const auto& [member, assignment] : m.assignments) size += text(member) + assignment_bytes(assignment);
  return size;
}

std::uint32_t wire_size(const SyncGroupResponse& m) { return kResponseHeader + 4 + 2 + assignment_bytes(m.assignment); }
std::uint32_t wire_size(const HeartbeatRequest& m) { return kRequestHeader + text(m.group_id) + text(m.member_id) + 4; }
std::uint32_t wire_size(const HeartbeatResponse&) { return kResponseHeader + 4 + 2; }
std::uint32_t wire_size(const LeaveGroupRequest& m) { return kRequestHeader + text(m.group_id) + text(m.member_id); }
std::uint32_t wire_size(const LeaveGroupResponse&) { return kResponseHeader + 4 + 2; }

std::uint32_t wire_size(const ConsumerGroupHeartbeatRequest& m) {
  std::uint32_t size = kRequestHeader + text(m.group_id) + text(m.member_id) + 4 + 2 + 2 + 4 + 2 + 2;
  if (m.instance_id) size += text(*m.instance_id);
  if (m.subscribed) {
    for (const std::string& topic : *m.subscribed) size += text(topic);
  }
  if (m.server_assignor) size += text(*m.server_assignor);
  if (m.owned) size += static_cast<std::uint32_t>(m.owned->size() * (16 + 4));  // topic id and partition
  return size;
}

std::uint32_t wire_size(const ConsumerGroupHeartbeatResponse& m) {
  std::uint32_t size = kResponseHeader + 4 + 2 + 2 + text(m.member_id) + 4 + 4 + 1;
  if (m.assignment) size += static_cast<std::uint32_t>(m.assignment->size() * (16 + 4));
  return size;
}

std::uint32_t wire_size(const OffsetCommitRequest& m) {
  std::uint32_t size = kRequestHeader + text(m.group_id) + text(m.member_id) + 4;
  for (const auto& [tp, offset] : m.offsets) size += partition_bytes(tp) + 8 + 4 + 2;
  return size;
}

std::uint32_t wire_size(const OffsetCommitResponse& m) {
  return kResponseHeader + 4 + static_cast<std::uint32_t>(m.partitions.size()) * 20;
}

std::uint32_t wire_size(const OffsetFetchRequest& m) {
  std::uint32_t size = kRequestHeader + text(m.group_id);
  for (const TopicPartition& tp : m.partitions) size += partition_bytes(tp);
  return size;
}

std::uint32_t wire_size(const OffsetFetchResponse& m) {
  std::uint32_t size = kResponseHeader + 4 + 2;
  for (const auto& [tp, offset] : m.offsets) size += partition_bytes(tp) + 8 + 4 + 2 + 2;
  return size;
}

}  // namespace ksim::core
