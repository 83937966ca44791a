// A leader's append of produced batches, on a Partition alone (Partition::append_records_as_leader).
#include <catch2/catch.hpp>

#include "../log/log_test_support.hpp"
#include "core/broker/partition.hpp"

using namespace ksim::core;
using ksim::core::testing::batch_of;
using ksim::sim::Time;

namespace {

const TopicPartition kTp{"orders", 0};

// Broker 1's replica, leading with the given ISR (replicas 1, 2, 3).
Partition leader(std::vector<BrokerId> isr, TopicConfig config = {}) {
  Partition p(kTp, 1, config);
  p.apply(PartitionState{kTp, {1, 2, 3}, std::move(isr), 1, 4, 0, {}, {}, false}, Time::zero());
  return p;
}

RecordBatch idempotent(int records, std::int32_t base_sequence, ProducerEpoch epoch = 0) {
  RecordBatch batch = batch_of(records);
  batch.producer_id = ProducerId{7};
  batch.producer_epoch = epoch;
  batch.base_sequence = base_sequence;
  return batch;
}

}  // namespace

TEST_CASE("a new leader starts its epoch at its log end before it appends anything", "[core][broker]") {
  Partition p(kTp, 1, TopicConfig{});
  p.log().append_as_follower([] {
    RecordBatch b = batch_of(3);
    b.partition_leader_epoch = 2;
    return b;
  }(), Time::zero());
  p.apply(PartitionState{kTp, {1, 2, 3}, {1, 2, 3}, 1, 5, 0, {}, {}, false}, Time::zero());
  REQUIRE(p.log().epochs().latest().has_value());
  CHECK(p.log().epochs().latest()->epoch == 5);
  CHECK(p.log().epochs().latest()->start_offset == 3);
  // Epoch 2 ends where 5 begins: what a follower whose last batch is of epoch 2 is told.
  CHECK(p.log().epochs().end_offset_for(2, p.log().log_end_offset()).end_offset == 3);
}

TEST_CASE("leader append: a batch lands at the log end in the leader's epoch", "[core][broker]") {
  Partition p = leader({1, 2, 3});
  const LeaderAppend first = p.append_records_as_leader(batch_of(3), 1, Time::zero());
  REQUIRE(first.error == ErrorCode::NONE);
  REQUIRE(first.appended != nullptr);
  CHECK(first.base_offset == 0);
  CHECK(first.appended->partition_leader_epoch == 4);
  CHECK(p.append_records_as_leader(batch_of(2), 1, Time::zero()).base_offset == 3);
  CHECK(p.log().log_end_offset() == 5);
  CHECK(p.log().high_watermark() == 0);  // the caller advances it
}

TEST_CASE("leader append: acks=all needs min.insync.replicas in the ISR before anything is written; acks=1 does not",
          "[core][broker]") {
  TopicConfig config;
  config.min_insync_replicas = 2;
  Partition p = leader({1}, config);
  const LeaderAppend refused = p.append_records_as_leader(batch_of(1), -1, Time::zero());
  CHECK(refused.error == ErrorCode::NOT_ENOUGH_REPLICAS);
  CHECK(refused.appended == nullptr);
  CHECK(p.log().log_end_offset() == 0);
  CHECK(p.append_records_as_leader(batch_of(1), 1, Time::zero()).error == ErrorCode::NONE);
}

TEST_CASE("leader append: a batch over max.message.bytes is refused", "[core][broker]") {
  TopicConfig config;
  config.log.max_message_bytes = static_cast<std::int32_t>(batch_of(1).size_bytes());
  Partition p = leader({1, 2, 3}, config);
  CHECK(p.append_records_as_leader(batch_of(1), 1, Time::zero()).error == ErrorCode::NONE);
  CHECK(p.append_records_as_leader(batch_of(2), 1, Time::zero()).error == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK(p.log().log_end_offset() == 1);
}

TEST_CASE("leader append: an idempotent producer's retry is answered with its first offset, a gap is refused",
          "[core][broker]") {
  Partition p = leader({1, 2, 3});
  REQUIRE(p.append_records_as_leader(batch_of(1), 1, Time::zero()).base_offset == 0);  // someone else's record
  const LeaderAppend first = p.append_records_as_leader(idempotent(2, 0), 1, Time::zero());
  REQUIRE(first.base_offset == 1);
  const LeaderAppend retry = p.append_records_as_leader(idempotent(2, 0), 1, Time::zero());
  CHECK(retry.error == ErrorCode::NONE);
  CHECK(retry.base_offset == 1);
  CHECK(retry.appended == nullptr);  // not written twice
  CHECK(p.log().log_end_offset() == 3);
  CHECK(p.append_records_as_leader(idempotent(1, 5), 1, Time::zero()).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  CHECK(p.append_records_as_leader(idempotent(1, 2), 1, Time::zero()).base_offset == 3);
}
