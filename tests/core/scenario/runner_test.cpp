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
