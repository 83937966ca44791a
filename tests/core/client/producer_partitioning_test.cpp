// The producer's built-in partitioner at work (KIP-794): stays of batch.size bytes across batches,
// and partitions left out of the draw after partitioner.availability.timeout.ms.
#include <catch2/catch.hpp>
#include <map>

#include "producer_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::plain;
using ksim::core::testing::ProducerLab;

namespace {

// How many times the partition changes from one batch to the next, in the order batches were made.
std::size_t partition_changes(const ProducerHistory& history) {
  std::vector<const BatchReport*> batches;
  for (const BatchReport& b : history.batches) batches.push_back(&b);
  std::stable_sort(batches.begin(), batches.end(),
                   [](const BatchReport* a, const BatchReport* b) { return a->created_at < b->created_at; });
  std::size_t changes = 0;
  for (std::size_t i = 1; i < batches.size(); ++i) changes += batches[i]->tp != batches[i - 1]->tp ? 1 : 0;
  return changes;
}

}  // namespace

TEST_CASE("built-in partitioner: keyless records stay on a partition for batch.size bytes, across batches "
          "sent early; the legacy sticky partitioner moved at every batch",
          "[core][client][producer][partitioner]") {
  const auto changes_with = [](NullKeyPartitioning how) {
    ProducerConfig c = plain();
    c.null_key_partitioning = how;  // linger.ms 0: every record leaves in its own batch
    ProducerLab lab(c, 6);
    for (std::uint64_t id = 1; id <= 600; ++id) {
      lab.send(id);
      lab.run(milliseconds(2));
    }
    lab.run(seconds(1));
    REQUIRE(lab.producer->history().batches.size() == 600);
    return partition_changes(lab.producer->history());
  };
  // 600 records of about 170 bytes with their batch headers: a stay takes about 100 of them.
  const std::size_t built_in = changes_with(NullKeyPartitioning::built_in);
  CHECK(built_in <= 8);
  CHECK(built_in >= 3);
  CHECK(changes_with(NullKeyPartitioning::legacy_sticky) >= 550);
}

TEST_CASE("built-in partitioner: a leader that takes no batch for partitioner.availability.timeout.ms gets no "
          "more keyless records",
          "[core][client][producer][partitioner]") {
  const auto records_to_broker3 = [](Duration availability_timeout) {
    ProducerConfig c = plain();
    c.linger = milliseconds(5);
    c.batch_size = 2048;
    c.partitioner_availability_timeout = availability_timeout;
    c.delivery_timeout = seconds(60);
    ProducerLab lab(c, 6, {}, {}, true);  // broker 3 leads partitions 2 and 5
    std::uint64_t id = 1;
    for (int i = 0; i < 500; ++i, lab.run(milliseconds(2))) lab.send(id++);
    lab.cut_producer_from(3);  // nothing it sends to broker 3 arrives
    const Time cut = lab.now();
    for (int i = 0; i < 2500; ++i, lab.run(milliseconds(2))) lab.send(id++);
    lab.heal();
    lab.run(seconds(30));
    std::int64_t late = 0;  // records put in batches for broker 3 more than a second after the cut
    for (const BatchReport& b : lab.producer->history().batches) {
      if ((b.tp.partition == 2 || b.tp.partition == 5) && b.created_at > cut + seconds(1)) late += b.records;
    }
    return late;
  };
  CHECK(records_to_broker3(milliseconds(500)) == 0);
  CHECK(records_to_broker3(Duration{}) > 0);
}

TEST_CASE("built-in partitioner: when a stay is over, the record that does not fit the full batch opens the "
          "next partition's batch, not a one-record batch here",
          "[core][client][producer][partitioner]") {
  ProducerConfig c = plain();
  c.linger = milliseconds(5);  // 100 records a millisecond fill a batch well before linger.ms
  ProducerLab lab(c, 6);
  for (std::uint64_t id = 1; id <= 6000; ++id) {
    lab.send(id);
    if (id % 100 == 0) lab.run(milliseconds(1));
  }
  lab.run(seconds(2));
  std::size_t small = 0;
  std::uint32_t acked = 0;
  for (const BatchReport& b : lab.producer->history().batches) {
    acked += b.ok() ? b.records : 0;
    small += b.records < 50 ? 1 : 0;
  }
  CHECK(acked == 6000);
  // Full batches hold about 140 records; only the last batch of each partition may be small.
  CHECK(small <= 6);
}
