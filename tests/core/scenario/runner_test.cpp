#include <algorithm>
#include <catch2/catch.hpp>

#include "core/scenario/loader.hpp"
#include "core/scenario/runner.hpp"

using namespace ksim::core;

namespace {

const char* kLab = R"({
  "name": "leader crash", "seed": 3, "duration": "25s",
  "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 2, "replication.factor": 3, "assignment": [[1, 2, 3], [2, 3, 1]]}],
  "producers": [{"name": "p", "topic": "orders", "rate": 500, "keys": {"kind": "uniform", "count": 10},
                 "start": "1s", "stop": "15s", "config": {"acks": "all"}}],
  "consumers": [{"group": "g", "members": 2, "topics": ["orders"], "processing": "1ms",
                 "config": {"auto.offset.reset": "earliest", "session.timeout.ms": 10000}}],
  "faults": [{"at": "5s", "do": "crash", "target": "leader-of:orders-0"},
             {"at": "8s", "do": "crash", "target": "consumer:g/1"}],
  "expect": ["acked_lost == 0", "processed[g] >= 1000000", "rebalances[g] >= 2"]
})";

RunResult run(std::uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  ScenarioRun r(parse_scenario(kLab, "lab.json"), options);
  return r.run_to_end();
}

}  // namespace

TEST_CASE("scenario runner: role targets resolve when the fault fires and the figures follow", "[core][scenario]") {
  const RunResult r = run(3);
  CHECK(r.figures.at("acked") > 5000);
  CHECK(r.figures.at("acked_lost") == 0);
  CHECK(r.figures.at("rebalances[g]") >= 2);  // the first join, and the crashed member's departure
  CHECK(r.figures.at("unavailable_ms[orders-0]") > 0);  // its leader was the one that crashed
  CHECK(r.figures.at("unavailable_ms[orders-1]") == 0);
  bool crashed_leader = false;
  for (const TimelineEntry& e : r.timeline) crashed_leader = crashed_leader || e.text == "crash broker:1";
  CHECK(crashed_leader);
  // Only the deliberately impossible expectation fails.
  REQUIRE(r.expectations.size() == 3);
  CHECK(r.expectations[0].passed);
  CHECK_FALSE(r.expectations[1].passed);
  CHECK(r.expectations[2].passed);
  CHECK_FALSE(r.passed());
}

TEST_CASE("scenario runner: the same scenario and seed give the same trace hash", "[core][scenario][determinism]") {
  const RunResult a = run(3);
  const RunResult b = run(3);
  const RunResult c = run(4);
  CHECK(a.trace_hash == b.trace_hash);
  CHECK(a.figures == b.figures);
  CHECK(a.trace_hash != c.trace_hash);
}

namespace {

RunResult run_text(const std::string& text) {
  ScenarioRun r(parse_scenario(text, "lab.json"), RunOptions{});
  return r.run_to_end();
}

}  // namespace

TEST_CASE("scenario runner: set-config raises min.insync.replicas while a follower is down", "[core][scenario]") {
  // One follower of three is down from 3s and soon out of the ISR: with min.insync.replicas=2
  // writes go on; raised to 3 at 8s, every acks=all write is refused with NOT_ENOUGH_REPLICAS.
  const std::string lab = R"({
    "name": "min isr at runtime", "seed": 1, "duration": "14s",
    "cluster": {"brokers": 3, "config": {"replica.lag.time.max.ms": 1000}},
    "topics": [{"name": "t", "partitions": 1, "replication.factor": 3, "assignment": [[1, 2, 3]],
                "config": {"min.insync.replicas": 2}}],
    "producers": [{"name": "p", "topic": "t", "rate": 200, "start": "1s", "stop": "13s",
                   "config": {"acks": "all", "delivery.timeout.ms": 2000, "request.timeout.ms": 1000, "linger.ms": 0}}],
    "faults": [{"at": "3s", "do": "crash", "target": "broker:3"},
               {"at": "8s", "do": "set-config", "target": "topic:t", "config": {"min.insync.replicas": 3}}]
  })";
  const RunResult r = run_text(lab);
  CHECK(r.figures.at("produce_errors[NOT_ENOUGH_REPLICAS]") > 0);
  CHECK(r.figures.at("failed_sends") > 500);  // about five seconds' worth at 200/s
  CHECK(r.figures.at("acked") > 1000);        // everything before 8s
  bool noted = false;
  for (const TimelineEntry& e : r.timeline) noted = noted || e.text == "topic t config: min.insync.replicas=3";
  CHECK(noted);
}

TEST_CASE("scenario runner: enabling unclean election at runtime takes effect at the controller's next unclean check", "[core][scenario]") {
  // The leader dies while the only follower is out of the ISR: the partition goes offline when
  // the leader is fenced (about 5s). The controller then schedules its unclean-election check
  // unclean.leader.election.interval.ms later (4s here), as QuorumController does whenever a
  // partition is leaderless; setting unclean.leader.election.enable at 6s takes effect then, at
  // about 9s, not at once.
  const std::string lab = R"({
    "name": "unclean at runtime", "seed": 1, "duration": "16s",
    "cluster": {"brokers": 2, "config": {"unclean.leader.election.interval.ms": 4000, "replica.lag.time.max.ms": 1000,
                                         "broker.session.timeout.ms": 1000, "broker.heartbeat.interval.ms": 250}},
    "topics": [{"name": "t", "partitions": 1, "replication.factor": 2, "assignment": [[1, 2]]}],
    "producers": [{"name": "p", "topic": "t", "rate": 100, "start": "1s", "stop": "15s", "config": {"acks": "1"}}],
    "faults": [{"at": "2s", "do": "pause", "target": "broker:2"},
               {"at": "4s", "do": "resume", "target": "broker:2"},
               {"at": "4s", "do": "crash", "target": "broker:1"},
               {"at": "6s", "do": "set-config", "target": "topic:t", "config": {"unclean.leader.election.enable": true}}]
  })";
  const RunResult r = run_text(lab);
  // Without a live leader from the crash (4s) until the check at about 9s.
  CHECK(r.figures.at("unavailable_ms[t-0]") >= 4900);
  CHECK(r.figures.at("unavailable_ms[t-0]") <= 5400);
}

TEST_CASE("scenario runner: set-config on a producer changes acks for what it sends next", "[core][scenario]") {
  // acks=all at first; at 5s the producer switches to acks=0 and its batches are answered by
  // nobody from then on: acked falls behind sent, yet nothing fails.
  const std::string lab = R"({
    "name": "acks at runtime", "seed": 1, "duration": "10s", "cluster": {"brokers": 3},
    "topics": [{"name": "t", "partitions": 1, "replication.factor": 3}],
    "producers": [{"name": "p", "topic": "t", "rate": 100, "start": "1s", "stop": "9s", "config": {"acks": "all"}}],
    "faults": [{"at": "5s", "do": "set-config", "target": "producer:p", "config": {"acks": "0"}}]
  })";
  const RunResult r = run_text(lab);
  CHECK(r.figures.at("failed_sends") == 0);
  CHECK(r.figures.at("sent") >= 790);
  CHECK(r.figures.at("acked") > 350);  // the first four seconds, acknowledged
  CHECK(r.figures.at("acked") < 450);  // nothing after the switch
  CHECK(r.figures.at("sent_lost") == 0);
}

TEST_CASE("scenario runner: convergence is measured from the last fault, with a bounded heal phase", "[core][scenario]") {
  // A follower crashes at 3s and comes back at 14s, after the controller fenced it: it registers,
  // catches up and rejoins the ISR, so the cluster converges within the run, some time after the
  // restart (the last fault).
  const std::string heals = R"({
    "name": "heals", "seed": 1, "duration": "25s", "cluster": {"brokers": 3, "config": {"replica.lag.time.max.ms": 1000}},
    "topics": [{"name": "t", "partitions": 1, "replication.factor": 3, "assignment": [[1, 2, 3]]}],
    "producers": [{"name": "p", "topic": "t", "rate": 100, "start": "1s", "stop": "24s"}],
    "consumers": [{"group": "g", "topics": ["t"], "config": {"auto.offset.reset": "earliest"}}],
    "faults": [{"at": "3s", "do": "crash", "target": "broker:3"}, {"at": "14s", "do": "restart", "target": "broker:3"}]
  })";
  const RunResult healed = run_text(heals);
  CHECK(healed.figures.at("converged") == 1);
  CHECK(healed.figures.at("convergence_ms") > 0);
  CHECK(healed.figures.at("convergence_ms") < 5000);
  CHECK(healed.ended == ksim::sim::Time::zero() + ksim::sim::seconds(25));  // no heal phase needed

  // The same follower never comes back: the ISR stays short. The run goes on past its 15s for the
  // heal bound (20s after the last fault) and the report says it did not converge.
  std::string never = heals;
  const std::string restart = R"(, {"at": "14s", "do": "restart", "target": "broker:3"})";
  never.erase(never.find(restart), restart.size());
  const std::string stop = R"("stop": "24s")";
  never.replace(never.find(stop), stop.size(), R"("stop": "14s")");
  const std::string duration = R"("duration": "25s")";
  never.replace(never.find(duration), duration.size(), R"("duration": "15s", "converge_within": "20s")");
  const RunResult stuck = run_text(never);
  CHECK(stuck.figures.at("converged") == 0);
  CHECK(stuck.figures.at("convergence_ms") >= 20000);
  CHECK(stuck.ended == ksim::sim::Time::zero() + ksim::sim::seconds(23));
  bool said = false;
  for (const TimelineEntry& e : stuck.timeline) said = said || e.text == "did not converge within 20s of the last fault";
  CHECK(said);
}

TEST_CASE("scenario runner: a poison rate fails that share of the records, the same ones for every seed's run", "[core][scenario]") {
  const std::string lab = R"({
    "name": "poison rate", "seed": 4, "duration": "12s", "cluster": {"brokers": 1, "config": {"offsets.topic.replication.factor": 1}},
    "topics": [{"name": "t", "partitions": 2, "replication.factor": 1}],
    "producers": [{"name": "p", "topic": "t", "rate": 500, "start": "1s", "stop": "9s"}],
    "consumers": [{"group": "g", "topics": ["t"], "on_error": "dlq", "poison": {"rate": 0.01},
                   "config": {"auto.offset.reset": "earliest"}}]
  })";
  const RunResult a = run_text(lab);
  // About 1% of 4,000 records: 40, give or take the binomial spread.
  CHECK(a.figures.at("dead_lettered[g]") >= 20);
  CHECK(a.figures.at("dead_lettered[g]") <= 65);
  CHECK(a.figures.at("processed[g]") + a.figures.at("dead_lettered[g]") == a.figures.at("acked"));
  const RunResult again = run_text(lab);
  CHECK(again.figures.at("dead_lettered[g]") == a.figures.at("dead_lettered[g]"));
}

TEST_CASE("scenario runner: the charts' series follow the run without changing it", "[core][scenario][determinism]") {
  Series series;
  RunOptions options;
  options.series = &series;
  ScenarioRun r(parse_scenario(kLab, "lab.json"), options);
  const RunResult with_series = r.run_to_end();
  CHECK(with_series.trace_hash == run(3).trace_hash);  // sampling adds no event
  REQUIRE(series.groups == std::vector<std::string>{"g"});
  REQUIRE(series.points.size() >= 240);  // 25 s, a point every 100 ms (after the cluster starts)
  const auto at = [&](double seconds) {
    const ksim::sim::Time t = ksim::sim::Time::zero() + ksim::sim::Duration::from_ns(static_cast<std::int64_t>(seconds * 1e9));
    return *std::find_if(series.points.begin(), series.points.end(), [&](const SeriesPoint& p) { return p.at >= t; });
  };
  // Before the crash: all healthy, records flowing, answered fast.
  CHECK(at(4).offline == 0);
  CHECK(at(4).under_replicated == 0);
  CHECK(at(4).acked > 1000);
  // The group forms after its initial rebalance delay (3 s), the cluster having started first (the
  // controllers elect a leader within their first 1-2 s election timeout).
  CHECK(at(8).processed > 0);
  CHECK(at(4).latency_p50_ms >= 0);
  // The leader of orders-0 crashed at 5 s: once the controller fences it (the broker session
  // times out), both partitions lose a replica from their ISR.
  CHECK(at(14).under_replicated == 2);
  CHECK(at(14).offline == 0);
  // Counts only grow; the producer stopped at 15 s, so acked stops growing after its last answers.
  for (std::size_t i = 1; i < series.points.size(); ++i) {
    CHECK(series.points[i].acked >= series.points[i - 1].acked);
    CHECK(series.points[i].processed >= series.points[i - 1].processed);
  }
  CHECK(at(20).acked == series.points.back().acked);
  CHECK(series.points.back().acked == static_cast<std::int64_t>(with_series.figures.at("acked")));
}

TEST_CASE("scenario runner: a fault added while running gives the run a file holding it gives", "[core][scenario][determinism]") {
  // The lab's consumer crash moved to an instant where nothing else happens (off the whole
  // milliseconds the timers fall on): once in the file, once added while the run goes.
  Scenario with = parse_scenario(kLab, "lab.json");
  const auto crash = std::find_if(with.faults.begin(), with.faults.end(), [](const FaultSpec& f) { return f.target == "consumer:g/1"; });
  REQUIRE(crash != with.faults.end());
  const ksim::sim::Time at = crash->at + ksim::sim::Duration::from_ns(3'000'007);
  crash->at = at;
  const FaultSpec added = *crash;
  Scenario without = with;
  without.faults.erase(without.faults.begin() + (crash - with.faults.begin()));

  ScenarioRun live(without, RunOptions{});
  // Well before the instant, other events are due first: refused (their order against the
  // fault would differ from the file's).
  live.run_until(at - ksim::sim::milliseconds(5));
  CHECK_FALSE(live.add_fault(added));
  live.run_until(at - ksim::sim::Duration::from_ns(1));
  FaultSpec too_late = added;
  too_late.at = live.now();
  CHECK_FALSE(live.add_fault(too_late));  // not in the past or the present
  REQUIRE(live.add_fault(added));
  CHECK(live.run_to_end().trace_hash == ScenarioRun(with, RunOptions{}).run_to_end().trace_hash);
  CHECK(ScenarioRun(without, RunOptions{}).run_to_end().trace_hash != ScenarioRun(with, RunOptions{}).run_to_end().trace_hash);
}

TEST_CASE("scenario runner: a static consumer-protocol member restarted after a crash is refused, and the timeline says so",
          "[core][scenario][kip848]") {
  // It crashed without leaving: its instance id is held until its session expires, and the new
  // process gets UNRELEASED_INSTANCE_ID, fatal in the Java client.
  const std::string lab = R"({
    "name": "static restart, consumer protocol", "seed": 1, "duration": "20s",
    "cluster": {"brokers": 3, "config": {"offsets.topic.num.partitions": 3}},
    "topics": [{"name": "t", "partitions": 2, "replication.factor": 3}],
    "consumers": [{"group": "g", "topics": ["t"],
                   "config": {"group.protocol": "consumer", "group.instance.id": "host-a"}}],
    "faults": [{"at": "5s", "do": "crash", "target": "consumer:g/0"},
               {"at": "8s", "do": "restart", "target": "consumer:g/0"}]
  })";
  const RunResult r = run_text(lab);
  bool refused = false;
  for (const TimelineEntry& e : r.timeline) refused = refused || e.text.find("cannot join group g: UNRELEASED_INSTANCE_ID") != std::string::npos;
  CHECK(refused);
}
