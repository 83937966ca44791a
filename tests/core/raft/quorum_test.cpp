// The KRaft quorum as Kafka 4.x runs it: elections through pre-votes, replication by fetch and the
// high watermark, check-quorum resignation, restarts, observers; the invariants of
// RaftEventSimulationTest are checked after every event of every test (quorum_lab.hpp).
#include <catch2/catch.hpp>
#include <set>

#include "quorum_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::QuorumLab;
using ksim::core::testing::TestQuorumMember;

TEST_CASE("quorum: three voters elect one leader, and its LeaderChange record commits everywhere",
          "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  REQUIRE(lab.leader() != nullptr);
  const int leader = lab.leader_id();
  CHECK(lab.raft(leader).epoch() == 1);
  for (int id = 1; id <= 3; ++id) {
    const RaftReplica& r = lab.raft(id);
    CHECK(r.epoch() == 1);
    CHECK(r.leader() == ReplicaId{leader});
    CHECK(r.role() == (id == leader ? RaftRole::leader : RaftRole::follower));
    CHECK(r.high_watermark() == 1);
    REQUIRE(r.log().end_offset() == 1);
    const auto* change = std::get_if<LeaderChangeRecord>(r.log().at(0).record.get());
    REQUIRE(change != nullptr);
    CHECK(change->leader == ReplicaId{leader});
    // Every listener, the leader's included, heard of the leader once.
    CHECK(lab.member(id).leaders.back() == LeaderAndEpoch{ReplicaId{leader}, 1});
  }
}

TEST_CASE("quorum: the leader announces itself only once its epoch's first record is committed",
          "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  const int first = lab.leader_id();
  REQUIRE(first > 0);
  lab.append(3);
  lab.run(seconds(1));
  lab.stop(first);
  lab.run(seconds(5));
  const int second = lab.leader_id();
  REQUIRE(second > 0);
  // The second leader's epoch starts at offset 4 (three no-ops after the first LeaderChange); it
  // told its listener of itself only when the high watermark had passed that offset, so that its
  // state held every record before its epoch.
  const RaftReplica& r = lab.raft(second);
  const auto& m = lab.member(second);
  CHECK(r.log().at(4).epoch == r.epoch());
  CHECK(std::holds_alternative<LeaderChangeRecord>(*r.log().at(4).record));
  REQUIRE(m.leaders.back() == LeaderAndEpoch{ReplicaId{second}, r.epoch()});
  CHECK(m.committed_when_told.back() == 5);
}

TEST_CASE("quorum: a record commits once a majority of voters has fetched it, not before", "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  const int leader = lab.leader_id();
  REQUIRE(leader > 0);
  std::vector<int> followers;
  for (int id = 1; id <= 3; ++id) {
    if (id != leader) followers.push_back(id);
  }
  // One follower cut off: the other one and the leader are a majority.
  lab.cut(leader, followers[0]);
  const Offset last = lab.append(3);
  CHECK(last == 3);
  CHECK(lab.raft(leader).high_watermark() == 1);  // in the accumulator, not yet in the log
  lab.run(milliseconds(200));
  CHECK(lab.raft(leader).high_watermark() == 4);
  CHECK(lab.raft(followers[1]).high_watermark() == 4);
  CHECK(lab.raft(followers[0]).log().end_offset() == 1);
  // Both cut off: the leader holds records nobody else has, and commits none of them.
  lab.cut(leader, followers[1]);
  lab.append(2);
  lab.run(milliseconds(500));
  CHECK(lab.raft(leader).log().end_offset() == 6);
  CHECK(lab.raft(leader).high_watermark() == 4);
  CHECK(lab.raft(followers[1]).log().end_offset() == 4);
}

TEST_CASE("quorum: a leader cut off from every voter resigns after 1.5 x the fetch timeout; its "
          "uncommitted records give way to the new leader's",
          "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  const int old_leader = lab.leader_id();
  REQUIRE(old_leader > 0);
  const Time cut_at = lab.sim.now();
  lab.isolate(old_leader);
  lab.append(2);  // never committed
  // The last fetches reached it just before the cut: it resigns 3 s (1.5 x 2 s) after the window
  // they opened, so between 2.5 s and 3.1 s after the cut.
  Time resigned_at;
  while (lab.raft(old_leader).role() == RaftRole::leader) lab.run(milliseconds(10));
  resigned_at = lab.sim.now();
  CHECK(lab.raft(old_leader).role() == RaftRole::resigned);
  const std::int64_t after_ms = (resigned_at - cut_at).ms();
  CHECK(after_ms >= 2500);
  CHECK(after_ms <= 3100);
  // Meanwhile the others noticed the silence after their 2 s fetch timeout and elected one of them.
  lab.run(seconds(3));
  const int new_leader = lab.leader_id();
  REQUIRE(new_leader > 0);
  CHECK(new_leader != old_leader);
  // Epoch 2 unless the two followers, whose fetch timeouts ran out together, split the first vote.
  const LeaderEpoch new_epoch = lab.raft(new_leader).epoch();
  CHECK(new_epoch >= 2);
  lab.append(1);
  lab.heal();
  lab.run(seconds(5));
  // The old leader follows, having truncated its two uncommitted records.
  const RaftReplica& old_r = lab.raft(old_leader);
  const RaftReplica& new_r = lab.raft(new_leader);
  CHECK(old_r.role() == RaftRole::follower);
  CHECK(old_r.leader() == ReplicaId{new_leader});
  CHECK(old_r.log().end() == new_r.log().end());
  CHECK(old_r.high_watermark() == new_r.high_watermark());
  REQUIRE(old_r.log().end_offset() == 3);  // LeaderChange e1, LeaderChange e2, one no-op
  CHECK(old_r.log().at(1).epoch == new_epoch);
}

TEST_CASE("quorum: a crashed leader comes back Resigned in its epoch, then follows the new leader",
          "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  const int old_leader = lab.leader_id();
  lab.append(4);
  lab.run(seconds(1));
  lab.stop(old_leader);
  lab.run(seconds(5));
  const int new_leader = lab.leader_id();
  REQUIRE(new_leader > 0);
  CHECK(new_leader != old_leader);
  CHECK(lab.raft(new_leader).epoch() >= 2);
  CHECK(lab.raft(new_leader).high_watermark() == 6);  // every committed record kept, plus its own
  lab.start(old_leader);
  CHECK(lab.raft(old_leader).role() == RaftRole::resigned);
  CHECK(lab.raft(old_leader).epoch() == 1);
  lab.run(seconds(3));
  CHECK(lab.raft(old_leader).role() == RaftRole::follower);
  CHECK(lab.raft(old_leader).leader() == ReplicaId{new_leader});
  CHECK(lab.raft(old_leader).high_watermark() == 6);
}

TEST_CASE("quorum: with pre-vote a voter cut off from the others comes back without disturbing the leader",
          "[core][raft]") {
  QuorumLab lab(3, 0, /*pre_vote=*/true);
  lab.run(seconds(5));
  const int leader = lab.leader_id();
  const LeaderEpoch epoch = lab.raft(leader).epoch();
  const int loner = leader == 3 ? 1 : 3;
  lab.isolate(loner);
  std::set<RaftRole> roles;
  for (int i = 0; i < 100; ++i) {
    lab.run(milliseconds(100));
    roles.insert(lab.raft(loner).role());
    // It asks for pre-votes in the epoch it has, and never raises it: nobody can answer.
    CHECK(lab.raft(loner).epoch() == epoch);
  }
  CHECK(roles.count(RaftRole::prospective) == 1);
  CHECK(roles.count(RaftRole::candidate) == 0);
  lab.heal();
  lab.run(seconds(5));
  CHECK(lab.leader_id() == leader);
  CHECK(lab.raft(leader).epoch() == epoch);
  CHECK(lab.raft(loner).role() == RaftRole::follower);
  CHECK(lab.raft(loner).leader() == ReplicaId{leader});
}

TEST_CASE("quorum: without pre-vote the voter that was cut off raises the epoch and unseats the leader",
          "[core][raft]") {
  QuorumLab lab(3, 0, /*pre_vote=*/false);
  lab.run(seconds(5));
  const int leader = lab.leader_id();
  const LeaderEpoch epoch = lab.raft(leader).epoch();
  const int loner = leader == 3 ? 1 : 3;
  lab.isolate(loner);
  lab.append(2);  // the loner misses these: its log falls behind
  lab.run(seconds(10));
  // Every election timeout it stands again, one epoch higher.
  CHECK(lab.raft(loner).epoch() >= epoch + 3);
  CHECK(lab.raft(leader).epoch() == epoch);
  const LeaderEpoch loner_epoch = lab.raft(loner).epoch();
  lab.heal();
  lab.run(seconds(5));
  // Its Vote request made the leader step down; its log was behind, so another voter won, in an
  // epoch above the loner's.
  REQUIRE(lab.leader() != nullptr);
  CHECK(lab.raft(lab.leader_id()).epoch() > loner_epoch);
  CHECK(lab.leader_id() != loner);
}

TEST_CASE("quorum: with two of three voters down nothing commits and no leader is elected", "[core][raft]") {
  QuorumLab lab;
  lab.run(seconds(5));
  const int leader = lab.leader_id();
  std::vector<int> followers;
  for (int id = 1; id <= 3; ++id) {
    if (id != leader) followers.push_back(id);
  }
  lab.stop(followers[0]);
  lab.stop(followers[1]);
  lab.append(2);
  lab.run(seconds(10));
  CHECK(lab.leader() == nullptr);  // it resigned for want of fetches
  CHECK(lab.raft(leader).high_watermark() == 1);
  CHECK(lab.raft(leader).log().end_offset() == 3);
  // One voter back: a majority again, and the survivor's records (the longest log) now commit.
  lab.start(followers[0]);
  lab.run(seconds(10));
  REQUIRE(lab.leader() != nullptr);
  CHECK(lab.raft(lab.leader_id()).high_watermark() >= 4);
}

TEST_CASE("quorum: observers find the leader through any voter, fetch the committed log and never vote",
          "[core][raft]") {
  QuorumLab lab(3, 2);
  lab.run(seconds(5));
  const int leader = lab.leader_id();
  REQUIRE(leader > 0);
  lab.append(5);
  lab.run(seconds(1));
  for (const int observer : {101, 102}) {
    const RaftReplica& o = lab.raft(observer);
    CHECK_FALSE(o.is_voter());
    CHECK(o.role() == RaftRole::follower);
    CHECK(o.leader() == ReplicaId{leader});
    CHECK(o.high_watermark() == 6);
    CHECK(o.log().end_offset() == 6);
  }
  // The leader sees them fetch, apart from the voters.
  const auto rows = lab.raft(leader).replication();
  REQUIRE(rows.size() == 5);
  CHECK(rows[3].id == ReplicaId{101});
  CHECK_FALSE(rows[3].voter);
  CHECK(rows[3].end_offset == 6);
  // The leader crashes: the observers follow the next one, never standing themselves.
  lab.stop(leader);
  lab.run(seconds(8));
  const int next = lab.leader_id();
  REQUIRE(next > 0);
  for (const int observer : {101, 102}) {
    CHECK(lab.raft(observer).leader() == ReplicaId{next});
    CHECK(lab.raft(observer).high_watermark() == lab.raft(next).high_watermark());
  }
}

TEST_CASE("quorum: the invariants hold through random crashes, power losses and cuts, and the quorum "
          "recovers once they end",
          "[core][raft]") {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    const int voters = seed % 3 == 0 ? 5 : 3;
    QuorumLab lab(voters, 1, /*pre_vote=*/seed % 4 != 1, seed);
    Rng chaos = lab.sim.random().stream("test/chaos");
    std::set<LeaderEpoch> epochs_led;
    for (int step = 0; step < 40; ++step) {
      lab.run(milliseconds(500 + static_cast<std::int64_t>(chaos.below(2000))));
      if (lab.leader() != nullptr) {
        epochs_led.insert(lab.leader()->replica()->epoch());
        lab.append(1 + static_cast<int>(chaos.below(3)));
      }
      const int target = 1 + static_cast<int>(chaos.below(static_cast<std::uint64_t>(voters)));
      const Node& node = lab.member(target);
      switch (chaos.below(5)) {
        case 0:
          if (node.running()) lab.stop(target, StopKind::process_crash);
          break;
        case 1:
          if (node.running()) lab.stop(target, StopKind::power_loss);
          break;
        case 2:
          lab.isolate(target);
          break;
        case 3:
          lab.heal();
          break;
        default:
          for (TestQuorumMember* m : lab.members) {
            if (!m->running()) lab.sim.start(m->id());
          }
      }
    }
    lab.heal();
    for (TestQuorumMember* m : lab.members) {
      if (!m->running()) lab.sim.start(m->id());
    }
    lab.run(seconds(15));
    CHECK(epochs_led.size() >= 2);
    REQUIRE(lab.leader() != nullptr);
    const RaftReplica& leader = *lab.leader()->replica();
    for (TestQuorumMember* m : lab.members) {
      CHECK(m->replica()->leader() == leader.id());
      CHECK(m->replica()->high_watermark() == leader.high_watermark());
      CHECK(m->replica()->log().end() == leader.log().end());
    }
  }
}
