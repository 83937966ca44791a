// The produce purgatory on its own: a leader replica, a waiting acks=all produce, and the
// partition changes that settle it.
#include <catch2/catch.hpp>

#include "core/broker/produce_purgatory.hpp"

using namespace ksim::core;
using ksim::sim::Time;

namespace {

const TopicPartition kTp{"orders", 0};

// Broker 1's replica of orders-0, leading it with `isr`, holding three records.
Partition leader_with(std::vector<BrokerId> isr, std::int32_t min_isr) {
  TopicConfig config;
  config.min_insync_replicas = min_isr;
  Partition p(kTp, 1, config);
  PartitionState state{kTp, {1, 2, 3}, std::move(isr), 1, 0, 0, {}, {}, false};
  p.apply(state, Time::zero());
  RecordBatch batch;
  batch.records = make_record_set({Record{1, -1, 0, 10, Time::zero()}, Record{2, -1, 0, 10, Time::zero()},
                                   Record{3, -1, 0, 10, Time::zero()}},
                                  CompressionType::none);
  p.log().append_as_leader(batch, 0, Time::zero());
  return p;
}

// A produce of those three records to orders-0, waiting for the high watermark to reach 3.
ProducePurgatory::Produce waiting_for_three() {
  ProducePurgatory::Produce produce;
  ProduceResponse::Partition part;
  part.tp = kTp;
  part.base_offset = 0;
  produce.response.partitions.push_back(part);
  produce.required.push_back(3);
  return produce;
}

}  // namespace

TEST_CASE("produce purgatory: an acks=all produce completes when the high watermark passes it",
          "[core][broker][purgatory]") {
  Partition p = leader_with({1, 2}, 2);
  ProducePurgatory purgatory;
  const std::uint64_t id = purgatory.next_id();
  purgatory.park(id, waiting_for_three());
  CHECK(purgatory.partition_changed(kTp, &p).empty());  // the HW is still 0
  CHECK(purgatory.partition_changed({"other", 0}, &p).empty());
  p.update_follower_fetch(2, 3, Time::zero());
  REQUIRE(p.maybe_advance_high_watermark());
  CHECK(purgatory.partition_changed(kTp, &p) == std::vector<std::uint64_t>{id});
  const auto produce = purgatory.take(id);
  REQUIRE(produce.has_value());
  CHECK(produce->response.partitions.front().error == ErrorCode::NONE);
  CHECK_FALSE(purgatory.take(id).has_value());  // taken once
}

TEST_CASE("produce purgatory: committed with an ISR below min.insync.replicas, or leadership lost",
          "[core][broker][purgatory]") {
  SECTION("the ISR is now below min.insync.replicas, the HW past the batch: NOT_ENOUGH_REPLICAS_AFTER_APPEND") {
    // The HW reached the batch while the leader alone met min.insync.replicas (1); then the
    // topic asks for 2. (Strict min ISR keeps the HW from moving while the ISR is too small, so
    // the HW must have got there first.)
    Partition p = leader_with({1}, 1);
    REQUIRE(p.maybe_advance_high_watermark());
    TopicConfig stricter = p.config();
    stricter.min_insync_replicas = 2;
    p.set_config(stricter);
    ProducePurgatory purgatory;
    const std::uint64_t id = purgatory.next_id();
    purgatory.park(id, waiting_for_three());
    CHECK(purgatory.partition_changed(kTp, &p) == std::vector<std::uint64_t>{id});
    CHECK(purgatory.take(id)->response.partitions.front().error == ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND);
  }
  SECTION("this broker no longer has the replica: NOT_LEADER_OR_FOLLOWER") {
    ProducePurgatory purgatory;
    const std::uint64_t id = purgatory.next_id();
    purgatory.park(id, waiting_for_three());
    CHECK(purgatory.partition_changed(kTp, nullptr) == std::vector<std::uint64_t>{id});
    CHECK(purgatory.take(id)->response.partitions.front().error == ErrorCode::NOT_LEADER_OR_FOLLOWER);
  }
}

TEST_CASE("strict min ISR: the high watermark does not move while the ISR is below min.insync.replicas",
          "[core][broker][min-isr]") {
  Partition p = leader_with({1}, 2);  // three records in the leader's log, the ISR the leader alone
  CHECK_FALSE(p.maybe_advance_high_watermark());
  CHECK(p.log().high_watermark() == 0);
  TopicConfig relaxed = p.config();
  relaxed.min_insync_replicas = 1;
  p.set_config(relaxed);
  CHECK(p.maybe_advance_high_watermark());
  CHECK(p.log().high_watermark() == 3);
}
