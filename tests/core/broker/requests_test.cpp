// Request handling on a healthy cluster: limits, idempotence, consumer fetches, metadata, admin.
#include <catch2/catch.hpp>

#include "core/cluster/metrics.hpp"
#include "core/controller/replica_placement.hpp"
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

TEST_CASE("produce: idempotence answers a retried batch with its first offset and refuses gaps "
          "and stale epochs",
          "[core][broker][idempotence]") {
  Lab lab;
  const TestClient::Identity first{42, 0, 0};
  const int a = lab.client->produce(kOrders, 3, -1, seconds(30), first);
  lab.run(milliseconds(100));
  const int retry = lab.client->produce(kOrders, 3, -1, seconds(30), first);  // same sequence range
  const int gap = lab.client->produce(kOrders, 1, -1, seconds(30), {42, 0, 10});
  const int next = lab.client->produce(kOrders, 2, -1, seconds(30), {42, 0, 3});
  lab.run(milliseconds(100));
  const int stale = lab.client->produce(kOrders, 1, -1, seconds(30), {42, -1, 5});
  const int bumped = lab.client->produce(kOrders, 1, -1, seconds(30), {42, 1, 0});
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
  batch.producer_id = 7;
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

TEST_CASE("controller: more partitions, and the preferred leader back in charge", "[core][controller]") {
  Lab lab;
  REQUIRE(lab.cluster.controller().create_partitions("orders", 3) == ErrorCode::NONE);
  CHECK(lab.cluster.controller().create_partitions("orders", 2) == ErrorCode::INVALID_PARTITIONS);
  lab.run(seconds(1));
  CHECK(lab.cluster.controller().topics().at("orders").partitions.size() == 3);
  CHECK(lab.cluster.broker(lab.cluster.controller().partition({"orders", 2})->leader).partition({"orders", 2}) != nullptr);

  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.run(seconds(12));
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 2);
  lab.cluster.sim().start(lab.cluster.broker(1).id());
  lab.run(seconds(5));  // broker 1 catches up and rejoins the ISR, but does not lead
  CHECK(lab.cluster.controller().partition(kOrders)->isr.size() == 3);
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 2);
  CHECK(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::NONE);
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 1);
  CHECK(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::ELECTION_NOT_NEEDED);
  CHECK(lab.cluster.controller().create_topic("orders", 1, 1, {}) == ErrorCode::TOPIC_ALREADY_EXISTS);
  CHECK(lab.cluster.controller().create_topic("wide", 1, 4, {}) == ErrorCode::INVALID_REPLICATION_FACTOR);
}

TEST_CASE("placement: replicas spread as Kafka's rack-unaware assignment does", "[core][controller]") {
  const std::vector<BrokerPlacementInfo> brokers{{1, ""}, {2, ""}, {3, ""}, {4, ""}, {5, ""}};
  // Start index 0, shift 0: leaders walk the brokers; followers sit one further on, and the
  // shift grows after a full round.
  const auto placed = place_replicas(brokers, 0, 10, 3, 0, 0);
  CHECK(placed[0] == std::vector<BrokerId>{1, 2, 3});
  CHECK(placed[1] == std::vector<BrokerId>{2, 3, 4});
  CHECK(placed[4] == std::vector<BrokerId>{5, 1, 2});
  CHECK(placed[5] == std::vector<BrokerId>{1, 3, 4});  // second round: shift 1
  CHECK(placed[9] == std::vector<BrokerId>{5, 2, 3});
}

TEST_CASE("placement: with racks, each partition's replicas span the racks", "[core][controller]") {
  const std::vector<BrokerPlacementInfo> brokers{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}, {5, "c"}, {6, "c"}};
  const auto placed = place_replicas(brokers, 0, 12, 3, 2, 1);
  for (const auto& replicas : placed) {
    std::set<std::string> racks;
    for (const BrokerId b : replicas) racks.insert(brokers[static_cast<std::size_t>(b - 1)].rack);
    CHECK(racks.size() == 3);
  }
}

TEST_CASE("metrics: under-replicated, under-min-ISR and offline partitions over time",
          "[core][cluster][metrics]") {
  TopicConfig config;
  config.min_insync_replicas = 2;
  Lab lab(config);
  MetricsRecorder metrics(lab.cluster, seconds(1));
  lab.cluster.sim().stop(lab.cluster.broker(3).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().under_replicated == 1);
  CHECK(metrics.samples().back().under_min_isr == 0);
  lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().under_min_isr == 1);
  CHECK(metrics.samples().back().offline == 0);
  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.run(seconds(15));
  CHECK(metrics.samples().back().offline == 1);
  CHECK(metrics.samples().front().under_replicated == 0);
  CHECK(metrics.samples().size() >= 45);
}

namespace {
class HeartbeatCounter final : public WorldObserver {
 public:
  explicit HeartbeatCounter(NodeId broker) : broker_(broker) {}
  using WorldObserver::on;
  void on(const EventStamp& s, const MessageSent& e) override {
    if (s.node == broker_ && e.label == "BrokerHeartbeat") ++count;
  }
  int count = 0;

 private:
  NodeId broker_;
};
}  // namespace

TEST_CASE("controller session: a broker heartbeats once per interval, also after restarts",
          "[core][controller]") {
  Lab lab;
  HeartbeatCounter counter(lab.cluster.broker(2).id());
  lab.cluster.sim().events().attach(counter);
  for (int i = 0; i < 3; ++i) {
    lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
    lab.cluster.sim().start(lab.cluster.broker(2).id());
    lab.run(seconds(1));
  }
  counter.count = 0;
  lab.run(seconds(20));
  CHECK(counter.count >= 9);  // heartbeat.interval.ms is 2 s
  CHECK(counter.count <= 11);
  CHECK_FALSE(lab.cluster.controller().brokers().at(2).fenced);
}
