// The consumer group protocol (KIP-848) end to end: consumers with group.protocol=consumer
// against the brokers' group coordinator.
#include <catch2/catch.hpp>
#include <algorithm>

#include "group_lab.hpp"

namespace {

ConsumerConfig consumer_protocol_member() {
  ConsumerConfig c = GroupLab::member_config();
  c.group_protocol = GroupProtocol::consumer;
  return c;
}

}  // namespace

TEST_CASE("consumer protocol: a joining member takes only what moves, the others keep consuming the rest",
          "[core][group][consumer][kip848]") {
  GroupLab lab;
  lab.add("a", consumer_protocol_member());
  lab.add("b", consumer_protocol_member());
  lab.run(seconds(12));
  const std::vector<TopicPartition> a_before = lab.consumer("a").owned();
  const std::vector<TopicPartition> b_before = lab.consumer("b").owned();
  REQUIRE(a_before.size() == 3);
  REQUIRE(b_before.size() == 3);
  lab.produce(1, 300);
  lab.run(seconds(3));
  lab.add("c", consumer_protocol_member());
  lab.produce(301, 300);
  lab.run(seconds(12));
  for (const char* name : {"a", "b", "c"}) {
    CHECK(lab.consumer(name).in_group());
    CHECK(lab.consumer(name).owned().size() == 2);
  }
  CHECK(union_of({&lab.consumer("a"), &lab.consumer("b"), &lab.consumer("c")}).size() == 6);
  // Sticky and incremental: a and b each gave up one partition and kept the others.
  for (const TopicPartition& tp : lab.consumer("a").owned()) CHECK(std::count(a_before.begin(), a_before.end(), tp) == 1);
  for (const TopicPartition& tp : lab.consumer("b").owned()) CHECK(std::count(b_before.begin(), b_before.end(), tp) == 1);
  // Everyone's member epoch is the group's; with a commit before each revocation nothing is
  // processed twice.
  const auto view = lab.coordinator_of("billing").group_coordinator().describe("billing");
  REQUIRE(view);
  CHECK(view->consumer_protocol);
  CHECK(view->state == GroupState::stable);
  for (const auto& m : view->consumer_members) CHECK(m.member.epoch == view->generation);
  const auto counts = lab.processed_counts();
  CHECK(counts.size() == 600);
  for (const auto& [id, n] : counts) CHECK(n == 1);
}

TEST_CASE("consumer protocol: a new coordinator reloads the group from __consumer_offsets, epochs and all",
          "[core][group][consumer][kip848]") {
  GroupLab lab;
  lab.add("a", consumer_protocol_member());
  lab.add("b", consumer_protocol_member());
  lab.run(seconds(12));
  const Broker& old_coordinator = lab.coordinator_of("billing");
  const auto before = old_coordinator.group_coordinator().describe("billing");
  REQUIRE(before);
  REQUIRE(before->state == GroupState::stable);
  const std::int32_t a_epoch = lab.consumer("a").generation();
  const std::vector<TopicPartition> a_owned = lab.consumer("a").owned();
  lab.cluster.sim().stop(old_coordinator.id(), StopKind::process_crash);
  lab.run(seconds(20));
  const Broker& new_coordinator = lab.coordinator_of("billing");
  REQUIRE(new_coordinator.broker_id() != old_coordinator.broker_id());
  const auto after = new_coordinator.group_coordinator().describe("billing");
  REQUIRE(after);
  // The same group epoch: the failover itself is no rebalance; the members went on heartbeating
  // at the new coordinator with the epochs they had.
  CHECK(after->generation == before->generation);
  CHECK(after->assignment_epoch == before->assignment_epoch);
  CHECK(after->consumer_members.size() == 2);
  CHECK(lab.consumer("a").in_group());
  CHECK(lab.consumer("a").generation() == a_epoch);
  CHECK(lab.consumer("a").owned() == a_owned);
}

TEST_CASE("consumer protocol: the commit before a revocation never covers records still being processed",
          "[core][group][consumer][kip848]") {
  // b processes slowly (a poll of 10 records takes a second). Its revocation happens at its next
  // poll, as in Kafka 4.x (KAFKA-18641), so what it commits first is only what it has processed;
  // reconciling as soon as the heartbeat answer arrives would commit the batch in hand.
  GroupLab lab;
  ProcessingSpec slow;
  slow.per_record_min = milliseconds(100);
  slow.per_record_max = milliseconds(100);
  lab.add("a", consumer_protocol_member());
  lab.add("b", consumer_protocol_member(), slow);
  lab.run(seconds(8));
  lab.produce(1, 600);
  lab.run(seconds(2));
  lab.add("c", consumer_protocol_member());
  bool checked = false;
  for (int step = 0; step < 300; ++step) {
    lab.run(milliseconds(50));
    // The highest offset processed per partition, by anyone.
    std::map<TopicPartition, Offset> processed;
    for (const auto& [name, m] : lab.members) {
      for (const ProcessedRecord& r : m.app->processed()) {
        Offset& high = processed[m.app->partition_of(r)];
        high = std::max(high, r.offset);
      }
    }
    const auto view = lab.coordinator_of("billing").group_coordinator().describe("billing");
    REQUIRE(view);
    for (const auto& [tp, committed] : view->offsets) {
      const auto it = processed.find(tp);
      INFO(tp.str() << " committed " << committed.offset);
      CHECK(committed.offset <= (it == processed.end() ? 0 : it->second + 1));
      checked = true;
    }
  }
  CHECK(checked);
  CHECK(lab.consumer("c").owned().size() == 2);
}
