#include <catch2/catch.hpp>
#include <algorithm>

#include "core/client/assignor.hpp"

using namespace ksim::core;

namespace {

std::vector<std::string> names(const std::vector<TopicPartition>& list) {
  std::vector<std::string> out;
  for (const auto& tp : list) out.push_back(tp.str());
  return out;
}

MemberSubscription member(std::string id, std::vector<std::string> topics,
                          std::optional<std::string> instance = std::nullopt) {
  MemberSubscription m;
  m.member_id = std::move(id);
  m.topics = std::move(topics);
  m.group_instance_id = std::move(instance);
  return m;
}

}  // namespace

TEST_CASE("assignors: range gives consecutive ranges per topic, extras to the first members",
          "[core][group][assignor]") {
  const auto a = assign_range({member("c0", {"t0", "t1"}), member("c1", {"t0", "t1"})}, {{"t0", 3}, {"t1", 3}});
  CHECK(names(a.at("c0")) == std::vector<std::string>{"t0-0", "t0-1", "t1-0", "t1-1"});
  CHECK(names(a.at("c1")) == std::vector<std::string>{"t0-2", "t1-2"});
}

TEST_CASE("assignors: range with more members than partitions leaves members idle",
          "[core][group][assignor]") {
  const auto a = assign_range({member("a", {"t"}), member("b", {"t"}), member("c", {"t"})}, {{"t", 2}});
  CHECK(names(a.at("a")) == std::vector<std::string>{"t-0"});
  CHECK(names(a.at("b")) == std::vector<std::string>{"t-1"});
  CHECK(a.at("c").empty());
}

TEST_CASE("assignors: roundrobin deals all partitions in turn, skipping unsubscribed members",
          "[core][group][assignor]") {
  // The Java documentation's example: C0 subscribes to t0; C1 to t0 and t1; C2 to t0, t1, t2.
  const auto a = assign_round_robin({member("C0", {"t0"}), member("C1", {"t0", "t1"}), member("C2", {"t0", "t1", "t2"})},
                                    {{"t0", 1}, {"t1", 2}, {"t2", 3}});
  CHECK(names(a.at("C0")) == std::vector<std::string>{"t0-0"});
  CHECK(names(a.at("C1")) == std::vector<std::string>{"t1-0"});
  CHECK(names(a.at("C2")) == std::vector<std::string>{"t1-1", "t2-0", "t2-1", "t2-2"});
}

TEST_CASE("assignors: static members sort first, by instance id", "[core][group][assignor]") {
  const auto a = assign_range({member("a", {"t"}), member("z", {"t"}, "instance-1")}, {{"t", 3}});
  CHECK(names(a.at("z")) == std::vector<std::string>{"t-0", "t-1"});  // first, with the extra partition
  CHECK(names(a.at("a")) == std::vector<std::string>{"t-2"});
}

TEST_CASE("assignors: every partition goes to exactly one subscribed member", "[core][group][assignor]") {
  std::vector<MemberSubscription> members;
  for (int i = 0; i < 7; ++i) {
    members.push_back(member("m" + std::to_string(i), i % 2 == 0 ? std::vector<std::string>{"a", "b"}
                                                                  : std::vector<std::string>{"b"}));
  }
  const std::map<std::string, std::int32_t> topics{{"a", 10}, {"b", 23}};
  for (const auto& a : {assign_range(members, topics), assign_round_robin(members, topics)}) {
    std::map<std::string, int> owners;
    for (const auto& [id, list] : a) {
      for (const auto& tp : list) {
        ++owners[tp.str()];
        if (tp.topic == "a") CHECK(id.back() % 2 == 0);  // only even members subscribe to a
      }
    }
    CHECK(owners.size() == 33);
    for (const auto& [tp, n] : owners) CHECK(n == 1);
  }
}

TEST_CASE("assignors: member order is static members by instance id, then the rest by member id",
          "[core][group][assignor]") {
  std::vector<MemberSubscription> members{member("a", {"t"}), member("b", {"t"}, "y"), member("c", {"t"}, "x")};
  std::sort(members.begin(), members.end(), member_before);
  CHECK(members[0].member_id == "c");
  CHECK(members[1].member_id == "b");
  CHECK(members[2].member_id == "a");
  // The order decides who gets the extra partitions under range: c, then b.
  const auto a = assign_range(members, {{"t", 5}});
  CHECK(names(a.at("c")) == std::vector<std::string>{"t-0", "t-1"});
  CHECK(names(a.at("b")) == std::vector<std::string>{"t-2", "t-3"});
  CHECK(names(a.at("a")) == std::vector<std::string>{"t-4"});
}
