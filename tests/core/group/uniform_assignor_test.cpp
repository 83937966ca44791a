// The uniform assignor (KIP-848's server-side default), homogeneous subscriptions.
#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

#include "core/group/uniform_assignor.hpp"
#include "core/protocol/java_hashing.hpp"

using namespace ksim::core;

namespace {

std::vector<AssignorMemberSpec> members_of(const std::vector<std::string>& ids, std::vector<std::int32_t> topics) {
  std::vector<AssignorMemberSpec> members;
  for (const std::string& id : ids) members.push_back(AssignorMemberSpec{id, std::nullopt, topics, {}});
  return members;
}

std::size_t total(const ServerAssignment& r) {
  std::size_t n = 0;
  for (const auto& a : r.assignments) n += a.size();
  return n;
}

}  // namespace

TEST_CASE("uniform assignor: a fresh group is balanced, the extra partitions going to the first members in "
          "HashMap order",
          "[core][group][uniform]") {
  const std::vector<std::string> ids{"m-a", "m-b", "m-c"};
  const ServerAssignment r = assign_uniform({7, 4}, members_of(ids, {0, 1}));
  REQUIRE(r.error.empty());
  REQUIRE(total(r) == 11);
  std::set<TopicIndexPartition> seen;
  for (const auto& a : r.assignments) seen.insert(a.begin(), a.end());
  CHECK(seen.size() == 11);  // each partition once
  // 11 over 3: quotas 4, 4, 3, in the order a HashMap of the member ids iterates.
  const std::vector<std::size_t> order = java_hash_map_order(
      {java_string_hash("m-a"), java_string_hash("m-b"), java_string_hash("m-c")});
  CHECK(r.assignments[order[0]].size() == 4);
  CHECK(r.assignments[order[1]].size() == 4);
  CHECK(r.assignments[order[2]].size() == 3);
  // The first member in that order is dealt the first free partitions: topic 0 from partition 0.
  CHECK(r.assignments[order[0]].front() == TopicIndexPartition{0, 0});
}

TEST_CASE("uniform assignor: members keep what they have up to their quota; only the excess and the "
          "orphaned partitions move",
          "[core][group][uniform]") {
  const std::vector<std::string> ids{"m-1", "m-2", "m-3", "m-4"};
  const ServerAssignment first = assign_uniform({12}, members_of(ids, {0}));
  REQUIRE(first.error.empty());
  // m-4 leaves: its three partitions are orphaned; the others keep theirs and share them.
  std::vector<AssignorMemberSpec> left = members_of({"m-1", "m-2", "m-3"}, {0});
  for (std::size_t i = 0; i < 3; ++i) left[i].assigned = first.assignments[i];
  const ServerAssignment second = assign_uniform({12}, left);
  REQUIRE(second.error.empty());
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(second.assignments[i].size() == 4);
    for (const TopicIndexPartition& kept : first.assignments[i]) {
      CHECK(std::find(second.assignments[i].begin(), second.assignments[i].end(), kept) != second.assignments[i].end());
    }
  }
  // A newcomer takes partitions from the members above the new quota, nothing else moves.
  std::vector<AssignorMemberSpec> joined = members_of({"m-1", "m-2", "m-3", "m-5"}, {0});
  for (std::size_t i = 0; i < 3; ++i) joined[i].assigned = second.assignments[i];
  const ServerAssignment third = assign_uniform({12}, joined);
  REQUIRE(third.error.empty());
  std::size_t moved = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    for (const TopicIndexPartition& had : second.assignments[i]) {
      moved += std::find(third.assignments[i].begin(), third.assignments[i].end(), had) == third.assignments[i].end() ? 1 : 0;
    }
  }
  CHECK(moved == 3);
  CHECK(third.assignments[3].size() == 3);
}

TEST_CASE("uniform assignor: partitions of a topic no longer subscribed are given up; heterogeneous "
          "subscriptions are refused",
          "[core][group][uniform]") {
  std::vector<AssignorMemberSpec> members = members_of({"x", "y"}, {1});
  members[0].assigned = {{0, 0}, {0, 1}, {1, 0}};  // topic 0 is no longer subscribed
  const ServerAssignment r = assign_uniform({2, 2}, members);
  REQUIRE(r.error.empty());
  CHECK(r.assignments[0].size() == 1);
  CHECK(r.assignments[0].front() == TopicIndexPartition{1, 0});
  CHECK(r.assignments[1] == std::vector<TopicIndexPartition>{{1, 1}});
  members[1].subscribed = {0, 1};
  CHECK_FALSE(assign_uniform({2, 2}, members).error.empty());
}
