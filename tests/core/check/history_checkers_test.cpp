// The history checkers are fed incrementally: figures asked for along the way must be exactly the
// figures a run asked once at that moment gets, through truncations, rebalances, retries and
// retention (the labs below have each).
#include <catch2/catch.hpp>

#include <string>

#include "core/scenario/loader.hpp"
#include "core/scenario/runner.hpp"

using namespace ksim::core;
using ksim::sim::Time;
using ksim::sim::seconds;

namespace {

std::string lab_path(const std::string& name) { return std::string(KSIM_SOURCE_DIR) + "/scenarios/" + name + ".json"; }

// The figures at `at` of a run asked only then.
Figures figures_asked_once(const std::string& lab, Time at) {
  ScenarioRun run(load_scenario(lab_path(lab)), RunOptions{});
  run.run_until(at);
  return run.figures();
}

}  // namespace

TEST_CASE("history checkers: figures asked every second equal figures asked once", "[core][check]") {
  const std::string lab = GENERATE(as<std::string>{}, "unclean-leader-election", "consumer-crash-duplicates",
                                   "add-partitions-remaps-keys", "retention-stopped-consumer", "lossy-link-retries");
  CAPTURE(lab);
  ScenarioRun run(load_scenario(lab_path(lab)), RunOptions{});
  const Time end = run.end_time();
  const Time middle = Time::zero() + seconds((end - Time::zero()).ns() / 2'000'000'000);
  Figures at_middle;
  for (Time t = Time::zero() + seconds(1); t <= end; t = t + seconds(1)) {
    run.run_until(t);
    const Figures f = run.figures();
    if (t == middle) at_middle = f;
  }
  REQUIRE_FALSE(at_middle.empty());
  CHECK(at_middle == figures_asked_once(lab, middle));
  CHECK(run.figures() == figures_asked_once(lab, end));
}

TEST_CASE("history checkers: acknowledged records become lost when an unclean election truncates them", "[core][check]") {
  // The lab's "unclean" variant: the stale follower is elected and the leader's last writes go.
  ScenarioRun run(load_scenario(lab_path("unclean-leader-election"), std::string("unclean")), RunOptions{});
  double most_lost_seen = 0;
  double acked_when_most = 0;
  for (Time t = Time::zero() + seconds(1); t <= run.end_time(); t = t + seconds(1)) {
    run.run_until(t);
    const Figures f = run.figures();
    if (f.at("acked_lost") > most_lost_seen) {
      most_lost_seen = f.at("acked_lost");
      acked_when_most = f.at("acked");
    }
    CHECK(f.at("acked_lost") <= f.at("acked"));
  }
  // Nothing was lost until the election: the count rose while the run went, as the logs changed.
  CHECK(most_lost_seen > 0);
  CHECK(acked_when_most > most_lost_seen);
}

TEST_CASE("history checkers: a stall shows in the figures, it does not hide behind what got through", "[core][check]") {
  SECTION("a producer whose every request times out: nothing resolves, the wait counts, no convergence") {
    ScenarioRun run(load_scenario(lab_path("request-timeout-retry-storm")), RunOptions{});
    const RunResult r = run.run_to_end();
    const Figures& f = r.figures;
    CHECK(f.at("acked") == 0);
    CHECK(f.at("unresolved") == f.at("sent"));
    CHECK(f.at("sent") == f.at("acked") + f.at("failed_sends") + f.at("unresolved"));
    CHECK(f.at("produce_latency_p50_ms") > 10'000);  // records waiting since the first seconds
    CHECK(f.at("converged") == 0);                     // a producer stuck longer than request.timeout.ms
  }
  SECTION("a consumer stopped by a poison record: the records behind it wait, end to end") {
    ScenarioRun run(load_scenario(lab_path("poison-record")), RunOptions{});
    const Figures f = run.run_to_end().figures;
    REQUIRE(f.at("final_lag[fulfilment]") > 100);
    CHECK(f.at("e2e_latency_p99_ms") > 10'000);
    CHECK(f.at("skipped[fulfilment]") == 0);  // waiting above the commit, not skipped below it
  }
  SECTION("a healthy run resolves everything") {
    ScenarioRun run(load_scenario(lab_path("poison-record"), std::string("dead-letter")), RunOptions{});
    const Figures f = run.run_to_end().figures;
    CHECK(f.at("unresolved") == 0);
    CHECK(f.at("sent") == f.at("acked") + f.at("failed_sends"));
    CHECK(f.at("e2e_latency_p99_ms") < 1'000);
  }
}
