#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

#include "core/protocol/java_hashing.hpp"
#include "core/client/sticky_assignor.hpp"
#include "sim/random.hpp"

using namespace ksim::core;

namespace {

using Names = std::vector<std::string>;

Names names(const std::vector<TopicPartition>& list) {
  Names out;
  for (const auto& tp : list) out.push_back(tp.str());
  return out;
}

TopicPartition tp(const std::string& text) {
  return parse_topic_partition(text).value();
}

MemberSubscription member(std::string id, Names topics, const Names& owned = {}, std::int32_t generation = -1) {
  MemberSubscription m;
  m.member_id = std::move(id);
  m.topics = std::move(topics);
  for (const auto& p : owned) m.owned.push_back(tp(p));
  m.generation = generation;
  return m;
}

// Every partition of every subscribed topic goes to exactly one member subscribed to its topic.
void check_valid(const GroupAssignment& a, const std::vector<MemberSubscription>& members,
                 const std::map<std::string, std::int32_t>& topics, bool complete = true) {
  std::set<TopicPartition> seen;
  for (const auto& m : members) {
    for (const auto& p : a.at(m.member_id)) {
      CHECK(std::find(m.topics.begin(), m.topics.end(), p.topic) != m.topics.end());
      CHECK(seen.insert(p).second);
    }
  }
  if (!complete) return;
  std::set<std::string> subscribed;
  for (const auto& m : members) subscribed.insert(m.topics.begin(), m.topics.end());
  std::size_t expected = 0;
  for (const auto& [topic, count] : topics) expected += subscribed.count(topic) != 0U ? static_cast<std::size_t>(count) : 0U;
  CHECK(seen.size() == expected);
}

std::size_t spread(const GroupAssignment& a) {
  std::size_t lo = SIZE_MAX;
  std::size_t hi = 0;
  for (const auto& [id, list] : a) {
    lo = std::min(lo, list.size());
    hi = std::max(hi, list.size());
  }
  return hi - lo;
}

// The next generation's subscriptions: each member now owns what it was given.
std::vector<MemberSubscription> next_round(std::vector<MemberSubscription> members, const GroupAssignment& a,
                                           std::int32_t generation) {
  for (auto& m : members) {
    m.owned = a.at(m.member_id);
    m.generation = generation;
  }
  return members;
}

}  // namespace

TEST_CASE("java hashing: String.hashCode and TopicPartition.hashCode", "[core][group][sticky]") {
  CHECK(java_string_hash("hello") == 99162322);
  CHECK(java_string_hash("") == 0);
  // 31 * (31 + partition) + topic.hashCode()
  CHECK(java_topic_partition_hash("hello", 2) == 31 * 33 + 99162322);
}

TEST_CASE("java hashing: a HashMap iterates by bucket, then insertion order, and grows past 3/4 full",
          "[core][group][sticky]") {
  // Buckets of a 16-slot table: hash & 15 (the high half is zero here).
  // Buckets 5, 3, 3, 3: bucket 3 first, its keys in insertion order.
  CHECK(java_hash_map_order({5, 3, 19, 3 + 16 * 2}) == std::vector<std::size_t>{1, 2, 3, 0});
  CHECK(java_hash_map_capacity(12) == 16);
  CHECK(java_hash_map_capacity(13) == 32);
  // With 13 keys the table has 32 buckets: 16 and 0 no longer share one.
  std::vector<std::int32_t> hashes{16, 0};
  for (std::int32_t i = 1; i <= 11; ++i) hashes.push_back(100 + i * 64);  // all in bucket 4
  CHECK(java_hash_map_order(hashes).front() == 1);
  CHECK(java_hash_map_order(hashes).back() == 0);
  // The high half is folded into the low bits: 0x10000 lands in bucket 1.
  CHECK(java_bucket(0x10000, 16) == 1);
}

TEST_CASE("java hashing: a HashSet's first element follows adds and removes", "[core][group][sticky]") {
  JavaHashSetOrder set;
  set.add(7, 3);
  set.add(8, 2);
  CHECK(set.first() == 8);
  set.remove(8);
  CHECK(set.first() == 7);
  set.add(9, 3);  // same bucket as 7, inserted later
  CHECK(set.first() == 7);
  set.remove(7);
  set.add(7, 3);  // re-added: now behind 9
  CHECK(set.first() == 9);
}

// The cases below are the Java client's own expectations for these inputs (its assignor tests),
// restated as data; Kafka 4.x keeps owned partitions sorted by partition number, then topic.
TEST_CASE("sticky: a fresh group with equal subscriptions, as the Java client assigns it", "[core][group][sticky]") {
  const std::vector<MemberSubscription> members{member("consumer1", {"topic1", "topic2"}),
                                                member("consumer2", {"topic1", "topic2"})};
  const auto a = assign_sticky(members, {{"topic1", 3}, {"topic2", 4}});
  CHECK(names(a.at("consumer1")) == Names{"topic1-0", "topic1-2", "topic2-1", "topic2-3"});
  CHECK(names(a.at("consumer2")) == Names{"topic1-1", "topic2-0", "topic2-2"});
}

TEST_CASE("sticky: mixed subscriptions use the general algorithm, as the Java client does", "[core][group][sticky]") {
  const std::vector<MemberSubscription> members{member("consumer1", {"topic1"}),
                                                member("consumer2", {"topic1", "topic2"}),
                                                member("consumer3", {"topic1"})};
  const auto a = assign_sticky(members, {{"topic1", 3}, {"topic2", 2}});
  CHECK(names(a.at("consumer1")) == Names{"topic1-0", "topic1-2"});
  CHECK(names(a.at("consumer2")) == Names{"topic2-0", "topic2-1"});
  CHECK(names(a.at("consumer3")) == Names{"topic1-1"});
}

TEST_CASE("sticky: a member owning the min quota is topped up to the max quota", "[core][group][sticky]") {
  const std::vector<MemberSubscription> members{
      member("consumer1", {"topic1", "topic2"}, {"topic1-0", "topic2-1"}, 1),
      member("consumer2", {"topic1", "topic2"}, {"topic1-1", "topic2-2"}, 1)};
  const auto a = assign_sticky(members, {{"topic1", 2}, {"topic2", 3}});
  CHECK(names(a.at("consumer1")) == Names{"topic1-0", "topic2-1", "topic2-0"});
  CHECK(names(a.at("consumer2")) == Names{"topic1-1", "topic2-2"});
}

TEST_CASE("sticky: who keeps the max quota follows Java's HashMap order of member ids", "[core][group][sticky]") {
  // consumer2 is met before consumer1 in Java's iteration, so it keeps two.
  const std::vector<MemberSubscription> members{
      member("consumer1", {"topic1", "topic2"}, {"topic1-0", "topic2-0"}, 1),
      member("consumer2", {"topic1", "topic2"}, {"topic1-1", "topic2-1"}, 1),
      member("consumer3", {"topic1", "topic2"}, {}, 1)};
  const std::map<std::string, std::int32_t> topics{{"topic1", 2}, {"topic2", 2}};
  const auto sticky = assign_sticky(members, topics);
  CHECK(names(sticky.at("consumer1")) == Names{"topic1-0"});
  CHECK(names(sticky.at("consumer2")) == Names{"topic1-1", "topic2-1"});
  CHECK(names(sticky.at("consumer3")) == Names{"topic2-0"});
  // Cooperative: topic2-0 changes owner, so consumer3 gets it only in the follow-up round.
  const auto first = assign_cooperative_sticky(members, topics);
  CHECK(names(first.at("consumer1")) == Names{"topic1-0"});
  CHECK(first.at("consumer3").empty());
}

TEST_CASE("sticky: two members leave and the rest keep theirs, new ones appended", "[core][group][sticky]") {
  const std::vector<MemberSubscription> members{
      member("consumer3", {"topic1", "topic2"}, {"topic2-1", "topic2-3"}, 1),
      member("consumer4", {"topic1", "topic2"}, {"topic2-2"}, 1)};
  const auto a = assign_sticky(members, {{"topic1", 3}, {"topic2", 4}});
  CHECK(names(a.at("consumer3")) == Names{"topic2-1", "topic2-3", "topic1-0", "topic2-0"});
  CHECK(names(a.at("consumer4")) == Names{"topic2-2", "topic1-1", "topic1-2"});
}

TEST_CASE("sticky: in one generation a doubly claimed partition is nobody's, across generations the newer wins",
          "[core][group][sticky]") {
  const std::map<std::string, std::int32_t> topics{{"t", 2}};
  const auto same = assign_cooperative_sticky(
      {member("a", {"t"}, {"t-0", "t-1"}, 3), member("b", {"t"}, {"t-0"}, 3)}, topics);
  // t-0 was claimed twice in generation 3: it is handed out as a transfer (withheld this round).
  CHECK(names(same.at("a")) == Names{"t-1"});
  CHECK(same.at("b").empty());
  const auto newer = assign_sticky({member("a", {"t"}, {"t-0", "t-1"}, 2), member("b", {"t"}, {"t-0"}, 3)}, topics);
  CHECK(names(newer.at("b")) == Names{"t-0"});
  CHECK(names(newer.at("a")) == Names{"t-1"});
}

TEST_CASE("sticky: random groups get valid, balanced assignments, and a leaving member moves only its own",
          "[core][group][sticky]") {
  ksim::sim::RandomSource random(42);
  auto rng = random.stream("sticky-test");
  for (int round = 0; round < 40; ++round) {
    std::map<std::string, std::int32_t> topics;
    const int topic_count = 1 + static_cast<int>(rng.uniform_int(0, 4));
    for (int t = 0; t < topic_count; ++t) topics["t" + std::to_string(t)] = 1 + static_cast<std::int32_t>(rng.uniform_int(0, 11));
    const bool uniform = round % 2 == 0;
    std::vector<MemberSubscription> members;
    const int member_count = 1 + static_cast<int>(rng.uniform_int(0, 7));
    for (int m = 0; m < member_count; ++m) {
      Names subscription;
      for (const auto& [topic, count] : topics) {
        if (uniform || rng.uniform_int(0, 1) == 1) subscription.push_back(topic);
      }
      if (subscription.empty()) subscription.push_back("t0");
      members.push_back(member("m" + std::to_string(m), subscription));
    }
    const auto first = assign_sticky(members, topics);
    check_valid(first, members, topics);
    if (uniform) CHECK(spread(first) <= 1);
    if (members.size() < 2) continue;
    // One member leaves: everyone else keeps what they had (they only gain).
    auto after = next_round(members, first, 1);
    const std::string gone = after.back().member_id;
    after.pop_back();
    const auto second = assign_sticky(after, topics);
    check_valid(second, after, topics);
    if (uniform) {
      CHECK(spread(second) <= 1);
      for (const auto& m : after) {
        for (const auto& p : first.at(m.member_id)) {
          const auto& now = second.at(m.member_id);
          CHECK(std::find(now.begin(), now.end(), p) != now.end());
        }
      }
    }
  }
}

TEST_CASE("cooperative-sticky: moves happen in two rounds and end where sticky ends", "[core][group][sticky]") {
  const std::map<std::string, std::int32_t> topics{{"orders", 6}, {"payments", 3}};
  std::vector<MemberSubscription> members{member("a", {"orders", "payments"}), member("b", {"orders", "payments"})};
  const auto settled = assign_cooperative_sticky(members, topics);
  check_valid(settled, members, topics);
  // A third member joins.
  members = next_round(members, settled, 1);
  members.push_back(member("c", {"orders", "payments"}, {}, -1));
  const auto eager = assign_sticky(members, topics);
  const auto first = assign_cooperative_sticky(members, topics);
  check_valid(first, members, topics, false);
  // Round one: nobody gains a partition someone else still owns.
  for (const auto& m : members) {
    for (const auto& p : first.at(m.member_id)) {
      for (const auto& other : members) {
        if (other.member_id == m.member_id) continue;
        CHECK(std::find(other.owned.begin(), other.owned.end(), p) == other.owned.end());
      }
    }
  }
  CHECK(first.at("c").empty());
  // Round two, after the revocations: the withheld partitions arrive, and the result is balanced.
  const auto second = assign_cooperative_sticky(next_round(members, first, 2), topics);
  check_valid(second, members, topics);
  CHECK(spread(second) <= 1);
  CHECK(second == eager);
}
