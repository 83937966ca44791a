// The idempotent producer's error rules (TransactionManager) and batch splitting on
// MESSAGE_TOO_LARGE (Sender.completeBatch, RecordAccumulator.splitAndReenqueue).
#include <catch2/catch.hpp>
#include <numeric>

#include "producer_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::count_of;
using ksim::core::testing::idempotent;
using ksim::core::testing::plain;
using ksim::core::testing::ProducerLab;

namespace {

// The report of the batch that carried record `id`.
const BatchReport* report_of(const ProducerHistory& history, std::uint64_t id) {
  for (const BatchReport& b : history.batches) {
    for (std::size_t i = b.first_record; i < b.first_record + b.records; ++i) {
      if (history.record_ids[i] == id) return &b;
    }
  }
  return nullptr;
}

std::size_t failed_with(const ProducerHistory& history, ErrorCode error) {
  std::size_t n = 0;
  for (const BatchReport& b : history.batches) n += !b.ok() && b.error == error ? b.records : 0;
  return n;
}

void send_for(ProducerLab& lab, std::uint64_t& id, Duration how_long, Duration every) {
  for (Time end = lab.now() + how_long; lab.now() < end; lab.run(every)) lab.send(id++);
}

TopicConfig max_message_bytes(std::int32_t bytes) {
  TopicConfig topic;
  topic.log.max_message_bytes = bytes;
  return topic;
}

}  // namespace

TEST_CASE("idempotence: batches given up on after they were sent hold their partition until it is settled, "
          "then the epoch is bumped; the application never sees OUT_OF_ORDER_SEQUENCE_NUMBER",
          "[core][client][producer][idempotence]") {
  ProducerConfig c = idempotent();
  c.delivery_timeout = seconds(3);
  TopicConfig topic;
  topic.min_insync_replicas = 2;
  ProducerLab lab(c, 1, topic);
  lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
  lab.cluster.sim().stop(lab.cluster.broker(3).id(), StopKind::process_crash);
  lab.run(seconds(12));  // fenced; the ISR is the leader alone, below min.insync.replicas
  std::uint64_t id = 1;
  send_for(lab, id, seconds(6), milliseconds(20));  // retried on NOT_ENOUGH_REPLICAS, then expired
  lab.cluster.sim().start(lab.cluster.broker(2).id());
  lab.cluster.sim().start(lab.cluster.broker(3).id());
  lab.run(seconds(10));
  REQUIRE(lab.cluster.controller().partition(TopicPartition{"orders", 0})->isr.size() >= 2);
  const std::uint64_t after_recovery = id;
  send_for(lab, id, seconds(1), milliseconds(20));
  lab.run(seconds(5));

  const ProducerHistory& history = lab.producer->history();
  CHECK(failed_with(history, ErrorCode::NOT_ENOUGH_REPLICAS) > 0);
  CHECK(failed_with(history, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) == 0);
  CHECK(lab.producer->producer_epoch() > 0);  // the expired batches' sequences were given up
  const std::vector<std::uint64_t> log = lab.log_ids();
  for (std::uint64_t r = after_recovery; r < id; ++r) {
    const BatchReport* report = report_of(history, r);
    REQUIRE(report != nullptr);
    CHECK(report->ok());
    CHECK(count_of(log, r) == 1);
  }
}

TEST_CASE("idempotence: a real gap (acknowledged records lost in an unclean election) bumps the epoch, and the "
          "next batch is written instead of failing out of order",
          "[core][client][producer][idempotence]") {
  TopicConfig topic;
  topic.unclean_leader_election = true;
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(2);
  ProducerLab lab(idempotent(), 1, topic, broker);
  lab.send(1);
  lab.run(seconds(1));
  const auto node = [&](BrokerId b) { return lab.cluster.broker(b).id(); };
  lab.cluster.sim().apply(FaultAction::between(lab.now(), FaultKind::partition, {node(2), node(3)}, {node(1)}));
  lab.send(2);  // the followers miss it: they leave the ISR, and then it is acknowledged
  lab.run(seconds(5));
  lab.send(3);
  lab.run(milliseconds(100));
  REQUIRE(report_of(lab.producer->history(), 3) != nullptr);
  REQUIRE(report_of(lab.producer->history(), 3)->ok());
  lab.cluster.sim().stop(node(1), StopKind::process_crash);
  lab.heal();
  lab.run(seconds(15));
  REQUIRE(lab.cluster.controller().partition(TopicPartition{"orders", 0})->leader != 1);  // unclean

  lab.send(4);  // sequence 3; the new leader's last sequence from this producer is 0
  lab.run(seconds(5));
  const BatchReport* report = report_of(lab.producer->history(), 4);
  REQUIRE(report != nullptr);
  CHECK(report->ok());
  CHECK(lab.producer->producer_epoch() == 1);
  CHECK(lab.log_ids() == std::vector<std::uint64_t>{1, 4});
}

TEST_CASE("split: a batch the topic finds too large is split, and split again by halves, until it fits",
          "[core][client][producer][split]") {
  for (const bool with_idempotence : {false, true}) {
    ProducerConfig c = with_idempotence ? idempotent() : plain();
    c.linger = milliseconds(200);  // one batch of about 11 KB, under batch.size (16 KB)
    ProducerLab lab(c, 1, max_message_bytes(4000));
    for (std::uint64_t id = 1; id <= 100; ++id) lab.send(id);
    lab.run(seconds(3));
    const ProducerHistory& history = lab.producer->history();
    std::uint32_t acked = 0;
    for (const BatchReport& b : history.batches) acked += b.ok() ? b.records : 0;
    CHECK(acked == 100);
    CHECK(history.batches.size() >= 4);  // a cut at batch.size changes nothing; halving twice does
    std::vector<std::uint64_t> expected(100);
    std::iota(expected.begin(), expected.end(), 1);
    CHECK(lab.log_ids() == expected);  // in order, each once
  }
}

TEST_CASE("split: a single record the topic finds too large fails with MESSAGE_TOO_LARGE; the next goes through",
          "[core][client][producer][split]") {
  ProducerLab lab(plain(), 1, max_message_bytes(4000));
  lab.producer->send(ProducerRecord{"orders", 1, -1, 0, 5000, std::nullopt});
  lab.run(milliseconds(100));
  lab.send(2);
  lab.run(seconds(1));
  const ProducerHistory& history = lab.producer->history();
  REQUIRE(history.batches.size() == 2);
  CHECK(history.batches[0].client_error == ClientError::broker);
  CHECK(history.batches[0].error == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK(history.batches[0].attempts == 1);  // not retried
  CHECK(lab.log_ids() == std::vector<std::uint64_t>{2});
}
