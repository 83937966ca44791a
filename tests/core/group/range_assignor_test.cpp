// The consumer group protocol's range assignor (KIP-848, server side).
#include <catch2/catch.hpp>

#include "core/group/range_assignor.hpp"

using namespace ksim::core;

TEST_CASE("server range assignor: each topic in consecutive ranges, static members first, co-partitioned "
          "topics lined up",
          "[core][group][range]") {
  std::vector<AssignorMemberSpec> members{
      {"m-b", std::nullopt, {0, 1}, {}},
      {"m-a", std::nullopt, {0, 1}, {}},
      {"m-z", std::string("host-1"), {0, 1}, {}},
  };
  // Topics 0 and 1 have 7 partitions each: 3, 2, 2, the extra one to the first in order.
  const ServerAssignment r = assign_range_server({7, 7}, members);
  REQUIRE(r.error.empty());
  CHECK(r.assignments[2] == std::vector<TopicIndexPartition>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}});
  CHECK(r.assignments[1] == std::vector<TopicIndexPartition>{{0, 3}, {0, 4}, {1, 3}, {1, 4}});
  CHECK(r.assignments[0] == std::vector<TopicIndexPartition>{{0, 5}, {0, 6}, {1, 5}, {1, 6}});
}

TEST_CASE("server range assignor: a topic is shared among its own subscribers; a member with no "
          "partition left gets nothing; a missing topic is an error",
          "[core][group][range]") {
  std::vector<AssignorMemberSpec> members{
      {"a", std::nullopt, {0}, {}},
      {"b", std::nullopt, {0, 1}, {}},
      {"c", std::nullopt, {1}, {}},
  };
  const ServerAssignment r = assign_range_server({1, 4}, members);
  REQUIRE(r.error.empty());
  CHECK(r.assignments[0] == std::vector<TopicIndexPartition>{{0, 0}});
  CHECK(r.assignments[1] == std::vector<TopicIndexPartition>{{1, 0}, {1, 1}});  // topic 0 is used up
  CHECK(r.assignments[2] == std::vector<TopicIndexPartition>{{1, 2}, {1, 3}});
  members[2].subscribed = {2};
  CHECK_FALSE(assign_range_server({1, 4, -1}, members).error.empty());
}
