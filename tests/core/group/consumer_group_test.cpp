// The consumer group protocol's group on the coordinator (KIP-848): epochs, the target assignment,
// member-by-member reconciliation, fencing, static members, commits and replay.
#include <catch2/catch.hpp>

#include "core/group/consumer_group.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace {

struct GroupHarness {
  GroupHarness() {
    settings.session_timeout = seconds(45);
    settings.heartbeat_interval = seconds(5);
    settings.assignors = {"uniform", "range"};
    settings.partition_count = [this](const std::string& topic) {
      const auto it = topics.find(topic);
      return it == topics.end() ? -1 : it->second;
    };
  }
  ConsumerHeartbeatResult beat(const std::string& member, std::int32_t epoch,
                               std::optional<std::vector<TopicPartition>> owned = std::nullopt,
                               std::optional<std::string> instance = std::nullopt,
                               std::vector<std::string> subscribed = {"orders"}) {
    ConsumerGroupHeartbeatRequest r;
    r.group_id = "g";
    r.member_id = member;
    r.member_epoch = epoch;
    r.instance_id = std::move(instance);
    if (epoch == 0) {
      r.rebalance_timeout = seconds(300);
      r.subscribed = std::move(subscribed);
      r.owned = std::vector<TopicPartition>{};
    } else {
      r.owned = std::move(owned);
    }
    ConsumerHeartbeatResult result = group.heartbeat(now, r);
    for (const ConsumerGroupRecord& record : result.records) log.push_back(record);
    return result;
  }
  static std::vector<TopicPartition> orders(std::initializer_list<std::int32_t> partitions) {
    std::vector<TopicPartition> out;
    for (const std::int32_t p : partitions) out.push_back({"orders", p});
    return out;
  }

  std::map<std::string, std::int32_t> topics{{"orders", 6}};
  ConsumerGroupSettings settings;
  ConsumerGroup group{"g", settings};
  std::vector<ConsumerGroupRecord> log;
  Time now = Time::zero();
};

}  // namespace

TEST_CASE("consumer group: the first member joins at epoch 1 and gets every partition", "[core][group][kip848]") {
  GroupHarness h;
  const ConsumerHeartbeatResult r = h.beat("a", 0);
  REQUIRE(r.response.error == ErrorCode::NONE);
  CHECK(r.response.member_epoch == 1);
  CHECK(r.response.heartbeat_interval == seconds(5));
  REQUIRE(r.response.assignment);
  CHECK(*r.response.assignment == GroupHarness::orders({0, 1, 2, 3, 4, 5}));
  CHECK(h.group.state() == GroupState::stable);
  CHECK(h.group.assignor() == "uniform");
}

TEST_CASE("consumer group: a newcomer waits while the owner revokes, then gets only what moved", "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a", 0);
  // b joins: the group epoch moves to 2, the target gives b three partitions, but a holds them.
  ConsumerHeartbeatResult b = h.beat("b", 0);
  CHECK(b.response.member_epoch == 2);
  CHECK(b.response.assignment == std::vector<TopicPartition>{});
  CHECK(h.group.members().at("b").state == MemberReconciliation::unreleased_partitions);
  CHECK(h.group.state() == GroupState::reconciling);
  const std::vector<TopicPartition> b_target = h.group.target_of("b");
  REQUIRE(b_target.size() == 3);

  // a's next heartbeat asks it to give b's partitions up; it keeps epoch 1 until it has.
  ConsumerHeartbeatResult a = h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));
  CHECK(a.response.member_epoch == 1);
  REQUIRE(a.response.assignment);
  CHECK(a.response.assignment->size() == 3);
  CHECK(h.group.members().at("a").state == MemberReconciliation::unrevoked_partitions);
  // A heartbeat still listing them (or not listing anything) changes nothing.
  CHECK(h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5})).response.member_epoch == 1);
  CHECK(h.beat("a", 1).response.member_epoch == 1);
  // b is still waiting: the partitions are not free yet.
  CHECK(h.beat("b", 2).response.assignment == std::nullopt);
  CHECK(h.group.members().at("b").assigned.empty());

  // a reports them gone: it moves to epoch 2; then b's next heartbeat hands them over.
  a = h.beat("a", 1, *a.response.assignment);
  CHECK(a.response.member_epoch == 2);
  CHECK(h.group.members().at("a").state == MemberReconciliation::stable);
  b = h.beat("b", 2);
  REQUIRE(b.response.assignment);
  CHECK(*b.response.assignment == b_target);
  CHECK(h.group.state() == GroupState::stable);
  CHECK(h.group.group_epoch() == 2);
}

TEST_CASE("consumer group: epochs fence stale members and commits", "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a", 0);
  h.beat("b", 0);
  const auto a_assigned = *h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5})).response.assignment;
  // While it revokes, a commits at its current epoch 1.
  CHECK(h.group.check_commit("a", 1) == ErrorCode::NONE);
  CHECK(h.group.check_commit("a", 0) == ErrorCode::STALE_MEMBER_EPOCH);
  CHECK(h.group.check_commit("nobody", 1) == ErrorCode::UNKNOWN_MEMBER_ID);
  CHECK(h.group.check_commit("", -1) == ErrorCode::UNKNOWN_MEMBER_ID);  // outside the group: only when empty
  h.beat("a", 1, a_assigned);  // now at epoch 2
  CHECK(h.group.check_commit("a", 1) == ErrorCode::STALE_MEMBER_EPOCH);
  CHECK(h.group.check_commit("a", 2) == ErrorCode::NONE);
  // An epoch from the future, or an old one with more than it is assigned: fenced.
  CHECK(h.beat("a", 3, a_assigned).response.error == ErrorCode::FENCED_MEMBER_EPOCH);
  CHECK(h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5})).response.error == ErrorCode::FENCED_MEMBER_EPOCH);
  // The previous epoch with a subset of the assignment: its last answer was lost, accepted.
  CHECK(h.beat("a", 1, a_assigned).response.error == ErrorCode::NONE);
  CHECK(h.beat("ghost", 4).response.error == ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("consumer group: a silent member is fenced after the session timeout, one slow to revoke after its rebalance timeout",
          "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a", 0);
  h.now = h.now + seconds(1);
  h.beat("b", 0);
  h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));  // a must revoke three
  REQUIRE(h.group.deadline());
  // a never acknowledges; b keeps heartbeating. a's rebalance timeout (300 s) is longer than its
  // session, so the session ends first unless a heartbeats: it does, every 5 s, without revoking.
  std::vector<ConsumerMemberFenced> fenced;
  for (int i = 0; i < 70; ++i) {
    h.now = h.now + seconds(5);
    h.beat("b", 2);
    h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));
    if (h.group.deadline() && *h.group.deadline() <= h.now) h.group.on_time(h.now, fenced);
    if (!fenced.empty()) break;
  }
  CHECK(h.now - Time::zero() >= seconds(300));
  REQUIRE(fenced.size() == 1);
  CHECK(fenced[0].member_id == "a");
  CHECK(fenced[0].reason == "rebalance timeout");
  CHECK(h.group.members().count("a") == 0);
  // b is alone now and takes everything once the new target is computed.
  const ConsumerHeartbeatResult b = h.beat("b", 2);
  CHECK(b.response.member_epoch == h.group.group_epoch());
  REQUIRE(b.response.assignment);
  CHECK(b.response.assignment->size() == 6);

  // b goes silent: fenced after 45 s, and the group is empty.
  h.now = h.now + seconds(46);
  fenced.clear();
  h.group.on_time(h.now, fenced);
  REQUIRE(fenced.size() == 1);
  CHECK(fenced[0].reason == "session timeout");
  CHECK(h.group.state() == GroupState::empty);
}

TEST_CASE("consumer group: a static member away with epoch -2 keeps its partitions for its replacement",
          "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a1", 0, std::nullopt, "host-a");
  h.beat("b", 0);
  const auto revoke = h.beat("a1", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}), "host-a").response.assignment;
  h.beat("a1", 1, *revoke, "host-a");
  h.beat("b", 2);
  REQUIRE(h.group.state() == GroupState::stable);
  const std::vector<TopicPartition> a_partitions = h.group.members().at("a1").assigned;
  const std::int32_t epoch = h.group.group_epoch();

  // A second instance with the same id is refused while the first holds it.
  CHECK(h.beat("a2", 0, std::nullopt, "host-a").response.error == ErrorCode::UNRELEASED_INSTANCE_ID);
  // The first leaves for a restart (-2): nothing moves.
  ConsumerGroupHeartbeatRequest leave;
  leave.member_id = "a1";
  leave.member_epoch = kLeaveGroupStaticMemberEpoch;
  leave.instance_id = "host-a";
  CHECK(h.group.heartbeat(h.now, leave).response.member_epoch == kLeaveGroupStaticMemberEpoch);
  CHECK(h.group.group_epoch() == epoch);
  // Its replacement gets the same partitions at the same group epoch; b is untouched.
  const ConsumerHeartbeatResult back = h.beat("a2", 0, std::nullopt, "host-a");
  REQUIRE(back.response.error == ErrorCode::NONE);
  CHECK(back.response.member_epoch == epoch);
  CHECK(back.response.assignment == a_partitions);
  CHECK(h.group.group_epoch() == epoch);
  CHECK(h.group.members().count("a1") == 0);
}

TEST_CASE("consumer group: a leaving member bumps the group epoch; a new partition does too", "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a", 0);
  h.beat("b", 0);
  const std::int32_t before = h.group.group_epoch();
  ConsumerGroupHeartbeatRequest leave;
  leave.member_id = "b";
  leave.member_epoch = kLeaveGroupMemberEpoch;
  CHECK(h.group.heartbeat(h.now, leave).response.error == ErrorCode::NONE);
  CHECK(h.group.group_epoch() == before + 1);
  h.topics["orders"] = 8;
  const ConsumerHeartbeatResult a = h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));
  CHECK(h.group.group_epoch() == before + 2);
  REQUIRE(a.response.assignment);
  CHECK(a.response.assignment->size() == 8);
}

TEST_CASE("consumer group: replaying its records rebuilds the group exactly", "[core][group][kip848]") {
  GroupHarness h;
  h.beat("a", 0);
  h.beat("b", 0, std::nullopt, "host-b");
  h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));  // a in UNREVOKED_PARTITIONS
  ConsumerGroup copy("g", h.settings);
  for (const ConsumerGroupRecord& r : h.log) copy.replay(r);
  copy.loaded(h.now);
  CHECK(copy.group_epoch() == h.group.group_epoch());
  CHECK(copy.assignment_epoch() == h.group.assignment_epoch());
  CHECK(copy.members() == h.group.members());
  CHECK(copy.target_of("a") == h.group.target_of("a"));
  CHECK(copy.target_of("b") == h.group.target_of("b"));
  CHECK(copy.state() == GroupState::reconciling);
  // And it goes on from there: a acknowledges at the new coordinator.
  ConsumerGroupHeartbeatRequest ack;
  ack.member_id = "a";
  ack.member_epoch = 1;
  ack.owned = copy.members().at("a").assigned;
  CHECK(copy.heartbeat(h.now, ack).response.member_epoch == 2);
}

TEST_CASE("consumer group: members with different subscriptions each get partitions of their own topics",
          "[core][group][kip848]") {
  GroupHarness h;
  h.topics["payments"] = 2;
  h.beat("a", 0);                                                     // orders
  h.beat("b", 0, std::nullopt, std::nullopt, {"orders", "payments"});  // both
  CHECK(h.group.target_of("a").size() == 4);
  const std::vector<TopicPartition>& b = h.group.target_of("b");
  CHECK(b.size() == 4);
  CHECK(std::count_if(b.begin(), b.end(), [](const TopicPartition& tp) { return tp.topic == "payments"; }) == 2);
  for (const TopicPartition& tp : h.group.target_of("a")) CHECK(tp.topic == "orders");
}

TEST_CASE("consumer group: members may ask for the range assignor; an assignor the broker lacks is refused",
          "[core][group][kip848]") {
  GroupHarness h;
  ConsumerGroupHeartbeatRequest join;
  join.member_id = "a";
  join.member_epoch = 0;
  join.rebalance_timeout = seconds(300);
  join.subscribed = std::vector<std::string>{"orders"};
  join.owned = std::vector<TopicPartition>{};
  join.server_assignor = "sticky";
  CHECK(h.group.heartbeat(h.now, join).response.error == ErrorCode::UNSUPPORTED_ASSIGNOR);
  join.server_assignor = "range";
  REQUIRE(h.group.heartbeat(h.now, join).response.error == ErrorCode::NONE);
  CHECK(h.group.assignor() == "range");
  join.member_id = "b";
  REQUIRE(h.group.heartbeat(h.now, join).response.error == ErrorCode::NONE);
  // Range: consecutive ranges in member order, a keeping 0-2 and b getting 3-5.
  CHECK(h.group.target_of("a") == GroupHarness::orders({0, 1, 2}));
  CHECK(h.group.target_of("b") == GroupHarness::orders({3, 4, 5}));
}

TEST_CASE("consumer group: within group.consumer.assignment.interval.ms of the last run a new target waits (KIP-1263)",
          "[core][group][kip848]") {
  GroupHarness h;
  h.settings.assignment_interval = seconds(1);
  h.beat("a", 0);  // the first run: a gets everything
  CHECK(h.group.assignment_epoch() == 1);
  h.now = h.now + milliseconds(100);
  const ConsumerHeartbeatResult b = h.beat("b", 0);  // within the interval: no new run yet
  CHECK(h.group.group_epoch() == 2);
  CHECK(h.group.assignment_epoch() == 1);
  CHECK(h.group.state() == GroupState::assigning);
  CHECK(b.response.member_epoch == 1);  // joins at the last target's epoch, with nothing of it
  CHECK(b.response.assignment == std::vector<TopicPartition>{});
  CHECK_FALSE(b.new_target);
  // a heartbeat still within the interval changes nothing; the first one after it runs the assignor
  h.now = h.now + milliseconds(500);
  CHECK_FALSE(h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5})).new_target);
  h.now = h.now + milliseconds(500);
  const ConsumerHeartbeatResult a = h.beat("a", 1, GroupHarness::orders({0, 1, 2, 3, 4, 5}));
  CHECK(a.new_target);
  CHECK(h.group.assignment_epoch() == 2);
  REQUIRE(a.response.assignment);
  CHECK(a.response.assignment->size() == 3);  // asked to give up the other three
}
