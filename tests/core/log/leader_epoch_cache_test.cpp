#include <catch2/catch.hpp>

#include "core/log/leader_epoch_cache.hpp"

using namespace ksim::core;

TEST_CASE("epoch cache: answers OffsetsForLeaderEpoch as Kafka's cache does", "[core][log]") {
  LeaderEpochCache cache;
  cache.assign(1, 0);
  cache.assign(2, 10);
  cache.assign(4, 25);
  cache.assign(3, 30);  // older epoch: ignored

  const auto at = [&](LeaderEpoch e) { return cache.end_offset_for(e, 40); };
  CHECK(at(4).epoch == 4);   // the latest epoch ends at the log end
  CHECK(at(4).end_offset == 40);
  CHECK(at(2).epoch == 2);
  CHECK(at(2).end_offset == 25);
  CHECK(at(3).epoch == 2);   // unknown epoch 3: the largest epoch below it, ending where 4 starts
  CHECK(at(3).end_offset == 25);
  CHECK(at(0).epoch == 0);   // older than everything: the epoch itself, ending at the first start
  CHECK(at(0).end_offset == 0);
  CHECK(at(5).epoch == kNoLeaderEpoch);  // newer than everything: undefined
  CHECK(at(5).end_offset == -1);
  CHECK(LeaderEpochCache().end_offset_for(1, 0).epoch == kNoLeaderEpoch);
}

TEST_CASE("epoch cache: truncation at either end", "[core][log]") {
  LeaderEpochCache cache;
  cache.assign(1, 0);
  cache.assign(2, 10);
  cache.assign(3, 20);
  cache.truncate_from_end(10);
  REQUIRE(cache.entries().size() == 1);
  CHECK(cache.latest()->epoch == 1);

  cache.assign(5, 12);
  cache.truncate_from_start(15);
  REQUIRE(cache.entries().size() == 1);
  CHECK(cache.entries()[0].epoch == 5);
  CHECK(cache.entries()[0].start_offset == 15);
}
