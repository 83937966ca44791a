#include <catch2/catch.hpp>

#include "core/group/classic_group.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace {

ProtocolOffer offer(std::string name, std::vector<std::string> topics) {
  ProtocolOffer p;
  p.name = std::move(name);
  p.subscription.topics = std::move(topics);
  return p;
}

const std::vector<ProtocolOffer> kRange{offer("range", {"orders"})};

struct Harness {
  ClassicGroup group{"billing", seconds(3)};
  Time now = Time::zero();
  std::map<std::string, JoinResult> joined;  // by the id a member asked with
  std::map<std::string, SyncResult> synced;

  // A dynamic member's first join: returns the id the coordinator hands out.
  std::string first_join() {
    std::string id;
    group.join(now, "", std::nullopt, kRange, seconds(45), seconds(300),
               [&](const JoinResult& r) { id = r.member_id; REQUIRE(r.error == ErrorCode::MEMBER_ID_REQUIRED); });
    return id;
  }
  void join(const std::string& id, std::vector<ProtocolOffer> protocols = kRange,
            std::optional<std::string> instance = std::nullopt) {
    group.join(now, id, instance, std::move(protocols), seconds(45), seconds(300),
               [this, id](const JoinResult& r) { joined[id] = r; });
  }
  void sync(const std::string& id, std::optional<std::map<std::string, std::vector<TopicPartition>>> a = std::nullopt) {
    group.sync(now, id, group.generation(), std::move(a), [this, id](const SyncResult& r) { synced[id] = r; });
  }
  void advance(Duration d) {
    const Time until = now + d;
    while (auto next = group.deadline()) {
      if (*next > until) break;
      now = *next;
      group.on_time(now);
    }
    now = until;
  }
};

}  // namespace

TEST_CASE("group: two members join an empty group, wait the initial delay, and sync",
          "[core][group][coordinator]") {
  Harness h;
  const std::string a = h.first_join();
  const std::string b = h.first_join();
  h.join(a);
  CHECK(h.group.state() == GroupState::preparing_rebalance);
  h.advance(seconds(1));
  h.join(b);
  h.advance(seconds(2));
  CHECK(h.joined.empty());  // the delay restarted when b came
  h.advance(seconds(2));
  REQUIRE(h.joined.size() == 2);
  CHECK(h.group.state() == GroupState::completing_rebalance);
  CHECK(h.group.generation() == 1);
  CHECK(h.joined[a].leader_id == a);
  CHECK(h.joined[a].members.size() == 2);  // only the leader hears who is in
  CHECK(h.joined[b].members.empty());
  CHECK(h.joined[a].protocol == "range");

  h.sync(b);  // a follower waits for the leader's assignment
  CHECK(h.synced.empty());
  h.sync(a, std::map<std::string, std::vector<TopicPartition>>{{a, {TopicPartition{"orders", 0}}}, {b, {TopicPartition{"orders", 1}}}});
  CHECK(h.group.state() == GroupState::stable);
  CHECK(h.synced[b].assignment == std::vector<TopicPartition>{TopicPartition{"orders", 1}});
  CHECK(h.synced[a].assignment == std::vector<TopicPartition>{TopicPartition{"orders", 0}});
}

namespace {
// Two members, stable at generation 1.
std::pair<std::string, std::string> stable_pair(Harness& h) {
  const std::string a = h.first_join();
  const std::string b = h.first_join();
  h.join(a);
  h.join(b);
  h.advance(seconds(4));
  h.sync(a, std::map<std::string, std::vector<TopicPartition>>{{a, {TopicPartition{"orders", 0}}}, {b, {TopicPartition{"orders", 1}}}});
  h.sync(b);
  REQUIRE(h.group.state() == GroupState::stable);
  return {a, b};
}
}  // namespace

TEST_CASE("group: a new member triggers a rebalance; the others learn it from their heartbeats",
          "[core][group][coordinator]") {
  Harness h;
  const auto [a, b] = stable_pair(h);
  const std::string c = h.first_join();
  h.join(c);
  CHECK(h.group.state() == GroupState::preparing_rebalance);
  CHECK(h.group.heartbeat(h.now, a, 1) == ErrorCode::REBALANCE_IN_PROGRESS);
  h.joined.clear();
  h.join(a);
  CHECK(h.joined.empty());
  h.join(b);  // everyone is in: the join phase ends at once, no initial delay this time
  REQUIRE(h.joined.size() == 3);
  CHECK(h.group.generation() == 2);
  CHECK(h.joined[a].leader_id == a);  // the leader stays the leader
}

TEST_CASE("group: a member that stops heartbeating is removed after its session timeout",
          "[core][group][coordinator]") {
  Harness h;
  const auto [a, b] = stable_pair(h);
  for (int i = 0; i < 20; ++i) {
    h.advance(seconds(3));
    CHECK(h.group.heartbeat(h.now, a, h.group.generation()) != ErrorCode::UNKNOWN_MEMBER_ID);
  }
  CHECK(h.group.member_ids() == std::vector<std::string>{a});
  CHECK(h.group.state() == GroupState::preparing_rebalance);  // a must rejoin alone
  CHECK(h.group.heartbeat(h.now, b, 1) == ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("group: a member that does not rejoin within the rebalance timeout is dropped",
          "[core][group][coordinator]") {
  Harness h;
  const auto [a, b] = stable_pair(h);
  CHECK(h.group.leave(h.now, "stranger") == ErrorCode::UNKNOWN_MEMBER_ID);
  h.joined.clear();
  h.join(a, {offer("range", {"orders", "payments"})});  // new subscription: rebalance
  // b stays alive (its heartbeats answer REBALANCE_IN_PROGRESS) but never rejoins.
  for (int i = 0; i < 29; ++i) {
    h.advance(seconds(10));
    CHECK(h.group.heartbeat(h.now, b, 1) == ErrorCode::REBALANCE_IN_PROGRESS);
  }
  h.advance(seconds(9));
  CHECK(h.joined.empty());  // 299 s: the rebalance timeout has not passed
  h.advance(seconds(2));
  REQUIRE(h.joined.count(a) == 1);
  CHECK(h.group.member_ids() == std::vector<std::string>{a});
  CHECK(h.group.generation() == 2);
}

TEST_CASE("group: a static member restarting within the session timeout causes no rebalance",
          "[core][group][coordinator][static]") {
  Harness h;
  std::map<std::string, std::string> id_of;  // instance id -> member id
  for (const std::string instance : {"host-a", "host-b"}) {
    // Static members need no member-id round trip: they join at once with their instance id.
    h.group.join(h.now, "", instance, kRange, seconds(45), seconds(300),
                 [&id_of, instance](const JoinResult& r) { id_of[instance] = r.member_id; });
  }
  h.advance(seconds(4));
  REQUIRE(id_of.size() == 2);
  h.sync(h.group.leader(), std::map<std::string, std::vector<TopicPartition>>{{id_of["host-a"], {TopicPartition{"orders", 0}}},
                                                                           {id_of["host-b"], {TopicPartition{"orders", 1}}}});
  REQUIRE(h.group.state() == GroupState::stable);
  const std::int32_t generation = h.group.generation();

  // host-b's process restarts and joins again: no member id, the same instance id.
  std::string rejoined;
  h.group.join(h.now, "", std::string("host-b"), kRange, seconds(45), seconds(300),
               [&](const JoinResult& r) { rejoined = r.member_id; });
  CHECK(h.group.state() == GroupState::stable);
  CHECK(h.group.generation() == generation);
  REQUIRE_FALSE(rejoined.empty());
  CHECK(rejoined != id_of["host-b"]);  // a fresh member id...
  REQUIRE(h.group.assignment_of(rejoined) != nullptr);
  CHECK(*h.group.assignment_of(rejoined) == std::vector<TopicPartition>{TopicPartition{"orders", 1}});  // ...same partitions
  CHECK(h.group.assignment_of(id_of["host-b"]) == nullptr);  // the old id is fenced
}

TEST_CASE("group: commits from an old generation, a stranger, or during the handout are refused",
          "[core][group][coordinator]") {
  Harness h;
  CHECK(h.group.check_commit("", -1) == ErrorCode::NONE);  // an empty group takes simple commits
  const auto [a, b] = stable_pair(h);
  CHECK(h.group.check_commit(a, 1) == ErrorCode::NONE);
  CHECK(h.group.check_commit(a, 0) == ErrorCode::ILLEGAL_GENERATION);
  CHECK(h.group.check_commit("stranger", 1) == ErrorCode::UNKNOWN_MEMBER_ID);
  CHECK(h.group.check_commit("", -1) == ErrorCode::UNKNOWN_MEMBER_ID);
  CHECK(h.group.leave(h.now, b) == ErrorCode::NONE);
  // While the group prepares a rebalance, members may still commit what they did (Kafka lets
  // them, so that an eager member can commit before it rejoins)...
  CHECK(h.group.state() == GroupState::preparing_rebalance);
  CHECK(h.group.check_commit(a, 1) == ErrorCode::NONE);
  // ...but not while the new generation's assignment is being handed out.
  h.join(a);
  REQUIRE(h.group.state() == GroupState::completing_rebalance);
  CHECK(h.group.check_commit(a, 2) == ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_CASE("group: the assignor every member supports wins the vote; none in common is refused",
          "[core][group][coordinator]") {
  Harness h;
  const std::string a = h.first_join();
  const std::string b = h.first_join();
  h.join(a, {offer("range", {"orders"}), offer("cooperative-sticky", {"orders"})});
  h.join(b, {offer("cooperative-sticky", {"orders"})});
  h.advance(seconds(4));
  REQUIRE(h.joined.size() == 2);
  CHECK(h.joined[a].protocol == "cooperative-sticky");
  JoinResult refused;  // checked before anything else, even before a member id is handed out
  h.group.join(h.now, "", std::nullopt, {offer("roundrobin", {"orders"})}, seconds(45), seconds(300),
               [&](const JoinResult& r) { refused = r; });
  CHECK(refused.error == ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}
