#include <catch2/catch.hpp>
#include <algorithm>
#include <map>

#include "core/client/partitioner.hpp"
#include "core/client/producer.hpp"
#include "core/client/producer_workload.hpp"
#include "core/cluster/cluster.hpp"
#include "../connection_closes.hpp"
#include "producer_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;

using ksim::core::testing::ProducerLab;
using ksim::core::testing::plain;
using ksim::core::testing::idempotent;
using ksim::core::testing::count_of;

TEST_CASE("producer config: idempotence is on by default and follows Kafka's conflict rules",
          "[core][client][producer]") {
  ProducerConfig c;
  CHECK(decide_idempotence(c).enabled);
  c.acks = 1;
  CHECK_FALSE(decide_idempotence(c).enabled);  // the default gives way
  CHECK(decide_idempotence(c).error.empty());
  c.enable_idempotence = true;
  CHECK(decide_idempotence(c).error.find("acks=all") != std::string::npos);  // explicit: an error
  ProducerConfig many;
  many.max_in_flight = 6;
  CHECK_FALSE(decide_idempotence(many).error.empty());  // refused since Kafka 4.0
  many.enable_idempotence = false;
  CHECK(decide_idempotence(many).error.empty());
}

TEST_CASE("producer: keyed records land on the partition the Java client computes",
          "[core][client][producer]") {
  ProducerLab lab(plain(), 6);
  for (std::uint64_t i = 1; i <= 30; ++i) lab.send(i, static_cast<std::int64_t>(i % 5));
  lab.run(seconds(1));
  for (std::uint64_t i = 1; i <= 30; ++i) {
    const std::string key = key_text(static_cast<std::int64_t>(i % 5), 8);
    const std::vector<std::uint8_t> bytes(key.begin(), key.end());
    const std::int32_t expected = partition_for_key(bytes, 6);
    CHECK(count_of(lab.log_ids(expected), i) == 1);
  }
}

TEST_CASE("producer: a response held by a cut shorter than request.timeout.ms arrives late, and nothing is retried",
          "[core][client][producer][retries]") {
  ProducerLab lab(plain());
  lab.cut_responses_from(1);
  lab.send(1);
  // Appended on the leader; the answer is lost and retransmitted 202 ms and 606 ms after it was
  // sent: the second gets through, before request.timeout.ms (1 s).
  lab.run(milliseconds(300));
  lab.heal();
  lab.run(seconds(3));
  CHECK(count_of(lab.log_ids(), 1) == 1);
  REQUIRE(lab.producer->history().batches.size() == 1);
  CHECK(lab.producer->history().batches.front().ok());
  CHECK(lab.producer->history().batches.front().attempts == 1);
  CHECK(lab.producer->history().retries == 0);
}

TEST_CASE("producer: a response held past request.timeout.ms makes a non-idempotent retry write the record twice",
          "[core][client][producer][retries]") {
  ProducerLab lab(plain());
  lab.cut_responses_from(1);
  lab.send(1);
  lab.run(milliseconds(1500));  // appended; the answer is held; the request times out
  lab.heal();
  lab.run(seconds(3));         // a new connection, and the producer resends
  CHECK(count_of(lab.log_ids(), 1) == 2);
  REQUIRE(lab.producer->history().batches.size() == 1);
  CHECK(lab.producer->history().batches.front().ok());
  CHECK(lab.producer->history().batches.front().attempts == 2);
}

TEST_CASE("producer: a request timeout closes the connection and fails every request in flight on it",
          "[core][client][producer][retries]") {
  ProducerLab lab(plain());
  // The producer closing its connection to the leader.
  ksim::core::testing::ConnectionCloses closes(lab.producer->id(), lab.cluster.broker(1).id());
  lab.cluster.sim().events().attach(closes);
  lab.cut_responses_from(1);
  const Time first_sent = lab.now();
  lab.send(1);
  lab.run(milliseconds(100));
  lab.send(2);  // a second request on the same connection, 100 ms later
  lab.run(first_sent + seconds(1) + milliseconds(50) - lab.now());
  // The first request's timeout closed the connection: the second request failed with it, 50 ms
  // before its own timeout, and both batches went back for a retry.
  CHECK(lab.producer->history().retries == 2);
  CHECK(closes.count == 1);
  lab.heal();
  lab.run(seconds(3));
  CHECK(count_of(lab.log_ids(), 1) == 2);  // appended, answer lost, resent: no idempotence
  CHECK(count_of(lab.log_ids(), 2) == 2);
}

TEST_CASE("producer: with idempotence the same lost response writes the record once",
          "[core][client][producer][idempotence]") {
  ProducerLab lab(idempotent());
  lab.cut_responses_from(1);
  lab.send(1);
  lab.run(milliseconds(1500));
  lab.heal();
  lab.run(seconds(3));
  CHECK(count_of(lab.log_ids(), 1) == 1);
  REQUIRE(lab.producer->history().batches.size() == 1);
  CHECK(lab.producer->history().batches.front().base_offset == 0);  // the original offset
}

namespace {
// Batch A's request is lost on the way; batch B, sent just after, follows it on the connection.
std::vector<std::uint64_t> lost_first_request(ProducerConfig config) {
  ProducerLab lab(config);
  lab.cut_producer_from(1);
  lab.send(1);  // A
  lab.run(milliseconds(2));
  lab.heal();
  lab.send(2);  // B
  lab.run(seconds(5));
  return lab.log_ids();
}
}  // namespace

TEST_CASE("producer: a lost transmission cannot reorder two batches: TCP holds B behind A",
          "[core][client][producer][ordering]") {
  // Only an error answer to A (or a timeout that ends the connection) lets B overtake it.
  CHECK(lost_first_request(plain()) == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("producer: with idempotence the same loss keeps the order", "[core][client][producer][ordering]") {
  CHECK(lost_first_request(idempotent()) == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("producer: with max.in.flight 1 and no idempotence the order holds too",
          "[core][client][producer][ordering]") {
  ProducerConfig c = plain();
  c.max_in_flight = 1;
  CHECK(lost_first_request(c) == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("producer: acks=0 loses records silently when the leader crashes", "[core][client][producer][acks]") {
  ProducerConfig c = plain();
  c.acks = 0;
  ProducerLab lab(c);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  for (std::uint64_t i = 1; i <= 5; ++i) lab.send(i);
  lab.run(seconds(1));
  const ProducerHistory& h = lab.producer->history();
  REQUIRE_FALSE(h.batches.empty());
  for (const BatchReport& b : h.batches) CHECK(b.ok());  // the application was told "sent"
  lab.run(seconds(15));
  for (std::uint64_t i = 1; i <= 5; ++i) CHECK(count_of(lab.log_ids(), i) == 0);
}

TEST_CASE("producer: acks=0 loses only what it had written before the crash; later records wait for the new leader",
          "[core][client][producer][acks][connections]") {
  ProducerConfig c = plain();
  c.acks = 0;
  ProducerLab lab(c);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.run(milliseconds(100));  // the reset has come: the producer knows its connection is gone
  for (std::uint64_t i = 11; i <= 15; ++i) lab.send(i);
  lab.run(seconds(1));
  // Broker 1's host refuses connections, and the Java client sends only on a ready one: nothing
  // was written, nothing counts as sent.
  CHECK(lab.producer->pending_records() == 5);
  lab.run(seconds(15));  // fenced after the session timeout; the new leader takes them
  for (std::uint64_t i = 11; i <= 15; ++i) CHECK(count_of(lab.log_ids(), i) == 1);
}

TEST_CASE("producer: acks=0 to a leader without power stalls after a send buffer's worth",
          "[core][client][producer][acks][connections]") {
  ProducerConfig c = plain();
  c.acks = 0;
  c.send_buffer_bytes = 8192;
  c.batch_size = 1024;
  ProducerLab lab(c);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::power_loss);
  for (std::uint64_t i = 1; i <= 400; ++i) lab.send(i);  // about 50 KB
  lab.run(milliseconds(500));
  // Nothing acknowledges the bytes: the writes stop once the socket buffer is full, and the rest
  // waits in the producer instead of being counted as sent into the void.
  std::size_t sent = 0;
  for (const BatchReport& b : lab.producer->history().batches) sent += b.ok() ? b.records : 0;
  CHECK(sent > 0);
  CHECK(sent * 100 < 8192 + 2 * 1024);
  CHECK(lab.producer->pending_records() > 300);
}

TEST_CASE("producer: delivery.timeout.ms expires batches while every replica is down",
          "[core][client][producer][timeouts]") {
  ProducerConfig c = plain();
  c.delivery_timeout = seconds(10);
  c.request_timeout = seconds(2);
  ProducerLab lab(c);
  for (BrokerId b : {1, 2, 3}) lab.cluster.sim().stop(lab.cluster.broker(b).id(), StopKind::power_loss);
  lab.send(1);
  lab.run(seconds(9));
  CHECK(lab.producer->history().batches.empty());  // still trying
  lab.run(seconds(3));
  REQUIRE(lab.producer->history().batches.size() == 1);
  CHECK(lab.producer->history().batches.front().client_error == ClientError::delivery_timeout);
}

TEST_CASE("producer: NOT_ENOUGH_REPLICAS is retried until the delivery timeout",
          "[core][client][producer][retries]") {
  ProducerConfig c = idempotent();
  c.delivery_timeout = seconds(20);
  TopicConfig topic;
  topic.min_insync_replicas = 2;
  ProducerLab lab(c, 1, topic);
  lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
  lab.cluster.sim().stop(lab.cluster.broker(3).id(), StopKind::process_crash);
  lab.run(seconds(12));  // fenced; the ISR is the leader alone
  lab.send(1);
  lab.run(seconds(25));
  REQUIRE(lab.producer->history().batches.size() == 1);
  const BatchReport& report = lab.producer->history().batches.front();
  CHECK(report.client_error == ClientError::delivery_timeout);
  CHECK(report.error == ErrorCode::NOT_ENOUGH_REPLICAS);
  CHECK(report.attempts > 5);  // retried with backoff the whole time
  CHECK(lab.log_ids().empty());
}

TEST_CASE("producer: a full buffer blocks sends, which fail after max.block.ms",
          "[core][client][producer][backpressure]") {
  ProducerConfig c = plain();
  c.buffer_memory = 3 * c.batch_size;
  c.max_block = seconds(2);
  c.delivery_timeout = seconds(60);
  ProducerLab lab(c, 6);
  for (BrokerId b : {1, 2, 3}) lab.cluster.sim().stop(lab.cluster.broker(b).id(), StopKind::process_crash);
  for (std::uint64_t i = 1; i <= 6; ++i) {
    lab.producer->send(ProducerRecord{"orders", i, -1, 0, 100, static_cast<std::int32_t>(i - 1)});
  }
  lab.run(seconds(1));
  CHECK(lab.producer->pending_records() == 6);  // three batches hold the memory, three sends wait
  CHECK(lab.producer->history().batches.empty());
  lab.run(seconds(2));
  std::size_t blocked = 0;
  for (const BatchReport& b : lab.producer->history().batches) {
    if (b.client_error == ClientError::max_block) ++blocked;
  }
  CHECK(blocked == 3);
}

TEST_CASE("producer: with linger.ms the built-in partitioner sends fewer, fuller batches than round-robin",
          "[core][client][producer][partitioner]") {
  const auto batches_for = [](NullKeyPartitioning how) {
    ProducerConfig c = plain();
    c.linger = milliseconds(10);
    c.null_key_partitioning = how;
    ProducerLab lab(c, 6);
    for (std::uint64_t i = 1; i <= 600; ++i) {
      lab.send(i);
      lab.run(microseconds(100));  // 10,000 records per second
    }
    lab.run(seconds(2));
    std::size_t acked = 0;
    for (const BatchReport& b : lab.producer->history().batches) acked += b.ok() ? b.records : 0;
    CHECK(acked == 600);
    return lab.producer->history().batches.size();
  };
  const std::size_t sticky = batches_for(NullKeyPartitioning::built_in);
  const std::size_t round_robin = batches_for(NullKeyPartitioning::round_robin);
  CHECK(sticky * 2 < round_robin);
}

TEST_CASE("workload: a constant rate sends rate x duration records, all acknowledged",
          "[core][client][workload]") {
  ProducerLab lab(idempotent(), 3);
  WorkloadSpec spec;
  spec.topic = "orders";
  spec.rate = 2000;
  spec.key_kind = KeyKind::uniform;
  spec.key_count = 50;
  spec.start = lab.now();
  spec.stop = lab.now() + seconds(2);
  ProducerWorkload app(*lab.producer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(4));
  CHECK(app.generated() == 4000);
  CHECK(app.answered() == 4000);
  std::size_t in_logs = 0;
  for (std::int32_t p = 0; p < 3; ++p) in_logs += lab.log_ids(p).size();
  CHECK(in_logs == 4000);
}

TEST_CASE("workload: a hot key takes its share of the records", "[core][client][workload]") {
  ProducerLab lab(idempotent(), 6);
  WorkloadSpec spec;
  spec.topic = "orders";
  spec.rate = 5000;
  spec.key_kind = KeyKind::hot;
  spec.key_count = 100;
  spec.hot_share = 0.8;
  spec.start = lab.now();
  spec.stop = lab.now() + seconds(1);
  ProducerWorkload app(*lab.producer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(3));
  const std::string hot = key_text(0, 8);
  const std::int32_t hot_partition =
      partition_for_key(std::vector<std::uint8_t>(hot.begin(), hot.end()), 6);
  const double share = static_cast<double>(lab.log_ids(hot_partition).size()) / 5000.0;
  CHECK(share > 0.8);   // the hot key's partition holds its 80% and a sixth of the rest, about
  CHECK(share < 0.86);  // 0.8 + 0.2 / 6
}

TEST_CASE("workload: synchronous sends wait for each answer, so one batch holds one record",
          "[core][client][workload]") {
  ProducerLab lab(idempotent(), 1);
  WorkloadSpec spec;
  spec.topic = "orders";
  spec.rate = 100'000;  // far more than one round trip allows
  spec.synchronous = true;
  spec.start = lab.now();
  spec.stop = lab.now() + milliseconds(100);
  ProducerWorkload app(*lab.producer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(1));
  CHECK(app.generated() == app.answered());
  CHECK(app.generated() > 10);
  CHECK(app.generated() < 100);  // bounded by round trips, not by the rate
  for (const BatchReport& b : lab.producer->history().batches) CHECK(b.records == 1);
}

TEST_CASE("workload: bursts send only inside their windows", "[core][client][workload]") {
  ProducerLab lab(idempotent(), 1);
  WorkloadSpec spec;
  spec.topic = "orders";
  spec.rate_kind = RateKind::burst;
  spec.rate = 1000;
  spec.burst_every = seconds(1);
  spec.burst_for = milliseconds(200);
  spec.start = lab.now();
  spec.stop = lab.now() + seconds(3);
  ProducerWorkload app(*lab.producer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(4));
  CHECK(app.generated() == 600);  // three bursts of 200 ms at 1000/s
}

TEST_CASE("producer: partitioner.ignore.keys spreads keyed records like keyless ones",
          "[core][client][producer][partitioner]") {
  ProducerConfig c = plain();
  c.partitioner_ignore_keys = true;
  c.null_key_partitioning = NullKeyPartitioning::round_robin;
  ProducerLab lab(c, 6);
  for (std::uint64_t i = 1; i <= 60; ++i) lab.send(i, 42);  // one key for all
  lab.run(seconds(1));
  for (std::int32_t p = 0; p < 6; ++p) CHECK(lab.log_ids(p).size() == 10);
}

TEST_CASE("producer: a record above max.request.size fails at once, others go through",
          "[core][client][producer]") {
  ProducerConfig c = plain();
  c.max_request_size = 10'000;
  ProducerLab lab(c);
  lab.producer->send(ProducerRecord{"orders", 1, -1, 0, 20'000, std::nullopt});
  lab.send(2);
  lab.run(seconds(1));
  REQUIRE(lab.producer->history().batches.size() == 2);
  CHECK(lab.producer->history().batches[0].client_error == ClientError::record_too_large);
  CHECK(lab.producer->history().batches[1].ok());
  CHECK(lab.log_ids() == std::vector<std::uint64_t>{2});
}
