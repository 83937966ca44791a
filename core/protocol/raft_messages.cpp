#include "core/protocol/raft_messages.hpp"

#include <iterator>
#include <type_traits>

#include "core/protocol/wire_headers.hpp"

namespace ksim::core {

using wire::kRequestHeader;
using wire::kResponseHeader;

namespace {

// The metadata log's topic and partition, as each request names them.
constexpr std::uint32_t kPartitionBytes = 2 + 18 + 4;
// A record's framing inside a batch (length, attributes, deltas, key, headers) and the metadata
// record's own frame (frame version, api key, version, tagged fields).
constexpr std::uint32_t kRecordFrame = 8 + 4;

}  // namespace

std::uint32_t metadata_record_bytes(const MetadataRecord& record) {
  const auto ids = [](const std::vector<BrokerId>& list) { return 4 + 4 * static_cast<std::uint32_t>(list.size()); };
  const auto partition = [&](const PartitionState& p) {
    return 16 + 4 + 4 + 4 + 4 + ids(p.replicas) + ids(p.isr) + ids(p.elr) + ids(p.last_known_elr) + 1;
  };
  return kRecordFrame + std::visit(
                            [&](const auto& r) -> std::uint32_t {
                              using R = std::decay_t<decltype(r)>;
                              if constexpr (std::is_same_v<R, LeaderChangeRecord>) {
                                return 4 + ids(r.voters);
                              } else if constexpr (std::is_same_v<R, RegisterBrokerRecord>) {
                                // id, incarnation, epoch, listeners and features (~60 bytes), rack
                                return 4 + 16 + 8 + 60 + 2 + static_cast<std::uint32_t>(r.rack.size());
                              } else if constexpr (std::is_same_v<R, BrokerRegistrationChangeRecord>) {
                                return 4 + 8 + 1 + 1;
                              } else if constexpr (std::is_same_v<R, TopicRecord>) {
                                return 2 + static_cast<std::uint32_t>(r.name.size()) + 16 + 40;  // name, id, configs
                              } else if constexpr (std::is_same_v<R, ConfigRecord>) {
                                return 2 + static_cast<std::uint32_t>(r.topic.size()) + 40;
                              } else if constexpr (std::is_same_v<R, PartitionRecord> ||
                                                   std::is_same_v<R, PartitionChangeRecord>) {
                                return partition(r.state);
                              } else {
                                return 0;
                              }
                            },
                            record);
}

const char* metadata_record_name(const MetadataRecord& record) {
  static constexpr const char* kNames[] = {"NoOpRecord",  "LeaderChangeMessage", "RegisterBrokerRecord",
                                           "BrokerRegistrationChangeRecord", "TopicRecord", "ConfigRecord",
                                           "PartitionRecord", "PartitionChangeRecord"};
  static_assert(std::size(kNames) == std::variant_size_v<MetadataRecord>);
  return kNames[record.index()];
}

std::uint32_t wire_size(const VoteRequest&) { return kRequestHeader + kPartitionBytes + 4 + 4 + 4 + 8 + 1 + 16; }
std::uint32_t wire_size(const VoteResponse&) { return kResponseHeader + kPartitionBytes + 2 + 4 + 4 + 1; }
std::uint32_t wire_size(const BeginQuorumEpochRequest&) { return kRequestHeader + kPartitionBytes + 4 + 4 + 16; }
std::uint32_t wire_size(const BeginQuorumEpochResponse&) { return kResponseHeader + kPartitionBytes + 2 + 4 + 4; }
std::uint32_t wire_size(const EndQuorumEpochRequest& m) {
  return kRequestHeader + kPartitionBytes + 4 + 4 + 20 * static_cast<std::uint32_t>(m.preferred_successors.size());
}
std::uint32_t wire_size(const EndQuorumEpochResponse&) { return kResponseHeader + kPartitionBytes + 2 + 4 + 4; }
std::uint32_t wire_size(const MetadataFetchRequest&) { return kRequestHeader + 4 + 4 + kPartitionBytes + 4 + 8 + 4 + 8; }

std::uint32_t wire_size(const MetadataFetchResponse& m) {
  // One batch header (61 bytes) per fetch is a fair simplification: the leader appends a
  // controller event's records as one batch, and a fetch usually carries one or two.
  std::uint32_t size = kResponseHeader + kPartitionBytes + 2 + 4 + 4 + 8 + 12;
  if (!m.entries.empty()) size += 61;
  for (const RaftEntry& e : m.entries) size += metadata_record_bytes(*e.record);
  return size;
}

}  // namespace ksim::core
