// change_partition: the controller's rules for a partition's leader, ISR and eligible leader
// replicas (Kafka's PartitionChangeBuilder), one rule at a time.
#include <catch2/catch.hpp>

#include <set>

#include "core/controller/partition_change.hpp"

using namespace ksim::core;

namespace {

using Ids = std::vector<BrokerId>;

PartitionState partition(Ids isr, BrokerId leader) {
  PartitionState p;
  p.tp = TopicPartition{"orders", 0};
  p.replicas = {1, 2, 3};
  p.isr = std::move(isr);
  p.leader = leader;
  p.leader_epoch = 5;
  p.partition_epoch = 10;
  return p;
}

PartitionChangeRules rules(std::int32_t min_isr, bool elr = true) {
  PartitionChangeRules r;
  r.min_isr = min_isr;
  r.eligible_leader_replicas = elr;
  return r;
}

// Every broker may lead except those listed.
auto all_but(std::set<std::int32_t> out) {
  return [out](BrokerId b) { return out.count(b.value()) == 0; };
}

}  // namespace

TEST_CASE("partition change: members leaving an ISR below min ISR become eligible leaders", "[core][controller]") {
  PartitionState p = partition({1, 2, 3}, 1);
  // To [1, 2]: still at min ISR 2, nobody is eligible.
  change_partition(p, {1, 2}, all_but({}), rules(2));
  CHECK(p.elr.empty());
  // To [1]: below min ISR; broker 2 left it there, so it holds every committed record.
  const PartitionChangeResult r = change_partition(p, {1}, all_but({}), rules(2));
  CHECK(r.changed);
  CHECK_FALSE(r.leader_changed);
  CHECK(p.isr == Ids{1});
  CHECK(p.elr == Ids{2});
  CHECK(p.leader_epoch == 5);  // no epoch bump for an ISR change (metadata.version 3.6+)
  CHECK(p.partition_epoch == 12);
  // Back at min ISR: the ELR is cleared.
  change_partition(p, {1, 3}, all_but({}), rules(2));
  CHECK(p.elr.empty());
  CHECK(p.last_known_elr.empty());

  SECTION("without ELR (eligible.leader.replicas.version 0) nobody is kept") {
    PartitionState q = partition({1, 2, 3}, 1);
    change_partition(q, {1}, all_but({}), rules(2, false));
    CHECK(q.elr.empty());
  }
}

TEST_CASE("partition change: the last ISR member leaving empties the ISR only with ELR", "[core][controller]") {
  SECTION("ELR on: the ISR empties, the leader goes to the ELR and is the last known leader") {
    PartitionState p = partition({1}, 1);
    const PartitionChangeResult r = change_partition(p, {}, all_but({1}), rules(2));
    CHECK(r.leader_changed);
    CHECK(r.choice == LeaderChoice::none);
    CHECK(p.leader == kNoBroker);
    CHECK(p.leader_epoch == 6);
    CHECK(p.isr.empty());
    CHECK(p.elr == Ids{1});
    CHECK(p.last_known_elr == Ids{1});
  }
  SECTION("ELR off (Kafka 4.0): the last member stays in the ISR, so that it is elected when it returns") {
    PartitionState p = partition({1}, 1);
    change_partition(p, {}, all_but({1}), rules(2, false));
    CHECK(p.leader == kNoBroker);
    CHECK(p.isr == Ids{1});
    CHECK(p.elr.empty());
    // Back: it leads again, from the ISR, whatever its log now holds.
    const PartitionChangeResult back = change_partition(p, p.isr, all_but({}), rules(2, false));
    CHECK(back.choice == LeaderChoice::isr);
    CHECK(p.leader == 1);
  }
}

TEST_CASE("partition change: with an empty ISR an eligible replica is elected and becomes the ISR", "[core][controller]") {
  PartitionState p = partition({1}, 1);
  p.elr = {2, 3};
  // Broker 1 is fenced: 2 may lead and is eligible.
  const PartitionChangeResult r = change_partition(p, {}, all_but({1}), rules(2));
  CHECK(r.choice == LeaderChoice::eligible);
  CHECK(p.leader == 2);
  CHECK(p.isr == Ids{2});
  CHECK(p.elr == Ids{1, 3});  // the old leader left below min ISR: eligible too
  CHECK_FALSE(p.leader_recovering);
}

TEST_CASE("partition change: an unclean shutdown takes a replica out of the ISR and the ELR", "[core][controller]") {
  PartitionState p = partition({}, kNoBroker);
  p.elr = {1, 2};
  p.last_known_elr = {3};
  change_partition(p, {}, all_but({1, 2, 3}), rules(2), {2});
  CHECK(p.elr == Ids{1});
  // And it may not lead even if it is the only one left.
  PartitionState q = partition({2}, kNoBroker);
  change_partition(q, {}, all_but({2}), rules(2), {2});
  CHECK(q.isr.empty());
  CHECK(q.elr.empty());
  CHECK(q.leader == kNoBroker);
}

TEST_CASE("partition change: the last known leader is elected when the ISR and the ELR are empty", "[core][controller]") {
  PartitionState p = partition({}, kNoBroker);
  p.last_known_elr = {3};
  SECTION("only when it may lead") {
    const PartitionChangeResult r = change_partition(p, {}, all_but({3}), rules(2));
    CHECK_FALSE(r.leader_changed);
  }
  SECTION("as an unclean election: the ISR is the leader alone and the leader is recovering") {
    const PartitionChangeResult r = change_partition(p, {}, all_but({}), rules(2));
    CHECK(r.choice == LeaderChoice::last_known);
    CHECK(p.leader == 3);
    CHECK(p.isr == Ids{3});
    CHECK(p.leader_recovering);
    CHECK(p.last_known_elr.empty());
  }
  SECTION("not with ELR off") {
    const PartitionChangeResult r = change_partition(p, {}, all_but({}), rules(2, false));
    CHECK_FALSE(r.leader_changed);
  }
}

TEST_CASE("partition change: an unclean election only where the topic allows it", "[core][controller]") {
  PartitionState p = partition({1}, 1);
  CHECK(change_partition(p, {1}, all_but({1}), rules(1)).choice == LeaderChoice::none);
  PartitionChangeRules unclean = rules(1);
  unclean.unclean_election = true;
  PartitionState q = partition({1}, 1);
  const PartitionChangeResult r = change_partition(q, {1}, all_but({1}), unclean);
  CHECK(r.choice == LeaderChoice::unclean);
  CHECK(q.leader == 2);
  CHECK(q.isr == Ids{2});
  CHECK(q.leader_recovering);
  CHECK(q.elr.empty());
}

TEST_CASE("partition change: a preferred election moves the leader to the first replica if it is in the ISR",
          "[core][controller]") {
  PartitionState p = partition({1, 2, 3}, 2);
  PartitionChangeRules preferred = rules(2);
  preferred.preferred = true;
  CHECK(change_partition(p, p.isr, all_but({1}), preferred).choice == LeaderChoice::unchanged);
  CHECK(p.leader == 2);
  const PartitionChangeResult r = change_partition(p, p.isr, all_but({}), preferred);
  CHECK(r.choice == LeaderChoice::preferred);
  CHECK(p.leader == 1);
  CHECK(p.leader_epoch == 6);
  PartitionState q = partition({2, 3}, 2);
  CHECK_FALSE(change_partition(q, q.isr, all_but({}), preferred).changed);  // 1 is not in the ISR
}
