#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "../log/log_test_support.hpp"
#include "core/check/committed_records.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::batch_of;
using ksim::core::testing::kOrders;
using ksim::core::testing::topic_config;

namespace {

// Records the hold changes it hears, as (id, held).
struct HeardHolds final : HoldListener {
  void on_hold_changed(std::uint64_t id, bool held) override { heard.emplace_back(id, held); }
  std::vector<std::pair<std::uint64_t, bool>> heard;
};

// A batch whose records carry the given (id, key) pairs.
RecordBatch keyed_batch(const std::vector<std::pair<std::uint64_t, std::int64_t>>& records) {
  std::vector<Record> list;
  for (const auto& [id, key] : records) list.push_back(Record{id, key, 8, 100, Time::zero()});
  RecordBatch batch;
  batch.records = make_record_set(std::move(list), CompressionType::none);
  return batch;
}

}  // namespace

TEST_CASE("committed records: what the leader committed, read as it grows, and nothing above the high watermark",
          "[core][check]") {
  Lab lab;
  CommittedRecords logs(lab.cluster, {"orders"});
  lab.cluster.events().attach(logs);
  const int first = lab.client->produce(kOrders, 5, -1);
  lab.run(seconds(1));
  logs.catch_up();
  CHECK(logs.copies() == 5);
  const int second = lab.client->produce(kOrders, 2, -1);
  lab.run(seconds(1));
  logs.catch_up();  // only the new records are read: each is held once
  CHECK(logs.copies() == 7);
  // The followers die: the leader appends, but its high watermark waits for an ISR that has not
  // shrunk yet, so these records are not committed.
  lab.stop(2, StopKind::process_crash);
  lab.stop(3, StopKind::process_crash);
  const int pending = lab.client->produce(kOrders, 3, 1);
  lab.run(milliseconds(100));
  REQUIRE(lab.replica(1).log().log_end_offset() == 10);
  logs.catch_up();
  CHECK(logs.copies() == 7);
  for (const int sent : {first, second}) {
    for (const std::uint64_t id : lab.client->outcome(sent).record_ids) CHECK(logs.holds(id));
  }
  for (const std::uint64_t id : lab.client->outcome(pending).record_ids) CHECK_FALSE(logs.holds(id));
  CHECK(logs.duplicated_records() == 0);
}

TEST_CASE("committed records: records a truncation took are no longer held, and listeners hear it",
          "[core][check]") {
  BrokerConfig quick_isr;
  quick_isr.replica_lag_time_max = seconds(2);
  Lab lab(topic_config(1, true), {1, 2, 3}, quick_isr);
  CommittedRecords logs(lab.cluster, {"orders"});
  HeardHolds heard;
  logs.add_listener(heard);
  lab.cluster.events().attach(logs);
  lab.client->produce(kOrders, 2, -1);
  lab.run(seconds(1));
  // Cut the leader off until its followers leave the ISR, then commit three records on it alone.
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition, {lab.node(2), lab.node(3)}, {lab.node(1)}));
  lab.client->produce(kOrders, 1, 1);
  lab.run(seconds(5));
  REQUIRE(lab.state().isr == std::vector<BrokerId>{1});
  const int acked = lab.client->produce(kOrders, 3, -1);
  lab.run(milliseconds(100));
  logs.catch_up();
  const std::vector<std::uint64_t> lost = lab.client->outcome(acked).record_ids;
  for (const std::uint64_t id : lost) REQUIRE(logs.holds(id));
  // An unclean election makes a stale follower the leader; the old leader comes back and
  // truncates its log to the new leader's.
  lab.stop(1, StopKind::process_crash);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {}));
  lab.run(seconds(15));
  REQUIRE(lab.state().leader == 2);
  lab.start(1);
  lab.run(seconds(15));
  logs.catch_up();
  for (const std::uint64_t id : lost) {
    CHECK_FALSE(logs.holds(id));
    CHECK(std::find(heard.heard.begin(), heard.heard.end(), std::make_pair(id, false)) != heard.heard.end());
  }
  CHECK(logs.holds(1));  // the records all replicas had stay
  CHECK(logs.holds(2));
}

TEST_CASE("committed records: a record written twice is a duplicate, and a key's records out of order are a reordering",
          "[core][check]") {
  Lab lab;
  CommittedRecords logs(lab.cluster, {"orders"});
  lab.cluster.events().attach(logs);
  // Producer 0's ids 1..4 with key 7, written 1, 3, 2 (out of order) and then 3 again (a
  // retried batch without idempotence): one reordered key, one duplicate, and the second copy
  // of 3 is not a second reordering.
  lab.client->produce_batch(kOrders, keyed_batch({{1, 7}, {3, 7}}), -1);
  lab.run(milliseconds(500));
  lab.client->produce_batch(kOrders, keyed_batch({{2, 7}}), -1);
  lab.run(milliseconds(500));
  lab.client->produce_batch(kOrders, keyed_batch({{3, 7}, {4, 7}}), -1);
  lab.run(milliseconds(500));
  logs.catch_up();
  CHECK(logs.copies() == 5);
  CHECK(logs.duplicated_records() == 1);
  CHECK(logs.reordered_keys() == 1);
  CHECK(logs.key_of(2) == 7);
  CHECK_FALSE(logs.key_of(99).has_value());
}

TEST_CASE("committed records: keys in send order are no reordering, and keyless records are not judged", "[core][check]") {
  Lab lab;
  CommittedRecords logs(lab.cluster, {"orders"});
  lab.cluster.events().attach(logs);
  lab.client->produce_batch(kOrders, keyed_batch({{1, 7}, {2, 8}, {3, 7}}), -1);
  lab.run(milliseconds(500));
  lab.client->produce_batch(kOrders, batch_of(2, 10), -1);  // keyless: ids 10, 11
  lab.client->produce_batch(kOrders, batch_of(1, 5), -1);   // keyless, an earlier id after them
  lab.run(milliseconds(500));
  logs.catch_up();
  CHECK(logs.reordered_keys() == 0);
  CHECK(logs.duplicated_records() == 0);
}
