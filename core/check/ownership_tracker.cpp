#include "core/check/ownership_tracker.hpp"

#include <algorithm>

namespace ksim::core {

void OwnershipTracker::on(const EventStamp& stamp, const PartitionsOwnershipChanged& e) {
  const std::string group(e.group);
  const bool assigned = e.change == OwnershipChange::assigned;
  for (const TopicPartition& tp : e.partitions) {
    if (assigned) {
      holds_.push_back(OwnershipHold{group, tp, stamp.node, stamp.time});
    } else {
      for (OwnershipHold& h : holds_) {
        if (h.group == group && h.tp == tp && h.member == stamp.node && h.to == sim::Time::max()) h.to = stamp.time;
      }
    }
    set_owner(group, tp, stamp.node, assigned, stamp.time);
  }
}

// A stopped member owns nothing any more; its listener was never told.
void OwnershipTracker::on(const EventStamp& stamp, const sim::NodeStopped&) {
  for (OwnershipHold& h : holds_) {
    if (h.member == stamp.node && h.to == sim::Time::max()) h.to = stamp.time;
  }
  for (auto& [group, partitions] : groups_) {
    for (auto& [tp, ownership] : partitions) {
      if (ownership.owners.count(stamp.node) != 0U) set_owner(group, tp, stamp.node, false, stamp.time);
    }
  }
}

void OwnershipTracker::set_owner(const std::string& group, const TopicPartition& tp, sim::NodeId member, bool owns,
                                 sim::Time now) {
  PartitionOwnership& p = groups_[group][tp];
  const bool before = !p.owners.empty();
  if (owns) {
    p.owners.insert(member);
  } else {
    p.owners.erase(member);
  }
  const bool after = !p.owners.empty();
  if (before == after) return;
  if (!after) {
    p.unowned_since = now;
    return;
  }
  if (p.unowned_since) {
    if (formed(group)) {
      const sim::Duration gap = now - *p.unowned_since;
      p.no_owner = p.no_owner.value_or(sim::Duration{}) + gap;
      longest_gap_[group] = std::max(longest_gap_[group], gap);
    }
    p.unowned_since.reset();
  }
  if (!formed(group)) check_formed(group);
}

void OwnershipTracker::check_formed(const std::string& group) {
  std::size_t owned = 0;
  for (const auto& [tp, p] : groups_[group]) owned += p.owners.empty() ? 0U : 1U;
  if (owned >= partitions_of_(group)) formed_.insert(group);
}

const std::set<sim::NodeId>& OwnershipTracker::owners(const std::string& group, const TopicPartition& tp) const {
  static const std::set<sim::NodeId> kNobody;
  const auto g = groups_.find(group);
  if (g == groups_.end()) return kNobody;
  const auto p = g->second.find(tp);
  return p == g->second.end() ? kNobody : p->second.owners;
}

NoOwnerTime OwnershipTracker::no_owner(const std::string& group, sim::Time now) const {
  NoOwnerTime out;
  const auto longest = longest_gap_.find(group);
  if (longest != longest_gap_.end()) out.longest_gap = longest->second;
  const auto g = groups_.find(group);
  if (g == groups_.end()) return out;
  for (const auto& [tp, p] : g->second) {
    if (p.no_owner) out.by_partition[tp] = *p.no_owner;
    // A partition still without an owner counts up to now, once the group has formed.
    if (p.unowned_since && formed(group)) {
      const sim::Duration gap = now - *p.unowned_since;
      out.by_partition[tp] += gap;
      out.longest_gap = std::max(out.longest_gap, gap);
    }
  }
  return out;
}

}  // namespace ksim::core
