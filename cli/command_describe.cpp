// `ksim describe FILE --at T [--variant NAME]`: the cluster at time T of a scenario, the way
// kafka-topics --describe, kafka-metadata-quorum describe and kafka-consumer-groups --describe show
// it.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "core/cluster/group_admin.hpp"
#include "core/group/offsets_records.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/runner.hpp"

namespace ksim::cli {
namespace {

std::string join(const std::vector<core::BrokerId>& ids) {
  std::string out;
  for (const core::BrokerId id : ids) out += (out.empty() ? "" : ",") + to_string(id);
  return out;
}

void describe_topics(const core::ScenarioRun& run, const core::Cluster& cluster) {
  const core::ClusterView view = cluster.view();
  std::printf("brokers:");
  for (const core::BrokerView& b : view.brokers) {
    std::printf(" %d(%s%s)", b.id.value(), !b.running ? "down" : b.paused ? "paused" : b.fenced ? "fenced" : "up",
                b.rack.empty() ? "" : (", rack " + b.rack).c_str());
  }
  std::printf("; controller %s\n\n", view.controller_running ? "up" : "down");
  for (const core::TopicSpec& t : run.scenario().topics) {
    const core::TopicConfig& c = cluster.controller().image().topics().at(t.name).config;
    std::printf("Topic: %s\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: min.insync.replicas=%d,unclean.leader.election.enable=%s\n",
                t.name.c_str(), t.partitions, t.replication_factor, c.min_insync_replicas,
                c.unclean_leader_election ? "true" : "false");
    for (const core::PartitionView& p : view.partitions) {
      if (p.tp.topic != t.name) continue;
      // kafka-topics --describe as 4.x prints it (Elr and LastKnownElr after Isr), then the
      // leader epoch and each replica's log, which ksim adds.
      std::printf("\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\tElr: %s\tLastKnownElr: %s\tEpoch: %d",
                  t.name.c_str(), p.tp.partition, p.leader == core::kNoBroker ? "none" : to_string(p.leader).c_str(),
                  join(p.replicas).c_str(), join(p.isr).c_str(), join(p.elr).c_str(), join(p.last_known_elr).c_str(),
                  p.leader_epoch.value());
      std::string logs;
      for (const core::ReplicaView& r : p.replica_logs) {
        logs += " " + to_string(r.broker) + ":LEO=" + to_string(r.log_end_offset) + ",HW=" + to_string(r.high_watermark);
      }
      std::printf("\tLogs:%s%s\n", logs.c_str(), p.offline() ? "\t(offline)" : p.under_min_isr() ? "\t(under min ISR)" : "");
    }
  }
}

// kafka-metadata-quorum describe --status and --replication (with --human-readable times), then a
// line per controller, which ksim adds: its Raft state, epoch, leader and log.
void describe_quorum(const core::Cluster& cluster) {
  const core::Controller* active = cluster.active_controller();
  const core::RaftReplica* leader = nullptr;
  for (const core::Controller* c : cluster.controllers()) {
    if (c->raft() != nullptr && c->raft()->role() == core::RaftRole::leader) leader = c->raft();
  }
  std::printf("\n");
  if (leader == nullptr) {
    std::printf("The metadata quorum has no leader: no controller is active.\n");
  } else {
    const std::vector<core::RaftReplica::ReplicaProgress> rows = leader->replication();
    const core::Offset leader_end = leader->log().end_offset();
    std::int64_t max_lag = 0;
    for (const auto& r : rows) {
      if (r.voter && r.end_offset >= 0) max_lag = std::max<std::int64_t>(max_lag, leader_end - r.end_offset);
    }
    const auto replicas = [&](bool voters) {
      std::string out;
      for (const auto& r : rows) {
        if (r.voter != voters) continue;
        out += std::string(out.empty() ? "" : ", ") + "{\"id\": " + to_string(r.id) + ", \"directoryId\": null}";
      }
      return "[" + out + "]";
    };
    std::printf("ClusterId:              ksim\nLeaderId:               %d\nLeaderEpoch:            %d\n"
                "HighWatermark:          %lld\nMaxFollowerLag:         %lld\nCurrentVoters:          %s\n"
                "CurrentObservers:       %s\n\n",
                leader->id().value(), leader->epoch().value(), static_cast<long long>(leader->high_watermark().value()),
                static_cast<long long>(max_lag), replicas(true).c_str(), replicas(false).c_str());
    const sim::Time now = cluster.sim().now();
    const auto ago = [&](const std::optional<sim::Time>& t) {
      return t ? std::to_string((now - *t).ms()) + " ms ago" : std::string("-1");
    };
    std::printf("%-7s %-12s %-13s %-5s %-19s %-22s %s\n", "NodeId", "DirectoryId", "LogEndOffset", "Lag",
                "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status");
    for (const auto& r : rows) {
      const bool is_leader = r.id == leader->id();
      std::printf("%-7d %-12s %-13lld %-5lld %-19s %-22s %s\n", r.id.value(), "-", static_cast<long long>(r.end_offset.value()),
                  static_cast<long long>(r.end_offset < 0 ? -1 : leader_end - r.end_offset), ago(r.last_fetch).c_str(),
                  ago(r.last_caught_up).c_str(), is_leader ? "Leader" : r.voter ? "Follower" : "Observer");
    }
  }
  for (const core::Controller* c : cluster.controllers()) {
    const core::RaftReplica* r = c->raft();
    if (r == nullptr) {
      std::printf("%s (node.id %d): down, log end %lld\n", c->name().c_str(), c->replica_id().value(),
                  static_cast<long long>(c->metadata_log().end_offset().value()));
      continue;
    }
    std::printf("%s (node.id %d): %s, epoch %d, leader %s, log end %lld, high watermark %lld%s\n", c->name().c_str(),
                c->replica_id().value(), std::string(core::raft_role_name(r->role())).c_str(), r->epoch().value(),
                r->leader() == core::kNoBroker ? "unknown" : to_string(r->leader()).c_str(),
                static_cast<long long>(r->log().end_offset().value()), static_cast<long long>(r->high_watermark().value()),
                c == active ? " (active controller)" : "");
  }
}

// "orders:0,1;payments:2", as kafka-consumer-groups writes an assignment.
std::string assignment_text(const std::vector<core::TopicPartition>& partitions) {
  if (partitions.empty()) return "-";
  std::string out;
  std::string topic;
  for (const core::TopicPartition& tp : partitions) {
    if (tp.topic != topic) {
      if (!out.empty()) out += ";";
      out += tp.topic + ":";
      topic = tp.topic;
    } else {
      out += ",";
    }
    out += std::to_string(tp.partition);
  }
  return out;
}

// kafka-consumer-groups --describe --members --verbose: each member's epoch and assignment against
// its target (they differ while the member reconciles), and where it stands (Kafka's MemberState).
void describe_consumer_members(const std::string& group, const core::GroupAdminView& g) {
  std::printf("\n%-14s %-28s %-18s %-12s %-14s %-22s %-13s %-22s %s\n", "GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID",
              "#PARTITIONS", "CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT", "STATE");
  for (const core::GroupDescription::ConsumerMember& m : g.consumer_members) {
    std::printf("%-14s %-28s %-18s %-12zu %-14d %-22s %-13d %-22s %s\n", group.c_str(), m.member.id.c_str(),
                m.member.instance_id.value_or("-").c_str(), m.member.assigned.size(), m.member.epoch,
                assignment_text(m.member.assigned).c_str(), g.assignment_epoch, assignment_text(m.target).c_str(),
                std::string(core::member_reconciliation_name(m.member.state)).c_str());
  }
}

void describe_groups(const core::ScenarioRun& run, const core::Cluster& cluster) {
  for (const core::ConsumerSpec& spec : run.scenario().consumers) {
    if (spec.group.empty()) continue;
    const std::optional<core::GroupAdminView> g = core::describe_group(cluster, spec.group);
    std::printf("\n");
    if (!g) {
      std::printf("Consumer group '%s' has no running coordinator.\n", spec.group.c_str());
      continue;
    }
    if (g->consumer_protocol) {
      // kafka-consumer-groups --describe --state --verbose for a consumer-protocol group.
      std::printf("GROUP %s  STATE %s  GROUP-EPOCH %d  TARGET-ASSIGNMENT-EPOCH %d  ASSIGNMENT-STRATEGY %s  COORDINATOR %d  "
                  "MEMBERS %zu\n",
                  spec.group.c_str(), std::string(core::group_state_name(g->state)).c_str(), g->generation,
                  g->assignment_epoch, g->protocol.empty() ? "-" : g->protocol.c_str(), g->coordinator.value(),
                  g->members.size());
    } else {
      std::printf("GROUP %s  STATE %s  GENERATION %d  PROTOCOL %s  COORDINATOR %d  MEMBERS %zu\n", spec.group.c_str(),
                  std::string(core::group_state_name(g->state)).c_str(), g->generation,
                  g->protocol.empty() ? "-" : g->protocol.c_str(), g->coordinator.value(), g->members.size());
    }
    std::printf("%-14s %-20s %-10s %-15s %-15s %-8s %s\n", "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                "LOG-END-OFFSET", "LAG", "CONSUMER-ID");
    for (const core::GroupPartitionRow& row : g->partitions) {
      std::printf("%-14s %-20s %-10d %-15s %-15s %-8s %s\n", spec.group.c_str(), row.tp.topic.c_str(), row.tp.partition,
                  row.committed < 0 ? "-" : to_string(row.committed).c_str(),
                  row.log_end < 0 ? "-" : to_string(row.log_end).c_str(),
                  row.lag ? std::to_string(*row.lag).c_str() : "-", row.member.empty() ? "-" : row.member.c_str());
    }
    if (g->consumer_protocol) describe_consumer_members(spec.group, *g);
  }
}

}  // namespace

int command_describe(const Args& args) {
  po::options_description options("usage: ksim describe FILE --at T [--variant NAME] [--seed N]\n\noptions");
  options.add_options()
      ("at", po::value<std::string>(), "the simulated time to describe (e.g. 12s)")
      ("variant", po::value<std::string>(), "a variant of the scenario")
      ("seed", po::value<std::string>(), "root seed (overrides the file's)");
  const std::optional<po::variables_map> parsed = parse_file_command("describe", args, options, false);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (vm.count("file") == 0U) throw UsageError("ksim describe: name a scenario file");
  if (vm.count("at") == 0U) throw UsageError("ksim describe: --at T is required (e.g. --at 12s)");
  const sim::Duration at = duration_option(vm, "at");
  std::optional<std::string> variant;
  if (vm.count("variant") != 0U && vm["variant"].as<std::string>() != "base") variant = vm["variant"].as<std::string>();
  core::RunOptions run_options;
  if (vm.count("seed") != 0U) run_options.seed = count_option(vm, "seed", 0, INT64_MAX);
  core::Scenario scenario;
  try {
    scenario = core::load_scenario(vm["file"].as<std::string>(), variant);
  } catch (const core::ScenarioError& e) {
    throw UsageError(e.what());
  }
  if (at > scenario.duration) {
    throw UsageError("option --at: " + sim::format_duration(at) + " is after the end of the run (" +
                     sim::format_duration(scenario.duration) + ")");
  }
  core::ScenarioRun run(std::move(scenario), run_options);
  run.run_until(sim::Time::zero() + at);
  std::printf("%s at %s\n\n", run.scenario().name.c_str(), sim::format_duration(at).c_str());
  describe_topics(run, run.cluster());
  describe_quorum(run.cluster());
  describe_groups(run, run.cluster());
  return 0;
}

}  // namespace ksim::cli
