#include "core/protocol/messages.hpp"

#include "core/protocol/wire_headers.hpp"

namespace ksim::core {

std::string join_broker_ids(const std::vector<BrokerId>& ids) {
  std::string text;
  for (const BrokerId id : ids) text += (text.empty() ? "" : ",") + to_string(id);
  return text;
}

namespace {

using wire::kRequestHeader;
using wire::kResponseHeader;

std::uint32_t topic_bytes(const TopicPartition& tp) {
  // Per topic: name; per partition: index plus a few fixed fields. With one partition per topic
  // entry (as the model sends them), both count once.
  return static_cast<std::uint32_t>(2 + tp.topic.size() + 4 + 4);
}

std::uint32_t state_bytes(const PartitionState& s) {
  return topic_bytes(s.tp) + 4 + 4 + 4 + 4 * static_cast<std::uint32_t>(s.replicas.size() + s.isr.size() + s.elr.size() + s.last_known_elr.size()) + 8 + 1;
}

}  // namespace

std::uint32_t wire_size(const ProduceRequest& m) {
  std::uint32_t size = kRequestHeader + 2 + 2 + 4;  // transactional id, acks, timeout
  for (const auto& p : m.partitions) size += topic_bytes(p.tp) + 4 + p.batch.size_bytes();
  return size;
}

std::uint32_t wire_size(const ProduceResponse& m) {
  return kResponseHeader + 4 + static_cast<std::uint32_t>(m.partitions.size()) * (20 + 2 + 8 + 8 + 8 + 4);
}

std::uint32_t wire_size(const FetchRequest& m) {
  std::uint32_t size = kRequestHeader + 4 + 4 + 4 + 4 + 1 + 4 + 4;
  for (const auto& p : m.partitions) size += topic_bytes(p.tp) + 4 + 8 + 4 + 8 + 4;
  for (const auto& tp : m.forgotten) size += topic_bytes(tp);
  return size;
}

std::uint32_t wire_size(const FetchResponse& m) {
  std::uint32_t size = kResponseHeader + 4 + 2 + 4;
  for (const auto& p : m.partitions) {
    size += topic_bytes(p.tp) + 2 + 8 + 8 + 8 + 4 + 4;
    for (const RecordBatch& b : p.batches) size += b.size_bytes();
  }
  return size;
}

std::uint32_t wire_size(const ListOffsetsRequest& m) {
  return kRequestHeader + 4 + 1 + static_cast<std::uint32_t>(m.partitions.size()) * 30;
}

std::uint32_t wire_size(const ListOffsetsResponse& m) {
  return kResponseHeader + 4 + static_cast<std::uint32_t>(m.partitions.size()) * 38;
}

std::uint32_t wire_size(const OffsetsForLeaderEpochRequest& m) {
  return kRequestHeader + 4 + static_cast<std::uint32_t>(m.partitions.size()) * 30;
}

std::uint32_t wire_size(const OffsetsForLeaderEpochResponse& m) {
  return kResponseHeader + static_cast<std::uint32_t>(m.partitions.size()) * 34;
}

std::uint32_t wire_size(const MetadataRequest& m) {
  std::uint32_t size = kRequestHeader + 4;
  for (const auto& t : m.topics) size += 2 + static_cast<std::uint32_t>(t.size());
  return size;
}

std::uint32_t wire_size(const MetadataResponse& m) {
  std::uint32_t size = kResponseHeader + 4 + 4 + static_cast<std::uint32_t>(m.brokers.size()) * 40;
  for (const auto& s : m.partitions) size += state_bytes(s);
  return size;
}

std::uint32_t wire_size(const BrokerRegistrationRequest& m) {
  return kRequestHeader + 4 + 16 + 40 + static_cast<std::uint32_t>(m.rack.size());
}
std::uint32_t wire_size(const BrokerRegistrationResponse&) { return kResponseHeader + 2 + 8; }
std::uint32_t wire_size(const BrokerHeartbeatRequest&) { return kRequestHeader + 4 + 8 + 8 + 2; }
std::uint32_t wire_size(const BrokerHeartbeatResponse&) { return kResponseHeader + 2 + 4; }

std::uint32_t wire_size(const AlterPartitionRequest& m) {
  return kRequestHeader + 4 + 8 + topic_bytes(m.tp) + 8 + 4 * static_cast<std::uint32_t>(m.new_isr.size());
}
std::uint32_t wire_size(const AlterPartitionResponse& m) {
  return kResponseHeader + 2 + state_bytes(m.state);
}


std::uint32_t wire_size(const InitProducerIdRequest&) { return kRequestHeader + 2 + 4 + 8 + 2; }
std::uint32_t wire_size(const InitProducerIdResponse&) { return kResponseHeader + 4 + 2 + 8 + 2; }

std::uint32_t wire_size(const CreateTopicRequest& m) {
  return kRequestHeader + 2 + static_cast<std::uint32_t>(m.topic.size()) + 4 + 2 +
         4 * static_cast<std::uint32_t>(m.assignment.size() * 4);
}
std::uint32_t wire_size(const CreatePartitionsRequest& m) {
  return kRequestHeader + 2 + static_cast<std::uint32_t>(m.topic.size()) + 4;
}
std::uint32_t wire_size(const ElectLeadersRequest& m) {
  std::uint32_t size = kRequestHeader + 1 + 4;
  for (const auto& tp : m.partitions) size += topic_bytes(tp);
  return size;
}
std::uint32_t wire_size(const AdminResponse&) { return kResponseHeader + 2 + 2; }

}  // namespace ksim::core
