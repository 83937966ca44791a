#include <catch2/catch.hpp>

#include "core/check/ownership_tracker.hpp"

using namespace ksim::core;
using ksim::sim::Duration;
using ksim::sim::milliseconds;
using ksim::sim::NodeId;
using ksim::sim::Time;

namespace {

// Drives a tracker with the events a two-partition group's members would cause.
struct Group {
  OwnershipTracker tracker{[](const std::string& group) { return group == "billing" ? 2U : 0U; }};
  const NodeId a{7};
  const NodeId b{8};
  const TopicPartition p0{"orders", 0};
  const TopicPartition p1{"orders", 1};

  void change(std::int64_t at_ms, NodeId member, OwnershipChange change, std::vector<TopicPartition> partitions) {
    tracker.on(EventStamp{at(at_ms), member}, PartitionsOwnershipChanged{change, "billing", "m", 1, partitions});
  }
  static Time at(std::int64_t ms) { return Time::zero() + milliseconds(ms); }
};

}  // namespace

TEST_CASE("ownership: the first join is not a gap; a revoke-then-assign handover is", "[core][check]") {
  Group g;
  g.change(100, g.a, OwnershipChange::assigned, {g.p0});
  CHECK_FALSE(g.tracker.formed("billing"));  // one of two partitions owned
  g.change(900, g.a, OwnershipChange::assigned, {g.p1});
  CHECK(g.tracker.formed("billing"));
  CHECK(g.tracker.no_owner("billing", Group::at(1000)).by_partition.empty());

  g.change(2000, g.a, OwnershipChange::revoked, {g.p1});  // an eager rebalance
  CHECK(g.tracker.owners("billing", g.p1).empty());
  // Asked mid-gap: the open gap counts up to now.
  NoOwnerTime mid = g.tracker.no_owner("billing", Group::at(2300));
  CHECK(mid.by_partition.at(g.p1) == milliseconds(300));
  CHECK(mid.longest_gap == milliseconds(300));

  g.change(2500, g.b, OwnershipChange::assigned, {g.p1});
  const NoOwnerTime after = g.tracker.no_owner("billing", Group::at(5000));
  CHECK(after.by_partition.size() == 1);
  CHECK(after.by_partition.at(g.p1) == milliseconds(500));
  CHECK(after.longest_gap == milliseconds(500));
  CHECK(*g.tracker.owners("billing", g.p1).begin() == g.b);
}

TEST_CASE("ownership: a stopped member's partitions have no owner from the moment it stopped", "[core][check]") {
  Group g;
  g.change(0, g.a, OwnershipChange::assigned, {g.p0, g.p1});
  g.tracker.on(EventStamp{Group::at(1000), g.a}, ksim::sim::NodeStopped{ksim::sim::StopKind::process_crash});
  CHECK(g.tracker.owners("billing", g.p0).empty());
  const NoOwnerTime gap = g.tracker.no_owner("billing", Group::at(4000));
  CHECK(gap.by_partition.at(g.p0) == milliseconds(3000));
  CHECK(gap.by_partition.at(g.p1) == milliseconds(3000));
  // The history: both holds end at the crash.
  REQUIRE(g.tracker.holds().size() == 2);
  for (const OwnershipHold& h : g.tracker.holds()) {
    CHECK(h.member == g.a);
    CHECK(h.from == Group::at(0));
    CHECK(h.to == Group::at(1000));
  }
}

TEST_CASE("ownership: two owners at once keep the partition owned until both let go", "[core][check]") {
  Group g;
  g.change(0, g.a, OwnershipChange::assigned, {g.p0, g.p1});
  g.change(100, g.b, OwnershipChange::assigned, {g.p0});  // a zombie's overlap
  CHECK(g.tracker.owners("billing", g.p0).size() == 2);
  g.change(200, g.a, OwnershipChange::lost, {g.p0});
  CHECK(g.tracker.owners("billing", g.p0).size() == 1);
  CHECK(g.tracker.no_owner("billing", Group::at(300)).by_partition.empty());
}
