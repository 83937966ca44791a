// KIP-227 fetch sessions: the leader's session cache, and followers fetching within sessions.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "replication_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::kOrders;
using ksim::core::testing::TestClient;
using Lab = ksim::core::testing::ReplicationLab;

namespace {

const TopicPartition kEvents0{"events", 0};
const TopicPartition kEvents1{"events", 1};

// A Fetch as a follower (broker 9, which holds no replica, so the leader's ISR is not touched)
// sends it within a session.
FetchRequest session_fetch(std::int32_t id, std::int32_t epoch, std::vector<FetchRequest::Partition> partitions,
                           Duration max_wait = Duration{}) {
  FetchRequest request;
  request.replica_id = 9;
  request.session_id = id;
  request.session_epoch = epoch;
  request.max_wait = max_wait;
  request.partitions = std::move(partitions);
  return request;
}

FetchRequest::Partition at(const TopicPartition& tp, Offset offset) { return {tp, kNoLeaderEpoch, offset, kNoLeaderEpoch, 1'048'576}; }

std::set<std::string> listed(const FetchResponse& r) {
  std::set<std::string> names;
  for (const auto& p : r.partitions) names.insert(p.tp.str());
  return names;
}

}  // namespace

TEST_CASE("fetch sessions: a full Fetch lists every partition, an incremental one only what changed",
          "[core][broker][fetch]") {
  Lab lab(TopicConfig{}, {1});
  REQUIRE(lab.cluster.controller().create_topic("events", 2, 1, TopicConfig{}, {{1}, {1}}) == ErrorCode::NONE);
  lab.run(seconds(1));
  TestClient& client = *lab.client;

  const int full = client.send_fetch(1, session_fetch(0, 0, {at(kOrders, 0), at(kEvents0, 0), at(kEvents1, 0)}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(full) != nullptr);
  const FetchResponse& opened = *client.fetched(full);
  CHECK(opened.error == ErrorCode::NONE);
  CHECK(opened.session_id != 0);
  CHECK(listed(opened) == std::set<std::string>{"orders-0", "events-0", "events-1"});
  const std::int32_t id = opened.session_id;

  // Nothing moved: an incremental Fetch naming nothing gets an answer listing nothing.
  const int idle = client.send_fetch(1, session_fetch(id, 1, {}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(idle) != nullptr);
  CHECK(client.fetched(idle)->partitions.empty());

  // Records on orders-0: only that partition comes back, with them and its new high watermark.
  client.produce(kOrders, 2, 1);
  lab.run(milliseconds(10));
  const int moved = client.send_fetch(1, session_fetch(id, 2, {}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(moved) != nullptr);
  REQUIRE(listed(*client.fetched(moved)) == std::set<std::string>{"orders-0"});
  CHECK(client.fetched(moved)->partitions.front().batches.size() == 1);
  CHECK(client.fetched(moved)->partitions.front().high_watermark == 2);

  // The follower moves its position and forgets events-1; records there are no longer its
  // business, and orders-0, caught up, is not listed either.
  FetchRequest next = session_fetch(id, 3, {at(kOrders, 2)});
  next.forgotten = {kEvents1};
  client.produce(kEvents1, 1, 1);
  lab.run(milliseconds(10));
  const int after_forget = client.send_fetch(1, next);
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(after_forget) != nullptr);
  CHECK(client.fetched(after_forget)->partitions.empty());

  // A session's Fetch waits for data like any other, and is answered when it comes.
  const int waiting = client.send_fetch(1, session_fetch(id, 4, {}, milliseconds(500)));
  lab.run(milliseconds(100));
  CHECK(client.fetched(waiting) == nullptr);
  client.produce(kEvents0, 1, 1);
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(waiting) != nullptr);
  CHECK(listed(*client.fetched(waiting)) == std::set<std::string>{"events-0"});
}

TEST_CASE("fetch sessions: a wrong epoch, an unknown id and a restarted leader are refused",
          "[core][broker][fetch]") {
  Lab lab(TopicConfig{}, {1});
  TestClient& client = *lab.client;
  const int full = client.send_fetch(1, session_fetch(0, 0, {at(kOrders, 0)}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(full) != nullptr);
  const std::int32_t id = client.fetched(full)->session_id;

  const int skipped = client.send_fetch(1, session_fetch(id, 2, {}));  // epoch 1 expected
  const int unknown = client.send_fetch(1, session_fetch(id + 100, 1, {}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(skipped) != nullptr);
  CHECK(client.fetched(skipped)->error == ErrorCode::INVALID_FETCH_SESSION_EPOCH);
  CHECK(client.fetched(skipped)->partitions.empty());
  REQUIRE(client.fetched(unknown) != nullptr);
  CHECK(client.fetched(unknown)->error == ErrorCode::FETCH_SESSION_ID_NOT_FOUND);

  // The refusals did not disturb the session: epoch 1 still continues it.
  const int right = client.send_fetch(1, session_fetch(id, 1, {}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(right) != nullptr);
  CHECK(client.fetched(right)->error == ErrorCode::NONE);

  // Sessions live in memory: after a restart the leader knows none, and a new one gets a new id.
  lab.stop(1, StopKind::process_crash);
  lab.start(1);
  lab.run(seconds(2));
  const int stale = client.send_fetch(1, session_fetch(id, 2, {}));
  const int reopened = client.send_fetch(1, session_fetch(0, 0, {at(kOrders, 0)}));
  lab.run(milliseconds(10));
  REQUIRE(client.fetched(stale) != nullptr);
  CHECK(client.fetched(stale)->error == ErrorCode::FETCH_SESSION_ID_NOT_FOUND);
  REQUIRE(client.fetched(reopened) != nullptr);
  CHECK(client.fetched(reopened)->session_id != 0);
  CHECK(client.fetched(reopened)->session_id != id);
}

TEST_CASE("fetch sessions: followers of idle partitions send near-empty Fetches and stay in the ISR",
          "[core][broker][fetch]") {
  Lab lab;
  REQUIRE(lab.cluster.controller().create_topic("events", 20, 3, TopicConfig{}) == ErrorCode::NONE);
  lab.run(seconds(2));
  // Watch what the followers send once everything is idle.
  struct FetchSizes final : WorldObserver {
    std::set<std::int64_t> bytes;  // of every Fetch sent
    using WorldObserver::on;
    void on(const EventStamp&, const MessageSent& e) override {
      if (e.label == "Fetch") bytes.insert(e.bytes);
    }
  } sizes;
  lab.cluster.sim().events().attach(sizes);
  lab.run(seconds(60));  // twice replica.lag.time.max.ms
  REQUIRE(!sizes.bytes.empty());
  // An incremental Fetch naming no partition: the request header and the fixed fields only.
  CHECK(*sizes.bytes.rbegin() == 50);
  // The leader still records each follower's position in every partition of its session, so
  // no idle partition's follower falls out of the ISR.
  for (std::int32_t p = 0; p < 20; ++p) {
    const PartitionState* state = lab.cluster.controller().partition({"events", p});
    REQUIRE(state != nullptr);
    INFO("events-" << p);
    CHECK(state->isr.size() == 3);
  }
  // Records still replicate within the sessions.
  lab.client->produce({"events", 7}, 3, -1);
  lab.run(seconds(1));
  for (BrokerId b = 1; b <= 3; ++b) CHECK(lab.cluster.broker(b).partition({"events", 7})->log().log_end_offset() == 3);
}

TEST_CASE("fetch sessions: a partition joining a fetcher waits for the request in flight, as in Kafka",
          "[core][broker][fetch]") {
  Lab lab;  // broker 1 leads orders-0
  // Broker 2's Fetches to broker 1 and broker 1's answers, in order: one request at a time, so
  // they must alternate, even while partitions join (never a second Fetch abandoning the first).
  struct Exchange final : WorldObserver {
    NodeId follower, leader;
    std::string sequence;  // 'F' for a Fetch, 'R' for its answer
    using WorldObserver::on;
    void on(const EventStamp& s, const MessageSent& e) override {
      if (s.node == follower && e.to == leader && e.label == "Fetch") sequence += 'F';
      if (s.node == leader && e.to == follower && e.label == "FetchResponse") sequence += 'R';
    }
  } exchange;
  exchange.follower = lab.node(2);
  exchange.leader = lab.node(1);
  lab.cluster.sim().events().attach(exchange);
  lab.run(seconds(1));
  // Ten partitions led by broker 1 join broker 2's fetcher while its Fetch waits at the leader.
  std::vector<std::vector<BrokerId>> assignment(10, std::vector<BrokerId>{1, 2, 3});
  REQUIRE(lab.cluster.controller().create_topic("events", 10, 3, TopicConfig{}, assignment) == ErrorCode::NONE);
  lab.run(seconds(3));
  REQUIRE(exchange.sequence.size() > 4);
  CHECK(exchange.sequence.find("FF") == std::string::npos);
  // ...and they replicate: records written to one of them reach broker 2.
  lab.client->produce({"events", 4}, 2, -1);
  lab.run(seconds(2));
  CHECK(lab.cluster.broker(2).partition({"events", 4})->log().log_end_offset() == 2);
  CHECK(lab.cluster.controller().partition({"events", 4})->isr.size() == 3);
}

TEST_CASE("fetch sessions: a follower left with nothing to fetch from a leader starts a new session",
          "[core][broker][fetch]") {
  // Broker 2 follows orders-0 and events-0 from broker 1. Both move away (broker 1 loses the
  // controller), and orders-0 alone comes back. Had the old session gone on, broker 1 would still
  // hold events-0 in it, answer every Fetch at once with NOT_LEADER_OR_FOLLOWER for it, and broker
  // 2 would fetch in a tight loop.
  Lab lab;
  REQUIRE(lab.cluster.controller().create_topic("events", 1, 3, TopicConfig{}, {{1, 2, 3}}) == ErrorCode::NONE);
  lab.run(seconds(2));
  const NodeId controller = lab.cluster.controller().id();
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition, {lab.node(1)}, {controller}));
  lab.run(seconds(15));
  REQUIRE(lab.state().leader != 1);
  REQUIRE(lab.cluster.controller().partition(kEvents0)->leader != 1);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {lab.node(1)}, {controller}));
  lab.run(seconds(15));  // broker 1 is back and in the ISR again
  REQUIRE(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::NONE);
  lab.run(seconds(1));
  REQUIRE(lab.state().leader == 1);
  REQUIRE(lab.cluster.controller().partition(kEvents0)->leader != 1);

  struct FetchCount final : WorldObserver {
    NodeId from, to;
    int fetches = 0;
    using WorldObserver::on;
    void on(const EventStamp& s, const MessageSent& e) override {
      fetches += s.node == from && e.to == to && e.label == "Fetch" ? 1 : 0;
    }
  } count;
  count.from = lab.node(2);
  count.to = lab.node(1);
  lab.cluster.sim().events().attach(count);
  lab.run(seconds(5));
  // Nothing is written: each Fetch waits replica.fetch.wait.max.ms (500 ms) at the leader.
  CHECK(count.fetches <= 12);
  CHECK(count.fetches >= 8);
}

namespace {

// The size of the first Fetch `from` sends `to` after `since`, or -1.
struct FirstFetch final : WorldObserver {
  NodeId from, to;
  Time since;
  std::int64_t bytes = -1;
  using WorldObserver::on;
  void on(const EventStamp& s, const MessageSent& e) override {
    if (bytes >= 0 || s.node != from || s.time < since) return;
    if (e.label == "Fetch" && e.to == to) bytes = e.bytes;
  }
};

// The wire size of a Fetch naming orders-0 and events-0..9.
std::int64_t fetch_of_eleven_partitions() {
  FetchRequest request;
  request.partitions.push_back(at(kOrders, 0));
  for (std::int32_t p = 0; p < 10; ++p) request.partitions.push_back(at({"events", p}, 0));
  return wire_size(request);
}

}  // namespace

TEST_CASE("fetch sessions: after a restart a follower's first Fetch names every partition it follows there",
          "[core][broker][fetch]") {
  // Kafka's makeFollowers hands the fetcher all the partitions of a metadata update at once, and
  // the fetcher truncates them all before it fetches; a Fetch carrying only the first of them
  // would leave the others waiting a whole replica.fetch.wait.max.ms.
  const bool with_data = GENERATE(false, true);  // empty logs skip truncation; written ones ask first
  INFO((with_data ? "written logs" : "empty logs"));
  Lab lab;
  std::vector<std::vector<BrokerId>> assignment(10, std::vector<BrokerId>{1, 2, 3});
  REQUIRE(lab.cluster.controller().create_topic("events", 10, 3, TopicConfig{}, assignment) == ErrorCode::NONE);
  lab.run(seconds(1));
  if (with_data) {
    lab.client->produce(kOrders, 3, -1);
    for (std::int32_t p = 0; p < 10; ++p) lab.client->produce({"events", p}, 2, -1);
    lab.run(seconds(1));
  }
  lab.stop(2, StopKind::process_crash);
  lab.run(seconds(1));
  FirstFetch first;
  first.from = lab.node(2);
  first.to = lab.node(1);
  first.since = lab.now();
  lab.cluster.sim().events().attach(first);
  lab.start(2);
  lab.run(seconds(20));  // registered once its previous run's session is over (about 9 s), after a backoff
  CHECK(first.bytes == fetch_of_eleven_partitions());
}

TEST_CASE("fetch sessions: a fetcher whose partitions all moved away is retired with its request",
          "[core][broker][fetch]") {
  // Broker 1 loses power with broker 2's Fetch parked at it: that request will never be answered
  // (no connection reset comes). Once orders-0 has a new leader, broker 2's fetcher for broker 1
  // has nothing left and is retired, request and all, as Kafka shuts an idle fetcher thread down;
  // when broker 1 leads again, broker 2 fetches from it at once instead of waiting out the lost
  // request's replica.socket.timeout.ms.
  Lab lab;
  lab.client->produce(kOrders, 2, -1);
  lab.run(seconds(1));
  lab.stop(1, StopKind::power_loss);
  lab.run(seconds(12));  // fenced after broker.session.timeout.ms; a new leader is elected
  REQUIRE(lab.state().leader != 1);
  lab.start(1);
  lab.run(seconds(5));  // broker 1 catches up and rejoins the ISR
  REQUIRE(lab.state().isr.size() == 3);
  REQUIRE(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::NONE);
  lab.run(milliseconds(100));
  REQUIRE(lab.state().leader == 1);
  const Offset end = lab.replica(1).log().log_end_offset();
  // The test client's own connection to broker 1 is from before the power loss: its first request
  // meets a host that knows no such connection, and is answered with a reset. It produces again
  // on a new connection, as a Java client retries after a disconnect.
  lab.client->produce(kOrders, 2, -1);
  lab.run(milliseconds(10));
  REQUIRE(lab.client->resets().size() == 1);
  lab.client->produce(kOrders, 2, -1);
  lab.run(seconds(1));  // well within the 30 s the lost request would hold the fetcher
  CHECK(lab.replica(2).log().log_end_offset() == end + 2);
  CHECK(lab.replica(3).log().log_end_offset() == end + 2);
}
