#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/client/built_in_partitioner.hpp"
#include "core/client/partitioner.hpp"

using namespace ksim::core;

TEST_CASE("partitioner: murmur2 gives the Java client's values", "[core][client][partitioner]") {
  // Reference values of Kafka's Utils.murmur2, as its own unit test pins them.
  CHECK(murmur2("21") == -973932308);
  CHECK(murmur2("foobar") == -790332482);
  CHECK(murmur2("a-little-bit-long-string") == -985981536);
  CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(murmur2("abc") == 479470107);
}

TEST_CASE("partitioner: toPositive clears the sign bit, it is not abs", "[core][client][partitioner]") {
  CHECK(to_positive(-1) == 0x7fffffff);
  CHECK(to_positive(INT32_MIN) == 0);  // abs would overflow and stay negative
  CHECK(to_positive(5) == 5);
  const std::string key = "foobar";
  const std::vector<std::uint8_t> bytes(key.begin(), key.end());
  CHECK(partition_for_key(bytes, 10) == (-790332482 & 0x7fffffff) % 10);
}

TEST_CASE("partitioner: the same key always lands on the same partition, and adding partitions "
          "moves keys",
          "[core][client][partitioner]") {
  int moved = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "customer-" + std::to_string(i);
    const std::vector<std::uint8_t> bytes(key.begin(), key.end());
    const std::int32_t p6 = partition_for_key(bytes, 6);
    CHECK(p6 == partition_for_key(bytes, 6));
    REQUIRE(p6 >= 0);
    REQUIRE(p6 < 6);
    if (partition_for_key(bytes, 8) != p6) ++moved;
  }
  // From 6 to 8 partitions most keys move: only those with hash % 24 < 6 stay put.
  CHECK(moved > 600);
  CHECK(moved < 850);
}

// --- the built-in partitioner (KIP-794) ---------------------------------------------------------


TEST_CASE("built-in partitioner: it sticks until batch.size bytes were produced, and waits for a full batch "
          "up to twice that",
          "[core][client][partitioner]") {
  ksim::sim::Rng rng(7);
  BuiltInPartitioner p(1000);
  const std::vector<std::int32_t> all{0, 1, 2, 3};
  p.switch_partition(all, 4, rng);
  REQUIRE(p.current());
  CHECK_FALSE(p.produced(600, true));
  CHECK_FALSE(p.produced(300, true));  // 900 bytes: not yet
  CHECK_FALSE(p.produced(200, false));  // 1,100, but the last batch is not full: wait
  CHECK(p.produced(0, true));           // the batch is full (or sent): now
  p.switch_partition(all, 4, rng);
  CHECK(p.produced_bytes() == 0);
  CHECK_FALSE(p.produced(1500, false));
  CHECK(p.produced(500, false));  // twice batch.size, whatever the batches
}

TEST_CASE("built-in partitioner: the draw is uniform over the partitions with a leader", "[core][client][partitioner]") {
  ksim::sim::Rng rng(11);
  BuiltInPartitioner p(1000);
  const std::vector<std::int32_t> available{1, 3};  // 0 and 2 have no leader
  std::map<std::int32_t, int> drawn;
  for (int i = 0; i < 1000; ++i) {
    p.switch_partition(available, 4, rng);
    ++drawn[*p.current()];
  }
  CHECK(drawn.size() == 2);
  CHECK(drawn[1] > 400);
  CHECK(drawn[3] > 400);
}

TEST_CASE("built-in partitioner: with load statistics a longer queue is drawn less often",
          "[core][client][partitioner]") {
  ksim::sim::Rng rng(13);
  BuiltInPartitioner p(1000);
  // Queues 0, 3 and 1: weights 4, 1 and 3 (the largest queue plus one, minus each), whose running
  // sums make the table.
  std::vector<std::int32_t> sizes{0, 3, 1};
  p.update_load_stats(sizes, {0, 1, 2}, 3);
  REQUIRE(p.adaptive());
  const auto table = p.cumulative_frequencies();
  CHECK(std::vector<std::int32_t>(table.begin(), table.end()) == std::vector<std::int32_t>{4, 5, 8});
  std::map<std::int32_t, int> drawn;
  for (int i = 0; i < 8000; ++i) {
    p.switch_partition({}, 3, rng);
    ++drawn[*p.current()];
  }
  CHECK(drawn[0] > 3700);  // about 4/8
  CHECK(drawn[0] < 4300);
  CHECK(drawn[1] > 800);   // about 1/8
  CHECK(drawn[1] < 1200);
  CHECK(drawn[2] > 2700);  // about 3/8
  CHECK(drawn[2] < 3300);

  // Equal queues need no statistics, unless a partition was left out as unavailable.
  std::vector<std::int32_t> equal{2, 2, 2};
  p.update_load_stats(equal, {0, 1, 2}, 3);
  CHECK_FALSE(p.adaptive());
  std::vector<std::int32_t> one_left_out{2, 2, 2};
  p.update_load_stats(one_left_out, {0, 2, 1}, 2);  // partition 1 left out
  REQUIRE(p.adaptive());
  for (int i = 0; i < 100; ++i) {
    p.switch_partition({}, 3, rng);
    CHECK(*p.current() != 1);
  }
}
