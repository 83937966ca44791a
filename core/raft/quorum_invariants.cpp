#include "core/raft/quorum_invariants.hpp"

#include <algorithm>

namespace ksim::core {

namespace {

std::string replica_name(ReplicaId id) { return "replica " + std::to_string(id.value()); }

}  // namespace

std::optional<std::string> QuorumInvariants::check(std::span<const Member> members) {
  for (const Member& m : members) {
    Seen& seen = seen_[m.id];
    if (seen.disks_lost != m.disks_lost) {
      seen = Seen{};
      seen.disks_lost = m.disks_lost;
    }
    const RaftLog& log = *m.log;
    // A truncated log must be checked again from where it now ends.
    if (log.end_offset() < seen.log_end) seen.verified = std::min(seen.verified, log.end_offset());
    seen.log_end = log.end_offset();
    if (m.replica == nullptr) continue;
    const RaftReplica& r = *m.replica;

    if (r.epoch() < seen.epoch) {
      return replica_name(m.id) + " went back from epoch " + std::to_string(seen.epoch.value()) + " to " +
             std::to_string(r.epoch().value());
    }
    seen.epoch = r.epoch();

    if (r.role() == RaftRole::leader) {
      const auto [it, inserted] = leaders_.emplace(r.epoch(), m.id);
      if (!inserted && it->second != m.id) {
        return "two leaders in epoch " + std::to_string(r.epoch().value()) + ": " + replica_name(it->second) +
               " and " + replica_name(m.id);
      }
    }

    const Offset hw = r.high_watermark();
    if (hw < 0) continue;
    if (hw < seen.high_watermark) {
      return replica_name(m.id) + "'s high watermark went back from " + std::to_string(seen.high_watermark.value()) +
             " to " + std::to_string(hw.value());
    }
    seen.high_watermark = hw;
    if (hw > log.end_offset()) {
      return replica_name(m.id) + "'s high watermark " + std::to_string(hw.value()) + " is past its log end " +
             std::to_string(log.end_offset().value());
    }
    for (Offset o = seen.verified; o < hw; ++o) {
      const RaftEntry& entry = log.at(o);
      const auto index = static_cast<std::size_t>(o.value());
      if (index == committed_.size()) {
        committed_.push_back(entry);
        continue;
      }
      const RaftEntry& committed = committed_[index];
      if (entry.epoch != committed.epoch || *entry.record != *committed.record) {
        return "committed record at offset " + std::to_string(o.value()) + " (epoch " +
               std::to_string(committed.epoch.value()) + ") differs on " + replica_name(m.id) + " (epoch " +
               std::to_string(entry.epoch.value()) + ")";
      }
    }
    seen.verified = std::max(seen.verified, hw);
  }
  return std::nullopt;
}

}  // namespace ksim::core
