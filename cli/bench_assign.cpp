// `ksim bench assign`: the four assignors on a large group, and a whole simulated rebalance.
#include "cli/bench_assign.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/client/consumer.hpp"
#include "core/cluster/cluster.hpp"
#include "core/client/assignors.hpp"
#include "core/group/uniform_assignor.hpp"
#include "sim/random.hpp"

namespace ksim::cli {
namespace {

constexpr int kMembers = 1000;
constexpr int kTopics = 100;
constexpr int kPartitionsPerTopic = 100;

std::string topic_name(int t) { return "topic-" + std::to_string(t); }
std::string member_name(int m) { return "consumer-" + std::to_string(m); }

std::size_t spread(const core::GroupAssignment& a) {
  std::size_t lo = SIZE_MAX;
  std::size_t hi = 0;
  for (const auto& [member, list] : a) {
    lo = std::min(lo, list.size());
    hi = std::max(hi, list.size());
  }
  return hi - lo;
}

AssignorTiming time_assignor(const std::string& assignor, const std::string& case_name,
                             const std::vector<core::MemberSubscription>& members,
                             const std::map<std::string, std::int32_t>& topics, core::GroupAssignment* result) {
  const auto start = std::chrono::steady_clock::now();
  core::GroupAssignment assignment = *core::run_assignor(assignor, members, topics);
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  const AssignorTiming timing{assignor, case_name, took.count(), spread(assignment)};
  if (result != nullptr) *result = std::move(assignment);
  return timing;
}

// The server-side uniform assignor on everyone-subscribes-to-everything: fresh, then after the last
// member left with the first result as the current assignment. Topic indices follow the topics'
// names, as the assignor expects.
void time_uniform(const std::string& case_prefix, int members, int topics, int partitions_per_topic,
                  std::vector<AssignorTiming>& out) {
  const std::vector<std::int32_t> partitions(static_cast<std::size_t>(topics), partitions_per_topic);
  std::vector<std::int32_t> all(static_cast<std::size_t>(topics));
  for (int t = 0; t < topics; ++t) all[static_cast<std::size_t>(t)] = t;
  std::vector<core::AssignorMemberSpec> group;
  for (int m = 0; m < members; ++m) group.push_back(core::AssignorMemberSpec{member_name(m), std::nullopt, all, {}});
  const auto spread_of = [](const core::ServerAssignment& r) {
    std::size_t lo = SIZE_MAX;
    std::size_t hi = 0;
    for (const auto& a : r.assignments) {
      lo = std::min(lo, a.size());
      hi = std::max(hi, a.size());
    }
    return hi - lo;
  };
  auto start = std::chrono::steady_clock::now();
  core::ServerAssignment first = core::assign_uniform(partitions, group);
  std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  if (!first.error.empty()) throw std::runtime_error("the uniform assignor refused the benchmark's group: " + first.error);
  out.push_back(AssignorTiming{"uniform (server)", case_prefix + "uniform", took.count(), spread_of(first)});
  group.pop_back();
  for (std::size_t m = 0; m < group.size(); ++m) group[m].assigned = std::move(first.assignments[m]);
  start = std::chrono::steady_clock::now();
  const core::ServerAssignment second = core::assign_uniform(partitions, group);
  took = std::chrono::steady_clock::now() - start;
  out.push_back(AssignorTiming{"uniform (server)", case_prefix + "uniform, one member left", took.count(), spread_of(second)});
}

// Everyone subscribed to everything, fresh and after one member left, for the sticky pair.
void time_sticky_pair(const std::string& case_prefix, int members, int topic_count, int partitions_per_topic,
                      std::vector<AssignorTiming>& out) {
  std::map<std::string, std::int32_t> topics;
  for (int t = 0; t < topic_count; ++t) topics[topic_name(t)] = partitions_per_topic;
  std::vector<core::MemberSubscription> uniform;
  for (int m = 0; m < members; ++m) {
    core::MemberSubscription everything;
    everything.member_id = member_name(m);
    for (int t = 0; t < topic_count; ++t) everything.topics.push_back(topic_name(t));
    uniform.push_back(std::move(everything));
  }
  for (const char* assignor : {"sticky", "cooperative-sticky"}) {
    core::GroupAssignment first;
    out.push_back(time_assignor(assignor, case_prefix + "uniform", uniform, topics, &first));
    std::vector<core::MemberSubscription> next = uniform;
    next.pop_back();
    for (core::MemberSubscription& m : next) {
      m.owned = first.at(m.member_id);
      m.generation = 1;
    }
    out.push_back(time_assignor(assignor, case_prefix + "uniform, one member left", next, topics, nullptr));
  }
}

}  // namespace

std::vector<AssignorTiming> run_assignor_scale_bench() {
  std::vector<AssignorTiming> out;
  time_sticky_pair("scale: ", 2000, 500, 2000, out);
  time_uniform("scale: ", 2000, 500, 2000, out);
  return out;
}

std::vector<AssignorTiming> run_assignor_bench(std::uint64_t seed) {
  std::map<std::string, std::int32_t> topics;
  for (int t = 0; t < kTopics; ++t) topics[topic_name(t)] = kPartitionsPerTopic;
  std::vector<core::MemberSubscription> uniform;
  std::vector<core::MemberSubscription> mixed;
  sim::Rng rng = sim::RandomSource(seed).stream("bench/assign");
  for (int m = 0; m < kMembers; ++m) {
    core::MemberSubscription everything;
    everything.member_id = member_name(m);
    for (int t = 0; t < kTopics; ++t) everything.topics.push_back(topic_name(t));
    uniform.push_back(everything);
    core::MemberSubscription some;
    some.member_id = member_name(m);
    for (int t = 0; t < kTopics; ++t) {
      if (rng.uniform_int(0, 99) < 30) some.topics.push_back(topic_name(t));
    }
    if (some.topics.empty()) some.topics.push_back(topic_name(0));
    mixed.push_back(std::move(some));
  }
  std::vector<AssignorTiming> out;
  for (const char* assignor : {"range", "roundrobin", "sticky", "cooperative-sticky"}) {
    core::GroupAssignment first;
    out.push_back(time_assignor(assignor, "uniform", uniform, topics, &first));
    out.push_back(time_assignor(assignor, "non-uniform", mixed, topics, nullptr));
    if (std::string(assignor).find("sticky") == std::string::npos) continue;
    // The next generation: one member left, everyone else owns what it got.
    std::vector<core::MemberSubscription> next = uniform;
    next.pop_back();
    for (core::MemberSubscription& m : next) {
      m.owned = first.at(m.member_id);
      m.generation = 1;
    }
    out.push_back(time_assignor(assignor, "uniform, one member left", next, topics, nullptr));
  }
  time_uniform("", kMembers, kTopics, kPartitionsPerTopic, out);
  return out;
}

RebalanceTiming run_rebalance_bench(std::uint64_t seed, std::int32_t members) {
  core::ClusterSpec spec;
  spec.seed = seed;
  spec.broker.offsets_topic_partitions = 3;
  core::Cluster cluster(spec);
  if (!cluster.start()) throw std::runtime_error("the benchmark's cluster did not start");
  cluster.controller().create_topic("events", 1000, 3, core::TopicConfig{});
  cluster.sim().run_for(sim::seconds(1));
  std::vector<sim::NodeId> bootstrap;
  for (core::BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
  core::ConsumerConfig config;
  config.group_id = "bench";
  std::vector<core::Consumer*> consumers;
  for (std::int32_t i = 0; i < members; ++i) {
    auto& c = cluster.add_node<core::Consumer>("consumer:" + std::to_string(i), config, bootstrap);
    consumers.push_back(&c);
  }
  const sim::Time began = cluster.sim().now();
  const auto start = std::chrono::steady_clock::now();
  for (core::Consumer* c : consumers) {
    cluster.sim().start(c->id());
    c->subscribe({"events"});
  }
  // The application polls every 100 ms (each poll drives joining); stop once every member is in
  // the same settled generation.
  RebalanceTiming timing;
  for (int tick = 0; tick < 1200; ++tick) {
    cluster.sim().run_for(sim::milliseconds(100));
    std::size_t in_group = 0;
    std::int32_t generation = consumers.front()->generation();
    for (core::Consumer* c : consumers) {
      c->poll();
      if (c->in_group() && c->generation() == generation && !c->owned().empty()) ++in_group;
    }
    if (in_group == consumers.size()) {
      timing.generation = generation;
      timing.members_in_group = in_group;
      break;
    }
  }
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  timing.wall_milliseconds = took.count();
  timing.simulated_milliseconds = static_cast<double>((cluster.sim().now() - began).ns()) / 1e6;
  if (timing.members_in_group != consumers.size()) {
    throw std::runtime_error("the group did not settle within two simulated minutes; the benchmark is broken");
  }
  return timing;
}

}  // namespace ksim::cli
