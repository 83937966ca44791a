// The model's typed integers: what converts, what does not, and the arithmetic that keeps a kind.
#include <catch2/catch.hpp>

#include <type_traits>
#include <unordered_set>

#include "core/protocol/messages.hpp"

using namespace ksim::core;

// Kinds never turn into one another or back into plain integers without saying so.
static_assert(!std::is_convertible_v<Offset, LeaderEpoch>);
static_assert(!std::is_convertible_v<LeaderEpoch, Offset>);
static_assert(!std::is_convertible_v<BrokerId, LeaderEpoch>);
static_assert(!std::is_convertible_v<LeaderEpoch, BrokerId>);
static_assert(!std::is_convertible_v<Offset, BrokerId>);
static_assert(!std::is_convertible_v<Offset, std::int64_t>);
static_assert(!std::is_convertible_v<BrokerId, std::int32_t>);
static_assert(!std::is_convertible_v<ProducerId, Offset>);
// A plain integer becomes one when it fits: an offset from a 64-bit count, but not an epoch or a
// broker id (32 bits) from one.
static_assert(std::is_convertible_v<std::int64_t, Offset>);
static_assert(std::is_convertible_v<int, LeaderEpoch>);
static_assert(!std::is_convertible_v<std::int64_t, LeaderEpoch>);
static_assert(!std::is_constructible_v<BrokerId, std::int64_t>);
// Two offsets apart are a count; an offset moved by a count is an offset.
static_assert(std::is_same_v<decltype(Offset{} - Offset{}), std::int64_t>);
static_assert(std::is_same_v<decltype(Offset{} + 3), Offset>);

TEST_CASE("strong integers: compare, count and hash as their integers do", "[core][log]") {
  const Offset start = 10;
  const Offset end = start + 5;
  CHECK(end - start == 5);
  CHECK(end > start);
  CHECK(end == 15);
  LeaderEpoch epoch = 3;
  ++epoch;
  CHECK(epoch == LeaderEpoch{4});
  CHECK(to_string(epoch) == "4");
  CHECK(kNoBroker < BrokerId{1});
  std::unordered_set<BrokerId> brokers{1, 2, 2};
  CHECK(brokers.size() == 2);
}
