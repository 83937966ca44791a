// `ksim bench kernel`: the hold-model benchmark of the event scheduler (see bench_kernel.hpp).
#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "cli/bench_assign.hpp"
#include "cli/bench_kernel.hpp"
#include "cli/bench_producer.hpp"
#include "cli/bench_replication.hpp"
#include "cli/bench_throughput.hpp"
#include "cli/huge_pages.hpp"
#include "cli/options.hpp"
#include "cli/usage_error.hpp"

namespace ksim::cli {
namespace {

struct SizeResult {
  HoldRun ksim;
  HoldRun baseline;
  HoldRun bare;
};

// Each benchmark has a fixed workload; an option it does not read is refused rather than ignored.
void accept_only(const po::variables_map& vm, const char* bench, std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : vm) {
    if (value.defaulted() || name == "name") continue;  // "name": the benchmark itself
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }) != allowed.end()) continue;
    std::string accepted;
    for (const char* a : allowed) accepted += std::string(accepted.empty() ? "" : ", ") + "--" + a;
    throw UsageError("option --" + name + ": the " + bench + " benchmark does not take it (it takes " + accepted + ")");
  }
}

HoldRun faster(const HoldRun& a, const HoldRun& b) { return a.seconds <= b.seconds ? a : b; }

// Runs the three loops in turn, `rounds` times, and keeps each loop's best round. A shared
// machine's noise only ever slows a run down, so the best round is the truest figure, and
// interleaving the loops exposes them to the same conditions.
SizeResult bench_size(std::uint64_t pending, std::uint64_t events, std::uint64_t seed,
                      int rounds) {
  SizeResult best{hold_ksim(pending, events, seed), hold_baseline(pending, events, seed),
                  hold_bare(pending, events, seed)};
  for (int round = 1; round < rounds; ++round) {
    best.ksim = faster(best.ksim, hold_ksim(pending, events, seed));
    best.baseline = faster(best.baseline, hold_baseline(pending, events, seed));
    best.bare = faster(best.bare, hold_bare(pending, events, seed));
  }
  if (best.ksim.checksum != best.baseline.checksum || best.ksim.checksum != best.bare.checksum) {
    throw std::runtime_error("the three event loops ran different events; the benchmark is broken");
  }
  return best;
}

void print_size(std::uint64_t pending, const SizeResult& r) {
  const double ksim = r.ksim.events_per_second();
  const double baseline = r.baseline.events_per_second();
  const double bare = r.bare.events_per_second();
  std::printf("N=%-7llu ksim %7.2f M/s | std::function heap %7.2f M/s | bare heap %7.2f M/s | "
              "ksim/std::function %.2f | ksim/bare %.2f\n",
              static_cast<unsigned long long>(pending), ksim / 1e6, baseline / 1e6, bare / 1e6,
              ksim / baseline, ksim / bare);
}

// How the benchmark was built: the optimiser's choices move these figures (docs/benchmarks.md),
// so every benchmark says it first.
void print_build_line() {
  std::printf("build: %s, %s, flags: %s\n", KSIM_BUILD_TYPE[0] != '\0' ? KSIM_BUILD_TYPE : "(no build type)", KSIM_COMPILER,
              KSIM_CXX_FLAGS[0] != '\0' ? KSIM_CXX_FLAGS : "(none)");
}

// Which pages back the heap changes the wall time of the larger benchmarks (see huge_pages.hpp),
// so every benchmark says it next.
void print_build_and_heap() {
  print_build_line();
  std::printf("heap: %s\n", heap_pages().c_str());
}

int bench_kernel(const po::variables_map& vm) {
  accept_only(vm, "kernel", {"events", "rounds", "seed"});
  print_build_and_heap();
  const std::uint64_t events = count_option(vm, "events", 1, 1'000'000'000'000);
  const std::uint64_t seed = count_option(vm, "seed", 0, UINT64_MAX);
  const auto rounds = static_cast<int>(count_option(vm, "rounds", 1, 100));
  std::printf("hold model: N pending events, each run event schedules one more after an "
              "exponential delay (mean 1ms); %llu events per run, best of %d rounds, seed %llu\n",
              static_cast<unsigned long long>(events), rounds,
              static_cast<unsigned long long>(seed));
  const SizeResult large = bench_size(100'000, events, seed, rounds);
  print_size(100'000, large);
  const SizeResult small = bench_size(1'000, events, seed, rounds);
  print_size(1'000, small);
  // The contract line scripts parse: always last, always for N = 1,000.
  std::printf("kernel events_per_s=%.0f baseline_events_per_s=%.0f ratio=%.2f\n",
              small.ksim.events_per_second(), small.baseline.events_per_second(),
              small.ksim.events_per_second() / small.baseline.events_per_second());
  return 0;
}

int bench_replication(const po::variables_map& vm) {
  accept_only(vm, "replication", {"seed"});
  print_build_and_heap();
  const std::uint64_t seed = count_option(vm, "seed", 0, UINT64_MAX);
  const sim::Duration duration = sim::seconds(60);
  const ReplicationBench r = run_replication_bench(seed, duration, 1200);
  std::printf("replication: 3 brokers, 12 partitions, RF=3, acks=all, 16 KiB batches at 1200/s "
              "for %s simulated, seed %llu\n",
              sim::format_duration(duration).c_str(), static_cast<unsigned long long>(seed));
  std::printf("  batches sent %llu, acknowledged %llu, failed %llu; %llu events in %.2f s of "
              "wall time\n",
              static_cast<unsigned long long>(r.batches_sent), static_cast<unsigned long long>(r.batches_acked),
              static_cast<unsigned long long>(r.batches_failed), static_cast<unsigned long long>(r.events),
              r.wall_seconds);
  if (r.batches_acked != r.batches_sent) {
    throw std::runtime_error("not every batch was acknowledged; the benchmark's cluster is broken");
  }
  // The contract line scripts parse: always last.
  std::printf("replication sim_seconds_per_wall_second=%.1f batches_per_wall_second=%.0f\n",
              r.sim_seconds / r.wall_seconds, static_cast<double>(r.batches_acked) / r.wall_seconds);
  return 0;
}

int bench_producer(const po::variables_map& vm) {
  accept_only(vm, "producer", {"seed", "duration"});
  print_build_and_heap();
  const std::uint64_t seed = count_option(vm, "seed", 0, UINT64_MAX);
  const sim::Duration duration = duration_option(vm, "duration");
  if (duration <= sim::Duration{}) throw UsageError("option --duration: must be positive");
  std::printf("producer: 3 brokers, 12 partitions, RF=3, acks=all, 100 B values without keys, "
              "200000 records per simulated second for %s, seed %llu\n",
              sim::format_duration(duration).c_str(), static_cast<unsigned long long>(seed));
  double wall = 0;
  double simulated = 0;
  std::uint64_t acked = 0;
  for (const core::CompressionType compression : {core::CompressionType::none, core::CompressionType::lz4}) {
    const ProducerBench r = run_producer_bench(seed, compression, duration);
    if (r.records_acked != r.records_sent) {
      throw std::runtime_error("not every record was acknowledged; the benchmark's cluster is broken");
    }
    std::printf("  compression=%-4s %llu records in %llu batches, %.1f MB stored per replica, "
                "%.2f s wall: %.0f records/s, %.1f simulated s per wall s\n",
                std::string(core::compression_name(compression)).c_str(),
                static_cast<unsigned long long>(r.records_acked), static_cast<unsigned long long>(r.batches),
                static_cast<double>(r.stored_bytes) / 1e6, r.wall_seconds,
                static_cast<double>(r.records_acked) / r.wall_seconds, r.sim_seconds / r.wall_seconds);
    wall += r.wall_seconds;
    simulated += r.sim_seconds;
    acked += r.records_acked;
  }
  // The contract line scripts parse: always last, over both runs.
  std::printf("producer records_per_wall_second=%.0f sim_seconds_per_wall_second=%.2f\n",
              static_cast<double>(acked) / wall, simulated / wall);
  return 0;
}

int bench_assign(const po::variables_map& vm) {
  accept_only(vm, "assign", {"seed", "scale"});
  print_build_and_heap();
  const std::uint64_t seed = count_option(vm, "seed", 0, UINT64_MAX);
  std::printf("assign: 1000 members, 100 topics x 100 partitions; uniform = everyone subscribes to "
              "everything, non-uniform = each member to its own ~30 topics; seed %llu\n",
              static_cast<unsigned long long>(seed));
  double cooperative_ms = 0;
  double range_ms = 0;
  for (const AssignorTiming& t : run_assignor_bench(seed)) {
    std::printf("  %-19s %-25s %9.1f ms  (partition counts differ by up to %zu)\n", t.assignor.c_str(),
                t.case_name.c_str(), t.milliseconds, t.max_minus_min);
    if (t.case_name == "uniform" || t.case_name == "non-uniform") {
      if (t.assignor == "cooperative-sticky") cooperative_ms += t.milliseconds;
      if (t.assignor == "range") range_ms += t.milliseconds;
    }
  }
  if (vm["scale"].as<std::string>() == "on") {
    std::printf("assign, Kafka's scale case: 2000 members, 500 topics x 2000 partitions, everyone subscribes to "
                "everything; fresh, then after one member left\n");
    for (const AssignorTiming& t : run_assignor_scale_bench()) {
      std::printf("  %-19s %-32s %9.1f ms  (partition counts differ by up to %zu)\n", t.assignor.c_str(),
                  t.case_name.c_str(), t.milliseconds, t.max_minus_min);
    }
  } else if (vm["scale"].as<std::string>() != "off") {
    throw UsageError("option --scale: \"" + vm["scale"].as<std::string>() + "\" is not valid; use on or off");
  }
  const RebalanceTiming r = run_rebalance_bench(seed, 500);
  std::printf("  rebalance: 500 consumers join one group over 1000 partitions (3 brokers): settled at "
              "generation %d after %.0f simulated ms, %.0f ms of wall time\n",
              r.generation, r.simulated_milliseconds, r.wall_milliseconds);
  // The contract line scripts parse: always last. The assignor figures add the uniform and
  // non-uniform runs.
  std::printf("assign cooperative_sticky_ms=%.1f range_ms=%.1f rebalance_500_wall_ms=%.0f\n", cooperative_ms,
              range_ms, r.wall_milliseconds);
  return 0;
}

int bench_throughput(const po::variables_map& vm) {
  accept_only(vm, "throughput", {"seed", "duration", "brokers", "partitions"});
  const std::uint64_t seed = count_option(vm, "seed", 0, UINT64_MAX);
  ThroughputShape shape;
  if (!vm["duration"].defaulted()) shape.duration = duration_option(vm, "duration");
  if (shape.duration <= sim::Duration{}) throw UsageError("option --duration: must be positive");
  shape.brokers = static_cast<std::int32_t>(count_option(vm, "brokers", 3, 100));
  shape.partitions = static_cast<std::int32_t>(count_option(vm, "partitions", 1, 100'000));
  print_build_and_heap();
  std::printf("throughput: %d brokers, 1 topic of %d partitions with RF=3, 3 producers (acks=all, lz4, "
              "100 B values) at 100000 records per simulated second in all, a group of 6 consumers; "
              "%s simulated, seed %llu\n",
              shape.brokers, shape.partitions, sim::format_duration(shape.duration).c_str(),
              static_cast<unsigned long long>(seed));
  const ThroughputBench r = run_throughput_bench(seed, shape);
  std::printf("  records sent %llu, acknowledged %llu, consumed %llu; %llu events in %.2f s of wall time "
              "(%.2f M events per wall s)\n",
              static_cast<unsigned long long>(r.records_sent), static_cast<unsigned long long>(r.records_acked),
              static_cast<unsigned long long>(r.records_consumed), static_cast<unsigned long long>(r.events),
              r.wall_seconds, static_cast<double>(r.events) / r.wall_seconds / 1e6);
  if (r.records_acked != r.records_sent || r.records_consumed != r.records_acked) {
    throw std::runtime_error("not every record was acknowledged and consumed once; the benchmark's cluster is broken");
  }
  // The contract line scripts parse: always last.
  std::printf("throughput sim_seconds_per_wall_second=%.1f records_per_wall_second=%.0f\n",
              r.sim_seconds / r.wall_seconds, static_cast<double>(r.records_consumed) / r.wall_seconds);
  return 0;
}

}  // namespace

int command_bench(const Args& args) {
  po::options_description options("options");
  options.add_options()
      ("events", po::value<std::string>()->default_value("10000000"), "events per run")
      ("rounds", po::value<std::string>()->default_value("3"), "rounds per loop; the best one counts")
      ("seed", po::value<std::string>()->default_value("1"), "root seed")
      ("duration", po::value<std::string>()->default_value("30s"), "producer, throughput: simulated time")
      ("brokers", po::value<std::string>()->default_value("3"), "throughput: brokers")
      ("partitions", po::value<std::string>()->default_value("12"), "throughput: partitions of the topic")
      ("scale", po::value<std::string>()->default_value("on"), "assign: Kafka's scale case too (on or off)");
  return run_named("bench", "benchmark", args, options,
                   {{"kernel", "the event scheduler under the hold model", bench_kernel},
                    {"replication", "a 3-broker cluster replicating acks=all batches", bench_replication},
                    {"producer", "one producer at 200,000 records per simulated second", bench_producer},
                    {"assign", "the assignors on 1,000 and 2,000 members and a 500-member rebalance", bench_assign},
                    {"throughput", "3 producers, 3 brokers and a group of 6 consumers, end to end", bench_throughput}});
}

}  // namespace ksim::cli
