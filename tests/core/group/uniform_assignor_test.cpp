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

TEST_CASE("uniform assignor: partitions of a topic no longer subscribed are given up", "[core][group][uniform]") {
  std::vector<AssignorMemberSpec> members = members_of({"x", "y"}, {1});
  members[0].assigned = {{0, 0}, {0, 1}, {1, 0}};  // topic 0 is no longer subscribed
  const ServerAssignment r = assign_uniform({2, 2}, members);
  REQUIRE(r.error.empty());
  CHECK(r.assignments[0].size() == 1);
  CHECK(r.assignments[0].front() == TopicIndexPartition{1, 0});
  CHECK(r.assignments[1] == std::vector<TopicIndexPartition>{{1, 1}});
}

// Different subscriptions: Kafka's UniformHeterogeneousAssignmentBuilderTest cases, with topics
// topic1.. as indices 0.. and members A, B, C (a HashMap iterates them in that order, as Kafka's
// test spec does).
namespace {

AssignorMemberSpec member(const std::string& id, std::vector<std::int32_t> topics, std::vector<TopicIndexPartition> assigned = {}) {
  return AssignorMemberSpec{id, std::nullopt, std::move(topics), std::move(assigned)};
}

std::vector<TopicIndexPartition> of(std::int32_t topic, std::initializer_list<std::int32_t> partitions) {
  std::vector<TopicIndexPartition> out;
  for (const std::int32_t p : partitions) out.push_back({topic, p});
  return out;
}

std::vector<TopicIndexPartition> operator+(std::vector<TopicIndexPartition> a, const std::vector<TopicIndexPartition>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

}  // namespace

TEST_CASE("uniform assignor, heterogeneous: a first assignment balances members across the topics they share",
          "[core][group][uniform]") {
  // topic1 (3 partitions) and topic3 (6): A subscribes to both, B to topic3 only.
  const ServerAssignment r = assign_uniform({3, 6}, {member("A", {0, 1}), member("B", {1})});
  REQUIRE(r.error.empty());
  CHECK(r.assignments[0] == of(0, {0, 1, 2}) + of(1, {4}));
  CHECK(r.assignments[1] == of(1, {0, 1, 2, 3, 5}));
}

TEST_CASE("uniform assignor, heterogeneous: an unbalanced assignment is balanced with the fewest moves",
          "[core][group][uniform]") {
  // topic1 (6), topic2 (4), topic3 (4): A on topic1; B on topic1 and topic2; C on all three.
  const ServerAssignment r = assign_uniform(
      {6, 4, 4}, {member("A", {0}, of(0, {0, 1, 2})), member("B", {0, 1}, of(0, {3}) + of(1, {0})),
                  member("C", {0, 1, 2}, of(0, {4, 5}) + of(1, {1, 2, 3}) + of(2, {0, 1, 2, 3}))});
  REQUIRE(r.error.empty());
  CHECK(r.assignments[0] == of(0, {0, 1, 2, 5}));
  CHECK(r.assignments[1] == of(0, {3}) + of(1, {0, 1, 2, 3}));
  CHECK(r.assignments[2] == of(0, {4}) + of(2, {0, 1, 2, 3}));
}

TEST_CASE("uniform assignor, heterogeneous: added partitions, a new member, a removed subscription",
          "[core][group][uniform]") {
  // Partitions added (Kafka's testReassignmentWhenPartitionsAreAddedForTwoMembers): topic1 (6),
  // topic2 (5), topic3 (3), topic4 (3); A on topic1 and topic3, B on all four.
  const ServerAssignment added = assign_uniform(
      {6, 5, 3, 3}, {member("A", {0, 2}, of(0, {0, 1, 2, 3}) + of(2, {0, 1})),
                     member("B", {0, 1, 2, 3}, of(1, {0, 1, 2}) + of(3, {0, 1, 2}))});
  REQUIRE(added.error.empty());
  CHECK(added.assignments[0] == of(0, {0, 1, 2, 3, 4, 5}) + of(2, {0, 1, 2}));
  CHECK(added.assignments[1] == of(1, {0, 1, 2, 3, 4}) + of(3, {0, 1, 2}));
  // A subscription removed (testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics):
  // topic1 (3), topic2 (5); A now on topic1 only, B on both.
  const ServerAssignment removed = assign_uniform(
      {3, 5}, {member("A", {0}, of(0, {0, 2}) + of(1, {1, 3})), member("B", {0, 1}, of(0, {1}) + of(1, {0, 2, 4}))});
  REQUIRE(removed.error.empty());
  CHECK(removed.assignments[0] == of(0, {0, 1, 2}));
  CHECK(removed.assignments[1] == of(1, {0, 1, 2, 3, 4}));
}

TEST_CASE("uniform assignor, heterogeneous: more members than partitions, and a member joining as partitions are added",
          "[core][group][uniform]") {
  // testFirstAssignmentNumMembersGreaterThanTotalNumPartitions: topic1 (2), topic3 (1); A and B on
  // topic3, C on topic1.
  const ServerAssignment few = assign_uniform({2, 1}, {member("A", {1}), member("B", {1}), member("C", {0})});
  REQUIRE(few.error.empty());
  CHECK(few.assignments[0] == of(1, {0}));
  CHECK(few.assignments[1].empty());
  CHECK(few.assignments[2] == of(0, {0, 1}));
  // testReassignmentWhenOneMemberAddedAndPartitionsAddedTwoMembersTwoTopics: topic1 (6), topic2 (7);
  // A now on topic1 only, B and the newcomer C on both.
  const ServerAssignment grown = assign_uniform(
      {6, 7}, {member("A", {0}, of(0, {0, 2}) + of(1, {0})), member("B", {0, 1}, of(0, {1}) + of(1, {1, 2})),
               member("C", {0, 1})});
  REQUIRE(grown.error.empty());
  CHECK(grown.assignments[0] == of(0, {0, 2, 3, 4, 5}));
  CHECK(grown.assignments[1] == of(0, {1}) + of(1, {1, 2, 6}));
  CHECK(grown.assignments[2] == of(1, {0, 3, 4, 5}));
}
