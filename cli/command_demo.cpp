// `ksim demo gossip`: runs the kernel's gossip workload (sim/workloads/gossip.hpp) and prints
// what happened, ending with the trace fingerprint that makes the run reproducible.
#include <cstdio>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_jsonl.hpp"
#include "sim/workloads/gossip.hpp"

namespace ksim::cli {
namespace {

using sim::workloads::GossipConfig;
using sim::workloads::GossipResult;

void print_result(const GossipConfig& config, const GossipResult& r) {
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("gossip demo: %u nodes, %s simulated, seed %llu\n", config.nodes,
              sim::format_duration(config.duration).c_str(), u(config.seed));
  std::printf("  faults applied     %llu\n", u(r.faults_applied));
  std::printf("  events executed    %llu (%llu dropped: their node had crashed or restarted)\n",
              u(r.events_executed), u(r.events_dropped));
  std::printf("  gossip             %llu sent, %llu acknowledged, %llu timed out\n",
              u(r.gossip_sent), u(r.acks_received), u(r.ack_timeouts));
  std::printf("  connection resets  %llu seen by peers of crashed processes\n",
              u(r.connection_resets_seen));
  std::printf("  network            %llu messages, %llu delivered, %llu died with their connection; "
              "%llu transmissions lost to cuts and %llu to lossy links, %llu retransmissions\n",
              u(r.network.sent), u(r.network.delivered), u(r.network.dropped_by_reset + r.network.dropped_not_connected),
              u(r.network.lost_to_cut), u(r.network.lost_to_loss), u(r.network.retransmissions));
  std::printf("  connections        %llu opened, %llu refused, %llu given up by TCP\n",
              u(r.network.connections_opened), u(r.network.connections_refused),
              u(r.network.connections_timed_out));
  std::printf("  rumour             newest version %llu, known by %u of %u nodes (%u running)\n",
              u(r.newest_version), r.nodes_with_newest, config.nodes, r.nodes_running);
  std::printf("trace events=%llu fingerprint=%s\n", u(r.trace_events),
              sim::format_hash(r.trace_hash).c_str());
}

int demo_gossip(const po::variables_map& vm) {
  GossipConfig config;
  config.seed = count_option(vm, "seed", 0, UINT64_MAX);
  // Every pair of nodes is a link with its own state, so memory grows with the square.
  config.nodes = static_cast<std::uint32_t>(count_option(vm, "nodes", 2, 1000));
  config.duration = duration_option(vm, "duration");
  if (config.duration <= sim::Duration{}) throw UsageError("option --duration: must be positive");
  if (vm.count("no-faults") != 0U) config.mean_fault_interval = sim::Duration{};

  if (vm.count("trace") == 0U) {
    print_result(config, sim::workloads::run_gossip(config));
    return 0;
  }
  const std::string path = vm["trace"].as<std::string>();
  std::optional<sim::JsonLinesWriter> writer;
  const GossipResult result = sim::workloads::run_gossip(config, [&](sim::Simulation& run) {
    writer.emplace(path, [&run](sim::NodeId id) { return run.node_name(id); });
    if (!writer->open()) throw UsageError("option --trace: " + writer->error());
    run.trace().attach(*writer);
  });
  if (!writer->finish()) throw UsageError("option --trace: " + writer->error());
  print_result(config, result);
  std::printf("trace written to %s\n", path.c_str());
  return 0;
}

}  // namespace

int command_demo(const Args& args) {
  po::options_description options("options");
  options.add_options()
      ("seed", po::value<std::string>()->default_value("1"), "root seed of the run")
      ("nodes", po::value<std::string>()->default_value("100"), "number of nodes, 2 to 1000")
      ("duration", po::value<std::string>()->default_value("5s"), "simulated time, e.g. 5s")
      ("no-faults", "run without the random fault plan")
      ("trace", po::value<std::string>(), "write every trace event to this JSON Lines file");
  return run_named("demo", "demo", args, options,
                   {{"gossip", "nodes spread a rumour through crashes, pauses and partitions",
                     demo_gossip}});
}

}  // namespace ksim::cli
