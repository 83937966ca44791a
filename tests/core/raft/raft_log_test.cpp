// The metadata log's epochs: where a fetcher's log diverges from the leader's, and where it
// truncates to.
#include <catch2/catch.hpp>

#include "core/raft/raft_log.hpp"

using namespace ksim::core;

namespace {

RaftLog log_of(std::initializer_list<int> epochs) {
  RaftLog log;
  for (const int e : epochs) log.append(RaftEntry{LeaderEpoch{e}, std::make_shared<const MetadataRecord>(NoOpRecord{})});
  return log;
}

}  // namespace

TEST_CASE("raft log: a fetch from an empty log, or from a prefix of the leader's, is valid", "[core][raft]") {
  const RaftLog leader = log_of({1, 1, 2, 2, 2, 4});
  CHECK_FALSE(leader.divergence(0, 0));
  CHECK_FALSE(leader.divergence(2, 1));
  CHECK_FALSE(leader.divergence(4, 2));
  CHECK_FALSE(leader.divergence(6, 4));
  CHECK(leader.end() == OffsetAndEpoch{6, 4});
}

TEST_CASE("raft log: a fetcher with records of an epoch the leader does not have is told where to truncate",
          "[core][raft]") {
  // The leader of epoch 4 never saw the follower's epoch-3 records; epoch 2 ends at offset 5 here.
  const RaftLog leader = log_of({1, 1, 2, 2, 2, 4});
  RaftLog follower = log_of({1, 1, 2, 2, 3, 3, 3});
  const auto diverging = leader.divergence(follower.end_offset(), follower.last_epoch());
  REQUIRE(diverging);
  CHECK(*diverging == OffsetAndEpoch{5, 2});
  // The follower's own epoch 2 ends at 4: it truncates there, not at the leader's 5.
  CHECK(follower.truncation_offset(*diverging) == 4);
  follower.truncate_to(follower.truncation_offset(*diverging));
  CHECK(follower.end() == OffsetAndEpoch{4, 2});
  CHECK_FALSE(leader.divergence(follower.end_offset(), follower.last_epoch()));
}

TEST_CASE("raft log: a fetcher longer than the leader in the same epoch truncates to the leader's end",
          "[core][raft]") {
  const RaftLog leader = log_of({1, 1, 2});
  RaftLog follower = log_of({1, 1, 2, 2, 2});
  const auto diverging = leader.divergence(follower.end_offset(), follower.last_epoch());
  REQUIRE(diverging);
  CHECK(*diverging == OffsetAndEpoch{3, 2});
  CHECK(follower.truncation_offset(*diverging) == 3);
}

TEST_CASE("raft log: up to date means a later last epoch, or the same one and no shorter", "[core][raft]") {
  CHECK(at_least_as_up_to_date({3, 2}, {10, 1}));
  CHECK_FALSE(at_least_as_up_to_date({10, 1}, {3, 2}));
  CHECK(at_least_as_up_to_date({5, 2}, {5, 2}));
  CHECK_FALSE(at_least_as_up_to_date({4, 2}, {5, 2}));
}
