// The fixture of the quorum tests: controllers (voters) and brokers (observers) that run only the
// Raft replica, on the simulated network, with the quorum invariants checked after every event.
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/raft/quorum_invariants.hpp"
#include "core/raft/quorum_member.hpp"
#include "sim/simulation.hpp"

namespace ksim::core::testing {

class TestQuorumMember final : public QuorumMember {
 public:
  TestQuorumMember(KafkaEvents& events, std::string name, ReplicaId id, QuorumConfig quorum)
      : QuorumMember(std::move(name), events, id, std::move(quorum)) {}

  RaftReplica* replica() { return raft(); }
  const RaftReplica* replica() const { return raft(); }

  std::vector<Offset> commits;          // every high watermark the listener was told of
  std::vector<LeaderAndEpoch> leaders;  // every leader change the listener was told of
  std::vector<Offset> committed_when_told;  // the high watermark it knew at each of them

 protected:
  void on_start() override { start_raft(); }
  void on_raft_role_changed(RaftRole from, RaftRole to) override {
    if (std::getenv("KSIM_RAFT_DEBUG") == nullptr) return;
    const RaftReplica* r = raft();
    std::fprintf(stderr, "%s %s: %s -> %s epoch %d leader %d\n", sim::format_time(now()).c_str(), name().c_str(),
                 std::string(raft_role_name(from)).c_str(), std::string(raft_role_name(to)).c_str(),
                 r ? r->epoch().value() : -1, r ? r->leader().value() : -1);
  }
  void on_stop(sim::StopKind kind) override { stop_raft(kind); }
  void on_raft_committed(Offset high_watermark) override { commits.push_back(high_watermark); }
  Offset applied_metadata_offset() const override { return commits.empty() ? Offset{-1} : commits.back() - 1; }
  void raft_leader_changed(LeaderAndEpoch leader) override {
    leaders.push_back(leader);
    committed_when_told.push_back(commits.empty() ? Offset{-1} : commits.back());
  }
};

struct QuorumLab {
  // Voters 1..voters (controller-N), observers 101.. (broker-N).
  explicit QuorumLab(int voters = 3, int observers = 0, bool pre_vote = true, std::uint64_t seed = 1)
      : sim(seed), events(sim) {
    QuorumConfig quorum;
    quorum.pre_vote = pre_vote;
    // Node ids are handed out in order of adding: voters first.
    for (int i = 0; i < voters; ++i) {
      quorum.voters.push_back(QuorumVoter{ReplicaId{i + 1}, sim::NodeId{static_cast<std::uint32_t>(i)}});
    }
    for (int i = 0; i < voters; ++i) {
      members.push_back(&sim.add_node<TestQuorumMember>(events, "controller-" + std::to_string(i + 1),
                                                        ReplicaId{i + 1}, quorum));
      REQUIRE(members.back()->id() == quorum.voters[static_cast<std::size_t>(i)].node);
    }
    for (int i = 0; i < observers; ++i) {
      members.push_back(&sim.add_node<TestQuorumMember>(events, "broker-" + std::to_string(101 + i),
                                                        ReplicaId{101 + i}, quorum));
    }
    for (TestQuorumMember* m : members) sim.start(m->id());
  }

  // Runs for `span`, checking the invariants after every event.
  void run(sim::Duration span) {
    const sim::Time until = sim.now() + span;
    while (true) {
      const auto next = sim.scheduler().next_event_time();
      if (!next || *next > until) break;
      sim.step();
      check();
    }
    sim.run_until(until);
  }

  void check() {
    std::vector<QuorumInvariants::Member> view;
    for (const TestQuorumMember* m : members) view.push_back({m->replica_id(), m->raft(), &m->metadata_log(), m->disks_lost()});
    const auto broken = invariants.check(view);
    if (broken) FAIL(*broken << " at " << sim::format_time(sim.now()));
  }

  TestQuorumMember& member(int replica) {
    for (TestQuorumMember* m : members) {
      if (m->replica_id() == ReplicaId{replica}) return *m;
    }
    FAIL("no replica " << replica);
    return *members.front();
  }
  RaftReplica& raft(int replica) {
    RaftReplica* r = member(replica).replica();
    REQUIRE(r != nullptr);
    return *r;
  }
  // The running leader of the highest epoch, or nullptr.
  TestQuorumMember* leader() {
    TestQuorumMember* found = nullptr;
    for (TestQuorumMember* m : members) {
      const RaftReplica* r = m->replica();
      if (r == nullptr || r->role() != RaftRole::leader) continue;
      if (found == nullptr || r->epoch() > found->replica()->epoch()) found = m;
    }
    return found;
  }
  int leader_id() {
    TestQuorumMember* l = leader();
    return l == nullptr ? -1 : l->replica_id().value();
  }
  // Appends `count` no-op records through the current leader; returns the last offset.
  Offset append(int count) {
    TestQuorumMember* l = leader();
    REQUIRE(l != nullptr);
    std::vector<MetadataRecord> records(static_cast<std::size_t>(count), MetadataRecord{NoOpRecord{}});
    const auto last = l->replica()->append(l->replica()->epoch(), std::move(records));
    REQUIRE(last.has_value());
    return *last;
  }

  void cut(int a, int b) {
    sim.apply(sim::FaultAction::between(sim.now(), sim::FaultKind::partition, {member(a).id()}, {member(b).id()}));
  }
  void isolate(int replica) {
    sim.apply(sim::FaultAction::on_node(sim.now(), sim::FaultKind::isolate, member(replica).id()));
  }
  void heal() { sim.apply(sim::FaultAction::between(sim.now(), sim::FaultKind::heal, {}, {})); }
  void stop(int replica, sim::StopKind kind = sim::StopKind::process_crash) { sim.stop(member(replica).id(), kind); }
  void start(int replica) { sim.start(member(replica).id()); }

  sim::Simulation sim;
  KafkaEvents events;
  QuorumInvariants invariants;
  std::vector<TestQuorumMember*> members;
};

}  // namespace ksim::core::testing
