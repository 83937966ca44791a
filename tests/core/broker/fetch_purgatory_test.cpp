// The fetch purgatory on its own: waiting Fetches of both kinds, fetch.min.bytes, and the order
// in which they are answered.
#include <catch2/catch.hpp>

#include <map>

#include "core/broker/fetch_purgatory.hpp"

using namespace ksim::core;
using Waiter = FetchPurgatory::Waiter;

namespace {

const TopicPartition kA{"orders", 0};
const TopicPartition kB{"orders", 1};
const Waiter kPlain1{Waiter::Kind::plain, 1};
const Waiter kPlain2{Waiter::Kind::plain, 2};
const Waiter kSession5{Waiter::Kind::session, 5};
const Waiter kSession9{Waiter::Kind::session, 9};

}  // namespace

TEST_CASE("fetch purgatory: a Fetch is answered once its partitions together reach fetch.min.bytes",
          "[core][broker][purgatory]") {
  FetchPurgatory purgatory;
  purgatory.park(kPlain1, {kA, kB}, {100, 0}, 500);
  std::map<std::pair<Waiter, std::size_t>, std::int64_t> bytes{{{kPlain1, 0}, 100}, {{kPlain1, 1}, 0}};
  const auto readable = [&](Waiter w, std::size_t index) { return bytes.at({w, index}); };
  bytes[{kPlain1, 1}] = 300;  // 400 in all: not yet
  CHECK(purgatory.partition_changed(kB, readable).empty());
  bytes[{kPlain1, 0}] = 250;  // only orders-0 is asked about when it changes: 550
  CHECK(purgatory.partition_changed(kA, readable) == std::vector<Waiter>{kPlain1});
  purgatory.remove(kPlain1);
  CHECK(purgatory.partition_changed(kA, readable).empty());  // answered: it waits no more
}

TEST_CASE("fetch purgatory: an error answers at once; sessions go first, then plain Fetches oldest first",
          "[core][broker][purgatory]") {
  FetchPurgatory purgatory;
  purgatory.park(kPlain1, {kA}, {0}, 1);
  purgatory.park(kSession9, {kA, kB}, {0, 0}, 1);
  purgatory.park(kPlain2, {kA}, {0}, 1000);
  purgatory.park(kSession5, {kA}, {0}, 1);
  // orders-0 gets 10 bytes: enough for all but plain 2, which waits for 1000 ...
  auto ready = purgatory.partition_changed(kA, [](Waiter, std::size_t) { return std::int64_t{10}; });
  CHECK(ready == std::vector<Waiter>{kSession5, kSession9, kPlain1});
  // ... unless reading it would fail (a leadership lost): then it is answered with the error.
  ready = purgatory.partition_changed(kA, [](Waiter, std::size_t) { return std::int64_t{-1}; });
  CHECK(ready == std::vector<Waiter>{kSession5, kSession9, kPlain1, kPlain2});
}
