#include <catch2/catch.hpp>
#include <optional>
#include <map>
#include <set>

#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer.hpp"
#include "core/cluster/cluster.hpp"
#include "../connection_closes.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace {

struct ConsumerLab {
  explicit ConsumerLab(ConsumerConfig consumer_config, TopicConfig topic = {}, BrokerConfig broker = {})
      : cluster(spec(broker)) {
    REQUIRE(cluster.start());
    REQUIRE(cluster.controller().create_topic("orders", 3, 3, topic, {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}) ==
            ErrorCode::NONE);
    cluster.sim().run_for(seconds(1));
    std::vector<NodeId> bootstrap;
    for (BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
    ProducerConfig producer_config;
    producer_config.linger = Duration{};
    producer = &cluster.add_node<Producer>("producer:app", producer_config, bootstrap);
    consumer = &cluster.add_node<Consumer>("consumer:standalone", consumer_config, bootstrap);
    cluster.sim().start(producer->id());
    cluster.sim().start(consumer->id());
    run(milliseconds(100));
  }
  static ClusterSpec spec(BrokerConfig broker) {
    ClusterSpec s;
    s.broker = broker;
    return s;
  }
  void run(Duration d) { cluster.sim().run_for(d); }
  void produce(std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t id = first; id < first + count; ++id) {
      producer->send(ProducerRecord{"orders", id, static_cast<std::int64_t>(id % 17), 8, 100, std::nullopt});
    }
    run(seconds(1));
  }
  // Polls every 10 ms for `span`, collecting what comes.
  std::vector<ConsumedRecord> consume(Duration span) {
    std::vector<ConsumedRecord> all;
    for (Duration t{}; t < span; t += milliseconds(10)) {
      run(milliseconds(10));
      for (ConsumedRecord& r : consumer->poll()) all.push_back(std::move(r));
    }
    return all;
  }
  // 300 records waiting in the topic, and the consumer assigned every partition.
  void backlog() {
    produce(1, 300);
    consumer->assign(all_partitions());
  }
  std::vector<TopicPartition> all_partitions() const {
    return {{"orders", 0}, {"orders", 1}, {"orders", 2}};
  }

  Cluster cluster;
  Producer* producer = nullptr;
  Consumer* consumer = nullptr;
};

ConsumerConfig from(OffsetReset reset) {
  ConsumerConfig c;
  c.auto_offset_reset = reset;
  return c;
}

// Ten records per poll, so that the workload accounts for processing in small steps.
ConsumerConfig small_polls() {
  ConsumerConfig c = from(OffsetReset::earliest);
  c.max_poll_records = 10;
  return c;
}

}  // namespace

TEST_CASE("consumer: a standalone consumer reads everything, each record once and in order",
          "[core][client][consumer]") {
  ConsumerLab lab(from(OffsetReset::earliest));
  lab.produce(1, 300);
  lab.consumer->assign(lab.all_partitions());
  const std::vector<ConsumedRecord> got = lab.consume(seconds(2));
  REQUIRE(got.size() == 300);
  std::set<std::uint64_t> ids;
  std::map<std::int32_t, Offset> last;
  for (const ConsumedRecord& r : got) {
    ids.insert(r.record.id);
    auto [it, fresh] = last.emplace(r.tp.partition, r.offset);
    if (!fresh) {
      CHECK(r.offset == it->second + 1);  // consecutive within a partition
      it->second = r.offset;
    }
  }
  CHECK(ids.size() == 300);
  Offset total = 0;
  for (const TopicPartition& tp : lab.all_partitions()) total += lab.consumer->position(tp)->value();
  CHECK(total == 300);
}

TEST_CASE("consumer: auto.offset.reset=latest starts at the end and sees only new records",
          "[core][client][consumer]") {
  ConsumerLab lab(from(OffsetReset::latest));
  lab.produce(1, 100);
  lab.consumer->assign(lab.all_partitions());
  lab.consume(milliseconds(500));
  lab.produce(1001, 50);
  const std::vector<ConsumedRecord> got = lab.consume(seconds(1));
  REQUIRE(got.size() == 50);
  for (const ConsumedRecord& r : got) CHECK(r.record.id >= 1001);
}

TEST_CASE("consumer: max.poll.records bounds each poll, seek rereads, pause holds a partition",
          "[core][client][consumer]") {
  ConsumerConfig c = from(OffsetReset::earliest);
  c.max_poll_records = 7;
  ConsumerLab lab(c);
  lab.produce(1, 90);
  const TopicPartition p0{"orders", 0};
  lab.consumer->assign({p0});
  lab.run(milliseconds(500));
  CHECK(lab.consumer->poll().size() == 7);
  lab.consumer->seek(p0, 0);
  lab.run(milliseconds(500));
  const std::vector<ConsumedRecord> again = lab.consumer->poll();
  REQUIRE_FALSE(again.empty());
  CHECK(again.front().offset == 0);
  lab.consumer->pause(p0);
  lab.run(milliseconds(500));
  CHECK(lab.consumer->poll().empty());
  lab.consumer->resume(p0);
  CHECK(lab.consumer->poll().size() == 7);
}

TEST_CASE("consumer: retention removes data under a stopped consumer and its reset policy applies",
          "[core][client][consumer][retention]") {
  TopicConfig topic;
  topic.log.segment_bytes = 2'000;
  topic.log.retention_ms = seconds(30);
  BrokerConfig broker;
  broker.retention_check_interval = seconds(5);
  const TopicPartition p0{"orders", 0};
  for (const OffsetReset reset : {OffsetReset::earliest, OffsetReset::none}) {
    INFO("auto.offset.reset=" << (reset == OffsetReset::none ? "none" : "earliest"));
    ConsumerLab lab(from(reset), topic, broker);
    lab.produce(1, 200);
    lab.run(seconds(45));    // all of it expires and is deleted while nobody reads
    lab.produce(1001, 200);  // new records arrive
    const Offset log_start = lab.cluster.broker(1).partition(p0)->log().log_start_offset();
    REQUIRE(log_start > 10);
    // The consumer comes back where it had stopped, at offset 10: that data is gone.
    lab.consumer->assign({p0});
    lab.consumer->seek(p0, 10);
    const std::vector<ConsumedRecord> got = lab.consume(seconds(1));
    if (reset == OffsetReset::none) {
      CHECK(got.empty());
      CHECK(lab.consumer->position_errors() == std::vector<TopicPartition>{p0});
    } else {
      REQUIRE_FALSE(got.empty());
      CHECK(got.front().offset == log_start);  // skipped to what retention left
      CHECK(got.front().record.id > 1000);
      CHECK(lab.consumer->position_errors().empty());
    }
  }
}


TEST_CASE("consumer workload: every record is processed once, at the pace processing allows",
          "[core][client][consumer][workload]") {
  ConsumerLab lab(small_polls());
  lab.backlog();
  ProcessingSpec spec;
  spec.per_record_min = spec.per_record_max = milliseconds(10);  // 100 records per second
  ConsumerWorkload app(*lab.consumer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(2));
  CHECK(app.processed().size() > 150);  // about two seconds' worth...
  CHECK(app.processed().size() < 210);  // ...not the whole backlog
  lab.run(seconds(2));
  REQUIRE(app.processed().size() == 300);
  std::set<std::uint64_t> ids;
  for (const ProcessedRecord& r : app.processed()) ids.insert(r.id);
  CHECK(ids.size() == 300);
  std::optional<Time> previous;
  for (const ProcessedRecord& r : app.processed()) {
    if (previous) CHECK(r.processed_at - *previous >= milliseconds(10));
    previous = r.processed_at;
  }
}

TEST_CASE("consumer workload: a slow-down from a time on stretches processing",
          "[core][client][consumer][workload]") {
  ConsumerLab lab(small_polls());
  lab.backlog();
  ProcessingSpec spec;
  spec.per_record_min = spec.per_record_max = milliseconds(2);
  spec.slow_from = lab.cluster.sim().now() + milliseconds(200);
  spec.slow_factor = 10;
  ConsumerWorkload app(*lab.consumer, spec, lab.cluster.sim().random().stream("test/app"));
  lab.run(seconds(1));
  // About 100 records in the first 200 ms, then one every 20 ms: about 140 after a second.
  CHECK(app.processed().size() > 120);
  CHECK(app.processed().size() < 160);
}

TEST_CASE("consumer: seek to a timestamp starts at the first record written at or after it",
          "[core][client][consumer]") {
  ConsumerLab lab(from(OffsetReset::earliest));
  lab.produce(1, 90);
  const Time cut = lab.cluster.sim().now();
  lab.produce(1001, 30);
  const TopicPartition p0{"orders", 0};
  lab.consumer->assign({p0});
  lab.consumer->seek_to_timestamp(p0, cut);
  const std::vector<ConsumedRecord> got = lab.consume(seconds(1));
  REQUIRE_FALSE(got.empty());
  for (const ConsumedRecord& r : got) CHECK(r.record.id > 1000);
  // A time after every record: the end, so only what comes next is read.
  lab.consumer->seek_to_timestamp(p0, lab.cluster.sim().now() + seconds(1));
  CHECK(lab.consume(seconds(1)).empty());
}

TEST_CASE("consumer: a fetch unanswered past request.timeout.ms closes the connection to its broker",
          "[core][client][consumer][connections]") {
  ConsumerConfig c = from(OffsetReset::earliest);
  c.request_timeout = seconds(1);
  ConsumerLab lab(c);
  lab.backlog();
  lab.consume(seconds(1));
  // The answers of orders-0's leader (broker 1) to the consumer are cut.
  const NodeId leader = lab.cluster.broker(1).id();
  ksim::core::testing::ConnectionCloses closes(lab.consumer->id(), leader);
  lab.cluster.sim().events().attach(closes);
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition_one_way, {leader},
                                               {lab.consumer->id()}));
  lab.consume(milliseconds(900));
  CHECK(closes.count == 0);  // request.timeout.ms (1 s) plus fetch.max.wait.ms (500 ms) not yet over
  lab.consume(seconds(2));
  CHECK(closes.count >= 1);
  lab.cluster.sim().events().detach(closes);
}

namespace {

// orders-0 led by broker 1; 100 records the followers have, then 100 only broker 1 has (acked
// with the ISR shrunk to broker 1 alone), all consumed; then broker 1 dies and broker 2 is elected
// uncleanly with a log that ends at 100.
void consume_then_lose_the_leader(ConsumerLab& lab) {
  const auto send_to_p0 = [&](std::uint64_t first) {
    for (std::uint64_t id = first; id < first + 100; ++id) lab.producer->send(ProducerRecord{"orders", id, -1, 0, 100, 0});
  };
  send_to_p0(1);
  lab.run(seconds(1));
  const auto node = [&](BrokerId b) { return lab.cluster.broker(b).id(); };
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition, {node(2), node(3)}, {node(1)}));
  send_to_p0(101);
  lab.run(seconds(5));
  lab.consumer->assign({{"orders", 0}});
  REQUIRE(lab.consume(seconds(2)).size() == 200);
  REQUIRE(lab.consumer->position({"orders", 0}) == Offset{200});
  lab.cluster.sim().stop(node(1), StopKind::process_crash);
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::heal, {}));
  lab.run(seconds(15));
  REQUIRE(lab.cluster.controller().partition({"orders", 0})->leader == 2);
}

// Unclean election allowed, followers out of the ISR two seconds after they stop fetching, and a
// consumer (auto.offset.reset=earliest) that hears of a new leader within a second.
struct UncleanLab : ConsumerLab {
  UncleanLab() : ConsumerLab(consumer_config(), topic_config(), broker_config()) {}
  static ConsumerConfig consumer_config() {
    ConsumerConfig c = from(OffsetReset::earliest);
    c.metadata_max_age = seconds(1);
    return c;
  }
  static TopicConfig topic_config() {
    TopicConfig t;
    t.unclean_leader_election = true;
    return t;
  }
  static BrokerConfig broker_config() {
    BrokerConfig b;
    b.replica_lag_time_max = seconds(2);
    return b;
  }
};

}  // namespace

TEST_CASE("consumer: after an unclean election it validates its position (KIP-320) and resumes where the log "
          "diverged, reading nothing twice",
          "[core][client][consumer][kip320]") {
  UncleanLab lab;
  consume_then_lose_the_leader(lab);
  const std::vector<ConsumedRecord> again = lab.consume(seconds(3));
  CHECK(again.empty());  // not the 100 records of the new leader's log from offset 0 again
  CHECK(lab.consumer->position({"orders", 0}) == Offset{100});  // the end of epoch 0 on the new leader
  CHECK(lab.consumer->position_errors().empty());
}

TEST_CASE("consumer: a ListOffsets lost with its broker's connection is asked again of the new leader",
          "[core][client][consumer]") {
  // The consumer's metadata still names broker 1 as orders-0's leader when it is assigned the
  // partition: its ListOffsets goes to a dead broker, the connection is refused, and (as Java's
  // offset fetcher does) the reset is retried after retry.backoff.ms with fresh metadata.
  ConsumerLab lab(from(OffsetReset::earliest));
  lab.produce(1, 30);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.consumer->assign({{"orders", 0}});
  lab.run(seconds(15));  // the controller fences broker 1 and elects a new leader
  REQUIRE(lab.cluster.controller().partition({"orders", 0})->leader != 1);
  CHECK(lab.consumer->position({"orders", 0}) == Offset{0});
  std::size_t read = 0;
  for (const ConsumedRecord& r : lab.consume(seconds(2))) read += r.tp.partition == 0 ? 1 : 0;
  CHECK(read > 0);
}

TEST_CASE("consumer: a position from ListOffsets carries its leader epoch and is validated too (KIP-320)",
          "[core][client][consumer][kip320]") {
  // The consumer starts at the latest offset (200, epoch 0) and reads nothing; an unclean election
  // then leaves a leader whose epoch 0 ends at 100, and 50 new records follow. Knowing the epoch
  // of its position, the consumer finds the divergence and reads the 50; without it, its fetch at
  // 200 would be out of range and the reset to latest would skip them.
  ConsumerConfig latest = UncleanLab::consumer_config();
  latest.auto_offset_reset = OffsetReset::latest;
  ConsumerLab lab(latest, UncleanLab::topic_config(), UncleanLab::broker_config());
  const auto send_to_p0 = [&](std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t id = first; id < first + count; ++id) lab.producer->send(ProducerRecord{"orders", id, -1, 0, 100, 0});
  };
  const auto node = [&](BrokerId b) { return lab.cluster.broker(b).id(); };
  send_to_p0(1, 100);
  lab.run(seconds(1));
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition, {node(2), node(3)}, {node(1)}));
  send_to_p0(101, 100);
  lab.run(seconds(5));
  lab.consumer->assign({{"orders", 0}});
  CHECK(lab.consume(seconds(2)).empty());
  REQUIRE(lab.consumer->position({"orders", 0}) == Offset{200});
  lab.consumer->pause({"orders", 0});
  lab.cluster.sim().stop(node(1), StopKind::process_crash);
  lab.cluster.sim().apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::heal, {}));
  lab.run(seconds(15));
  REQUIRE(lab.cluster.controller().partition({"orders", 0})->leader == 2);
  send_to_p0(1001, 50);
  lab.run(seconds(2));
  lab.consumer->resume({"orders", 0});
  const std::vector<ConsumedRecord> read = lab.consume(seconds(3));
  CHECK(read.size() == 50);
  CHECK(lab.consumer->position({"orders", 0}) == Offset{150});
}

TEST_CASE("consumer: with auto.offset.reset=none a truncation below the position stops the partition",
          "[core][client][consumer][kip320]") {
  UncleanLab lab;
  consume_then_lose_the_leader(lab);
  ConsumerConfig none = lab.consumer->config();
  none.auto_offset_reset = OffsetReset::none;
  lab.consumer->reconfigure(none);
  lab.consume(seconds(3));
  CHECK(lab.consumer->position_errors() == std::vector<TopicPartition>{{"orders", 0}});
  CHECK(lab.consumer->position({"orders", 0}) == Offset{200});  // left for the application to decide
}
