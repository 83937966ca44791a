// ScenarioRun: plays a scenario. It builds the cluster, creates the topics, starts the producers
// and consumers, fires the faults at their times (resolving role targets such as leader-of:T-P at
// that moment), follows what happens, and at the end computes the figures and checks the
// expectations. The same object serves the CLI (run to the end) and the GUI (step it).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/check/history_checkers.hpp"
#include "core/check/invariant_checker.hpp"
#include "core/check/ownership_tracker.hpp"
#include "core/check/samplers.hpp"
#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer.hpp"
#include "core/client/producer_workload.hpp"
#include "core/scenario/figures.hpp"
#include "core/scenario/scenario.hpp"
#include "core/scenario/series.hpp"
#include "sim/trace.hpp"

namespace ksim::core {

struct RunOptions {
  std::optional<std::uint64_t> seed;    // overrides the file's
  std::optional<sim::Duration> until;   // stop early
  std::vector<sim::TraceSink*> sinks;   // extra listeners to the trace (a JSON Lines writer)
  std::vector<KafkaObserver*> observers;  // extra followers of the run's events (the GUI)
  Series* series = nullptr;             // filled as the run goes (the GUI's charts)
};

// A line of the report's timeline: something that mattered, when.
struct TimelineEntry {
  sim::Time at;
  std::string kind;  // "fault", "election", "isr", "rebalance", "error", "narration", ...
  std::string text;
};

struct ExpectationResult {
  std::string expr;
  double actual = 0;
  bool passed = false;
};

struct RunResult {
  std::string scenario;
  std::string file;
  std::string variant;  // empty: the base scenario
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  sim::Time ended;
  Figures figures;
  std::vector<ExpectationResult> expectations;
  std::vector<TimelineEntry> timeline;
  bool passed() const;
};

class ScenarioRun {
 public:
  ScenarioRun(Scenario scenario, RunOptions options);
  ~ScenarioRun();
  ScenarioRun(const ScenarioRun&) = delete;
  ScenarioRun& operator=(const ScenarioRun&) = delete;

  Cluster& cluster() { return *cluster_; }
  const Scenario& scenario() const { return scenario_; }
  sim::Time end_time() const { return end_; }
  // Runs to the end (the scenario's duration, or --until) and computes the result.
  RunResult run_to_end();
  // Runs until `t` (at most the end) without computing anything: for describe and the GUI.
  void run_until(sim::Time t);
  // Runs the next event, if one is due by the end. Returns whether one ran.
  bool step_event();
  sim::Time now() const { return cluster_->sim().now(); }
  // What mattered so far, in time order (narration included once its time has come): the report's
  // timeline as it grows, for the GUI's event log and its "next interesting event".
  std::vector<TimelineEntry> timeline_until(sim::Time t) const;
  // Who owned which partition of each group, when (the rebalance timeline's history).
  const OwnershipTracker& ownership() const { return *ownership_; }
  // How many entries that is, without copying them (the GUI asks after every event it steps).
  std::size_t timeline_count_until(sim::Time t) const;
  // A fault added while the run goes (the GUI's faults by hand): it fires at `fault.at`, which
  // must lie after now, within the run, and before any event already due (then the run goes on
  // exactly as one of a file holding the fault from the start: nothing it did so far could have
  // seen the fault, and nothing else is due at its instant to be ordered against it). Returns
  // false, changing nothing, otherwise: the caller replays from the start instead.
  bool add_fault(const FaultSpec& fault);
  // The checkers' figures as of now (the report's, when asked at the end). The history checkers
  // first catch up with what happened since the last call, so asking often (the GUI's figures
  // pane) costs in proportion to what is new.
  Figures figures();

 private:
  struct Member {
    std::string group;  // empty: a standalone consumer
    std::string name;   // consumer:GROUP/I or consumer:NAME
    const ConsumerSpec* spec = nullptr;
    Consumer* consumer = nullptr;
    Producer* forwarder = nullptr;  // for dead-letter and retry topics
    std::unique_ptr<ConsumerWorkload> app;
  };
  class Observer;

  void create_topics();
  void start_producers();
  void add_member(const ConsumerSpec& spec, std::int32_t index);
  void schedule_faults();
  void fire(const FaultSpec& fault);
  void set_config(const FaultSpec& fault);
  std::optional<sim::NodeId> resolve(const std::string& target, std::string& why);
  std::vector<sim::NodeId> resolve_side(const std::vector<std::string>& side, const std::vector<sim::NodeId>& other);
  void sample();
  // A point of the series the options ask for (runner_series.cpp).
  void record_series_point();
  // Whether the cluster has healed: every partition led by a live broker with a full ISR whose
  // replicas all hold the committed records, every group's partitions owned, and every consumer within one poll (max.poll.records) of the high
  // watermark.
  bool healed() const;
  bool caught_up(const Consumer& consumer, const TopicPartition& tp) const;
  // How many partitions the group's subscription has now (the ownership tracker's "formed").
  std::size_t subscribed_partitions(const std::string& group) const;
  void note(const std::string& kind, const std::string& text);

  Scenario scenario_;
  RunOptions options_;
  sim::Time end_;
  sim::Time last_fault_;                 // convergence is measured from here
  sim::Time heal_deadline_;              // the run may go on until then to converge
  std::optional<sim::Time> converged_at_;  // healed since then, without a relapse
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<sim::TraceHasher> hasher_;
  std::unique_ptr<InvariantChecker> invariants_;
  std::unique_ptr<OwnershipTracker> ownership_;
  std::unique_ptr<HistoryCheckers> histories_;
  std::unique_ptr<Observer> observer_;
  std::vector<sim::NodeId> bootstrap_;
  std::map<std::string, Producer*> producers_;
  std::vector<std::unique_ptr<ProducerWorkload>> producer_apps_;
  std::vector<Member> members_;
  std::map<const ConsumerSpec*, ConsumerConfig> live_consumer_configs_;  // changed by set-config
  std::vector<TimelineEntry> timeline_;
  std::vector<std::unique_ptr<FaultSpec>> added_faults_;  // by add_fault(); stable for their timers
  // The samplers look every 10 ms (unavailability) and every second (lag).
  static constexpr sim::Duration kSampleEvery = sim::milliseconds(10);
  std::vector<std::string> groups_;  // the scenario's groups, in file order (a group may repeat)
  AvailabilitySampler availability_{kSampleEvery};
  LagSampler lag_{sim::seconds(1)};
  QuorumSampler quorum_{kSampleEvery};

  std::map<std::string, std::int64_t> rebalances_;  // generations that settled Stable, per group
  sim::Time last_series_point_;
  std::map<std::string, std::size_t> series_batches_seen_;  // per producer: its batches counted so far
  std::int64_t series_acked_ = 0;
  std::int64_t series_failed_ = 0;
};

// Each expectation checked against the figures, in order.
std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& expectations, const Figures& figures);

// Runs every variant the options ask for: none given, the base scenario and then each variant.
std::vector<RunResult> run_scenario_file(const std::string& path, const std::optional<std::string>& variant,
                                         const RunOptions& options);

}  // namespace ksim::core
