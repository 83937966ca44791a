// Request handling on a healthy cluster: limits, idempotence, consumer fetches, metadata.
#include <catch2/catch.hpp>

#include "replication_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::TestClient;

using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;

TEST_CASE("produce: a batch above max.message.bytes is refused with MESSAGE_TOO_LARGE",
          "[core][broker]") {
  TopicConfig config;
  config.log.max_message_bytes = 10'000;
  Lab lab(config);
  const int big = lab.client->produce(kOrders, 1, -1, seconds(30), {}, 20'000);
  const int small = lab.client->produce(kOrders, 1, -1, seconds(30), {}, 1'000);
  lab.run(seconds(1));
  CHECK(lab.client->outcome(big).error == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK(lab.client->outcome(small).error == ErrorCode::NONE);
  CHECK(lab.client->outcome(small).base_offset == 0);
}

TEST_CASE("produce: an acks=0 produce the broker cannot take closes the connection; one it takes does not",
          "[core][broker]") {
  Lab lab;
  REQUIRE(lab.state().leader == 1);
  // To the leader: written, nothing answered, the connection stays.
  lab.client->produce(kOrders, 2, 0);
  lab.run(milliseconds(100));
  CHECK(lab.replica(1).log().log_end_offset() == 2);
  CHECK(lab.client->resets().empty());
  // To a follower (stale metadata): NOT_LEADER_OR_FOLLOWER, which acks=0 cannot carry back, so
  // the follower closes the connection and the client hears of it (KafkaApis.handleProduceRequest).
  const int misdirected = lab.client->produce(kOrders, 3, 0, seconds(30), {}, 100, BrokerId{2});
  lab.run(milliseconds(100));
  CHECK_FALSE(lab.client->outcome(misdirected).answered);
  REQUIRE(lab.client->resets().size() == 1);
  CHECK(lab.client->resets().front() == lab.node(2));
  CHECK(lab.replica(2).log().log_end_offset() == 2);  // nothing written there
  // With acks=1 the same mistake is answered, and the connection stays.
  const int answered = lab.client->produce(kOrders, 1, 1, seconds(30), {}, 100, BrokerId{3});
  lab.run(milliseconds(100));
  CHECK(lab.client->outcome(answered).error == ErrorCode::NOT_LEADER_OR_FOLLOWER);
  CHECK(lab.client->resets().size() == 1);
}

TEST_CASE("produce: idempotence answers a retried batch with its first offset and refuses gaps "
          "and stale epochs",
          "[core][broker][idempotence]") {
  Lab lab;
  const TestClient::Identity first{ProducerId{42}, 0, 0};
  const int a = lab.client->produce(kOrders, 3, -1, seconds(30), first);
  lab.run(milliseconds(100));
  const int retry = lab.client->produce(kOrders, 3, -1, seconds(30), first);  // same sequence range
  const int gap = lab.client->produce(kOrders, 1, -1, seconds(30), {ProducerId{42}, 0, 10});
  const int next = lab.client->produce(kOrders, 2, -1, seconds(30), {ProducerId{42}, 0, 3});
  lab.run(milliseconds(100));
  const int stale = lab.client->produce(kOrders, 1, -1, seconds(30), {ProducerId{42}, -1, 5});
  const int bumped = lab.client->produce(kOrders, 1, -1, seconds(30), {ProducerId{42}, 1, 0});
  lab.run(milliseconds(100));
  CHECK(lab.client->outcome(a).base_offset == 0);
  CHECK(lab.client->outcome(retry).error == ErrorCode::NONE);
  CHECK(lab.client->outcome(retry).base_offset == 0);  // not written twice
  CHECK(lab.client->outcome(gap).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  CHECK(lab.client->outcome(next).base_offset == 3);
  CHECK(lab.client->outcome(stale).error == ErrorCode::INVALID_PRODUCER_EPOCH);
  CHECK(lab.client->outcome(bumped).base_offset == 5);  // a new epoch starts again at sequence 0
  CHECK(lab.cluster.broker(1).partition(kOrders)->log().log_end_offset() == 6);
}

TEST_CASE("producer state: only the last five batches are remembered", "[core][broker][idempotence]") {
  ProducerStateTable table;
  RecordBatch batch;
  batch.producer_id = ProducerId{7};
  batch.producer_epoch = 0;
  batch.records = make_record_set({Record{1, -1, 0, 1, Time::zero()}}, CompressionType::none);
  for (int seq = 0; seq < 6; ++seq) {
    batch.base_sequence = seq;
    batch.base_offset = seq * 10;
    REQUIRE(table.check(batch).error == ErrorCode::NONE);
    table.record(batch);
  }
  batch.base_sequence = 5;
  CHECK(table.check(batch).duplicate);
  CHECK(table.check(batch).duplicate_offset == 50);
  batch.base_sequence = 1;
  CHECK(table.check(batch).duplicate);
  batch.base_sequence = 0;  // fell out of the window: no longer recognised
  CHECK(table.check(batch).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST_CASE("producer state: an unknown producer may start at any sequence; a new epoch must start at 0; "
          "an older epoch is fenced", "[core][broker][idempotence]") {
  ProducerStateTable table;
  RecordBatch batch;
  batch.producer_id = ProducerId{7};
  batch.producer_epoch = 3;
  batch.records = make_record_set({Record{1, -1, 0, 1, Time::zero()}}, CompressionType::none);
  batch.base_sequence = 42;  // the partition has no state for producer 7 (ProducerAppendInfo)
  REQUIRE(table.check(batch).error == ErrorCode::NONE);
  table.record(batch);
  batch.base_sequence = 44;
  CHECK(table.check(batch).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);  // a gap
  batch.producer_epoch = 4;
  CHECK(table.check(batch).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);  // new epoch, not 0
  batch.base_sequence = 0;
  CHECK(table.check(batch).error == ErrorCode::NONE);
  table.record(batch);
  batch.producer_epoch = 3;
  batch.base_sequence = 43;
  CHECK(table.check(batch).error == ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_CASE("fetch: a consumer reads only up to the high watermark", "[core][broker][fetch]") {
  Lab lab;
  lab.client->produce(kOrders, 4, -1);
  lab.run(seconds(1));
  // Broker 3 stops fetching: the next write is on the leader but not committed.
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition_one_way,
                                               {lab.cluster.broker(3).id()}, {lab.cluster.broker(1).id()}));
  lab.client->produce(kOrders, 2, 1);
  lab.run(milliseconds(100));
  REQUIRE(lab.cluster.broker(1).partition(kOrders)->log().log_end_offset() == 6);
  const int h = lab.client->fetch(kOrders, 0);
  lab.run(milliseconds(100));
  const FetchResponse* answer = lab.client->fetched(h);
  REQUIRE(answer != nullptr);
  const auto& part = answer->partitions.front();
  CHECK(part.high_watermark == 4);
  REQUIRE(part.batches.size() == 1);
  CHECK(part.batches.front().next_offset() == 4);
}

TEST_CASE("fetch: fetch.min.bytes holds a fetch until data arrives or fetch.max.wait.ms passes",
          "[core][broker][fetch]") {
  Lab lab;
  const Time asked = lab.cluster.sim().now();
  const int waits = lab.client->fetch(kOrders, 0, 1, milliseconds(500));
  lab.run(milliseconds(100));
  CHECK(lab.client->fetched(waits) == nullptr);  // parked in the purgatory
  lab.run(milliseconds(500));
  REQUIRE(lab.client->fetched(waits) != nullptr);
  CHECK(lab.client->fetched(waits)->partitions.front().batches.empty());
  CHECK(lab.client->fetched_at(waits) - asked >= milliseconds(500));

  const int served = lab.client->fetch(kOrders, 0, 1, seconds(10));
  lab.run(milliseconds(50));
  lab.client->produce(kOrders, 1, -1);
  lab.run(milliseconds(100));
  REQUIRE(lab.client->fetched(served) != nullptr);  // completed by the commit, long before 10s
  CHECK(lab.client->fetched(served)->partitions.front().batches.size() == 1);
}

TEST_CASE("metadata: brokers answer with leaders, replicas, ISR and unknown topics", "[core][broker]") {
  Lab lab;
  const int h = lab.client->metadata(2);
  lab.run(milliseconds(100));
  const MetadataResponse* answer = lab.client->metadata_answer(h);
  REQUIRE(answer != nullptr);
  CHECK(answer->brokers.size() == 3);
  REQUIRE(answer->partitions.size() == 1);
  CHECK(answer->partitions.front().leader == 1);
  CHECK(answer->partitions.front().isr.size() == 3);
  CHECK(answer->unknown_topics == std::vector<std::string>{"missing"});
}
