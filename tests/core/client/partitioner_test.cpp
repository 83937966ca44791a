#include <catch2/catch.hpp>
#include <string>
#include <vector>

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
