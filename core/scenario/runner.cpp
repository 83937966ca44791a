#include "core/scenario/runner.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/cluster/group_admin.hpp"
#include "core/group/coordinator_partition.hpp"
#include "core/scenario/loader.hpp"

namespace ksim::core {
namespace {

constexpr sim::Duration kSampleEvery = sim::milliseconds(10);
constexpr sim::Duration kLagSampleEvery = sim::seconds(1);

std::string text_of(const sim::TraceEvent& e, std::string_view key) {
  for (const sim::TraceField& f : e.fields) {
    if (f.key != key) continue;
    if (f.value.type() == sim::TraceValue::Type::text) return std::string(f.value.text());
    return std::to_string(f.value.integer());
  }
  return {};
}


}  // namespace

bool RunResult::passed() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const ExpectationResult& e) { return e.passed; });
}

// Follows the trace for the report's timeline and the rebalance counts.
class ScenarioRun::Observer final : public sim::TraceSink {
 public:
  explicit Observer(ScenarioRun& run) : run_(run) {}
  void on_event(const sim::TraceEvent& e) override {
    const std::string_view kind = e.kind;
    const sim::Simulation& sim = run_.cluster_->sim();
    // The internal offsets topic's fifty partitions would drown the story; the groups' own
    // events tell what matters about coordinators.
    if (text_of(e, "partition").rfind(kOffsetsTopic, 0) == 0) return;
    const auto add = [&](const char* category, std::string text) {
      run_.timeline_.push_back(TimelineEntry{e.time, category, std::move(text)});
    };
    if (kind == "fault.applied") {
      std::string target = text_of(e, "target");
      for (const sim::TraceField& f : e.fields) {
        if (f.key == "target" && f.value.type() == sim::TraceValue::Type::node) target = sim.node_name(sim::NodeId{static_cast<std::uint32_t>(f.value.integer())});
      }
      const std::string a = text_of(e, "side_a");
      const std::string b = text_of(e, "side_b");
      std::string where = " " + target;
      if (target.empty()) where = a.empty() && b.empty() ? std::string(" (every cut)") : " between " + a + " and " + b;
      add("fault", text_of(e, "fault") + where);
    } else if (kind == "partition.leader_elected") {
      add("election", text_of(e, "partition") + ": broker " + text_of(e, "leader") + " elected leader (" + text_of(e, "reason") +
                          "), epoch " + text_of(e, "leader_epoch") + ", ISR [" + text_of(e, "isr") + "]");
    } else if (kind == "partition.offline") {
      add("election", text_of(e, "partition") + " is offline: " + text_of(e, "reason"));
    } else if (kind == "partition.isr_changed") {
      add("isr", text_of(e, "partition") + ": ISR now [" + text_of(e, "isr") + "]");
    } else if (kind == "log.truncated") {
      add("truncation", sim.node_name(e.node) + " truncated " + text_of(e, "partition") + " (" + text_of(e, "reason") + ")");
    } else if (kind == "controller.broker_fenced") {
      add("fault", "controller fenced broker " + text_of(e, "broker"));
    } else if (kind == "group.generation") {
      const std::string group = text_of(e, "group");
      if (text_of(e, "state") == "Stable") ++run_.rebalances_[group];
      add("rebalance", "group " + group + " generation " + text_of(e, "generation") + ": " + text_of(e, "state") + ", " +
                           text_of(e, "members") + " members, " + text_of(e, "protocol"));
    } else if (kind == "consumer.left_group") {
      add("rebalance", sim.node_name(e.node) + " left group " + text_of(e, "group") + ": " + text_of(e, "reason"));
    } else if (kind == "group.member_expired") {
      add("rebalance", "group " + text_of(e, "group") + ": member " + text_of(e, "member") + " expired (session timeout)");
    } else if (kind == "consumer.commit" && text_of(e, "outcome") != "committed") {
      add("error", sim.node_name(e.node) + ": commit " + text_of(e, "outcome") + " (generation " + text_of(e, "generation") + ")");
    } else if (kind == "consumer.partitions_changed") {
      add("rebalance", sim.node_name(e.node) + " sees " + text_of(e, "topic") + " grow from " + text_of(e, "from") + " to " +
                           text_of(e, "to") + " partitions: it rejoins to assign them");
    } else if (kind == "consumer.partitions_lost") {
      add("rebalance", sim.node_name(e.node) + " lost " + text_of(e, "partitions"));
    }
    if (kind == "consumer.partitions_assigned" || kind == "consumer.partitions_revoked" || kind == "consumer.partitions_lost") {
      const std::string group = text_of(e, "group");
      const std::string list = text_of(e, "partitions");
      for (std::size_t start = 0; start < list.size();) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, comma - start);
        const auto dash = item.rfind('-');
        const TopicPartition tp{item.substr(0, dash), std::stoi(item.substr(dash + 1))};
        run_.set_owner(group, tp, e.node, kind == "consumer.partitions_assigned", e.time);
        start = comma + 1;
      }
    } else if (kind == "node.stopped") {
      run_.member_stopped(e.node, e.time);
    }
  }
 private:
  ScenarioRun& run_;
};

ScenarioRun::ScenarioRun(Scenario scenario, RunOptions options)
    : scenario_(std::move(scenario)), options_(std::move(options)) {
  if (options_.seed) scenario_.seed = *options_.seed;
  scenario_.cluster.seed = scenario_.seed;
  // Which records a poison rate picks depends on the run's seed (--seed included).
  for (ConsumerSpec& c : scenario_.consumers) c.processing.poison_seed = scenario_.seed * 0x9e3779b97f4a7c15ULL + 0x5d;
  end_ = sim::Time::zero() + (options_.until ? std::min(*options_.until, scenario_.duration) : scenario_.duration);
  for (const FaultSpec& f : scenario_.faults) {
    if (f.at <= end_) last_fault_ = std::max(last_fault_, f.at);
  }
  // --until stops where it is asked to: no heal phase then.
  heal_deadline_ = options_.until ? end_ : std::max(end_, last_fault_ + scenario_.converge_within);
  cluster_ = std::make_unique<Cluster>(scenario_.cluster);
  hasher_ = std::make_unique<sim::TraceHasher>();
  invariants_ = std::make_unique<InvariantChecker>(*cluster_);
  observer_ = std::make_unique<Observer>(*this);
  sim::Simulation& sim = cluster_->sim();
  sim.trace().attach(*hasher_);
  sim.trace().attach(*invariants_);
  sim.trace().attach(*observer_);
  for (sim::TraceSink* sink : options_.sinks) sim.trace().attach(*sink);
  if (!cluster_->start()) note("error", "not every broker registered with the controller within 10 s");
  for (BrokerId b = 1; b <= cluster_->broker_count(); ++b) bootstrap_.push_back(cluster_->broker(b).id());
  create_topics();
  sim.run_for(sim::milliseconds(500));  // leaders elected, metadata published
  start_producers();
  for (const ConsumerSpec& spec : scenario_.consumers) {
    for (std::int32_t i = 0; i < spec.members; ++i) add_member(spec, i);
  }
  for (const NarrationEntry& n : scenario_.narration) timeline_.push_back(TimelineEntry{n.at, "narration", n.text});
  schedule_faults();
  sim.scheduler().schedule_at(sim.now() + kSampleEvery, [this] { sample(); });
}

ScenarioRun::~ScenarioRun() = default;

void ScenarioRun::note(const std::string& kind, const std::string& text) {
  timeline_.push_back(TimelineEntry{cluster_->sim().now(), kind, text});
}

void ScenarioRun::create_topics() {
  Controller& controller = cluster_->controller();
  std::set<std::string> created;
  for (const TopicSpec& t : scenario_.topics) {
    const ErrorCode e = controller.create_topic(t.name, t.partitions, t.replication_factor, t.config, t.assignment);
    if (e != ErrorCode::NONE) note("error", "creating " + t.name + ": " + std::string(error_name(e)));
    created.insert(t.name);
  }
  // The topics the error-handling patterns write to, as frameworks create them: one partition,
  // the replication factor of the topic they serve.
  for (const ConsumerSpec& c : scenario_.consumers) {
    if (c.processing.on_error == ErrorHandling::stop || c.processing.on_error == ErrorHandling::skip) continue;
    const std::string serving = c.topics.empty() ? c.assign.front().topic : c.topics.front();
    const auto rf = std::find_if(scenario_.topics.begin(), scenario_.topics.end(), [&](const TopicSpec& t) { return t.name == serving; })->replication_factor;
    std::vector<std::string> extra = c.processing.retry_topics;
    extra.push_back(c.processing.dead_letter_topic);
    for (const std::string& name : extra) {
      if (created.insert(name).second) controller.create_topic(name, 1, rf, TopicConfig{});
    }
  }
}

void ScenarioRun::start_producers() {
  sim::Simulation& sim = cluster_->sim();
  for (const ProducerSpec& p : scenario_.producers) {
    Producer& producer = sim.add_node<Producer>("producer:" + p.name, p.config, bootstrap_);
    sim.start(producer.id());
    producers_[p.name] = &producer;
    producer_apps_.push_back(std::make_unique<ProducerWorkload>(producer, p.workload, sim.random().stream("producer/" + p.name)));
  }
}

void ScenarioRun::add_member(const ConsumerSpec& spec, std::int32_t index) {
  sim::Simulation& sim = cluster_->sim();
  Member m;
  m.group = spec.group;
  m.name = spec.group.empty() ? "consumer:" + spec.name : "consumer:" + spec.group + "/" + std::to_string(index);
  m.spec = &spec;
  const auto changed = live_consumer_configs_.find(&spec);  // a set-config came before this member
  m.consumer = &sim.add_node<Consumer>(m.name, changed == live_consumer_configs_.end() ? spec.config : changed->second, bootstrap_);
  sim.start(m.consumer->id());
  if (spec.group.empty()) {
    m.consumer->assign(spec.assign);
  } else {
    std::vector<std::string> topics = spec.topics;
    if (spec.processing.on_error == ErrorHandling::retry_topics) {
      topics.insert(topics.end(), spec.processing.retry_topics.begin(), spec.processing.retry_topics.end());
    }
    m.consumer->subscribe(std::move(topics));
  }
  const ErrorHandling e = spec.processing.on_error;
  if (e == ErrorHandling::dead_letter || e == ErrorHandling::retry_topics || e == ErrorHandling::retry_in_place) {
    m.forwarder = &sim.add_node<Producer>("producer:" + m.name.substr(9) + "/forwarder", ProducerConfig{}, bootstrap_);
    sim.start(m.forwarder->id());
  }
  m.app = std::make_unique<ConsumerWorkload>(*m.consumer, spec.processing, sim.random().stream("app/" + m.name), m.forwarder);
  members_.push_back(std::move(m));
}

void ScenarioRun::schedule_faults() {
  for (const FaultSpec& f : scenario_.faults) {
    if (f.at > end_) continue;
    const FaultSpec* fault = &f;
    cluster_->sim().scheduler().schedule_at(std::max(f.at, cluster_->sim().now()), [this, fault] { fire(*fault); });
  }
}

bool ScenarioRun::add_fault(const FaultSpec& fault) {
  sim::Scheduler& scheduler = cluster_->sim().scheduler();
  const std::optional<sim::Time> next = scheduler.next_event_time();
  if (fault.at <= now() || fault.at > end_ || (next && *next <= fault.at)) return false;
  added_faults_.push_back(std::make_unique<FaultSpec>(fault));
  const FaultSpec* added = added_faults_.back().get();
  scheduler.schedule_at(added->at, [this, added] { fire(*added); });
  // As if the file had held it: convergence is measured from it, and nothing before it counts.
  if (added->at > last_fault_) {
    last_fault_ = added->at;
    converged_at_.reset();
    if (!options_.until) heal_deadline_ = std::max(heal_deadline_, last_fault_ + scenario_.converge_within);
  }
  return true;
}

std::optional<sim::NodeId> ScenarioRun::resolve(const std::string& target, std::string& why) {
  const ClusterView view = cluster_->view();
  const auto partition_of = [&](const std::string& text) -> const PartitionView* {
    const auto dash = text.rfind('-');
    const TopicPartition tp{text.substr(0, dash), std::stoi(text.substr(dash + 1))};
    for (const PartitionView& p : view.partitions) {
      if (p.tp == tp) return &p;
    }
    return nullptr;
  };
  if (target == "controller") return cluster_->controller().id();
  if (target.rfind("broker:", 0) == 0) return cluster_->broker(std::stoi(target.substr(7))).id();
  if (target.rfind("leader-of:", 0) == 0) {
    const PartitionView* p = partition_of(target.substr(10));
    if (p == nullptr || p->leader == kNoBroker) {
      why = target.substr(10) + " has no leader";
      return std::nullopt;
    }
    return cluster_->broker(p->leader).id();
  }
  if (target.rfind("follower-of:", 0) == 0) {
    const PartitionView* p = partition_of(target.substr(12));
    if (p != nullptr) {
      for (const BrokerId r : p->replicas) {
        if (r != p->leader) return cluster_->broker(r).id();
      }
    }
    why = target.substr(12) + " has no follower";
    return std::nullopt;
  }
  if (target.rfind("coordinator-of:", 0) == 0) {
    const std::string group = target.substr(15);
    const Broker& any = cluster_->broker(1);
    const TopicPartition tp{kOffsetsTopic, coordinator_partition(group, any.config().offsets_topic_partitions)};
    for (const PartitionView& p : view.partitions) {
      if (p.tp == tp && p.leader != kNoBroker) return cluster_->broker(p.leader).id();
    }
    why = "group " + group + " has no coordinator yet";
    return std::nullopt;
  }
  for (const Member& m : members_) {
    if (m.name == target) return m.consumer->id();
  }
  if (target.rfind("producer:", 0) == 0) {
    if (const auto it = producers_.find(target.substr(9)); it != producers_.end()) return it->second->id();
  }
  why = "no " + target + " exists at this point";
  return std::nullopt;
}

std::vector<sim::NodeId> ScenarioRun::resolve_side(const std::vector<std::string>& side,
                                                   const std::vector<sim::NodeId>& other) {
  std::vector<sim::NodeId> nodes;
  if (side.size() == 1 && side.front() == "rest") {
    const sim::Simulation& sim = cluster_->sim();
    for (std::uint32_t i = 0; i < sim.node_count(); ++i) {
      const sim::NodeId id{i};
      if (std::find(other.begin(), other.end(), id) == other.end()) nodes.push_back(id);
    }
    return nodes;
  }
  for (const std::string& t : side) {
    std::string why;
    if (const auto node = resolve(t, why)) nodes.push_back(*node);
    else note("fault", "a side of the fault names " + t + ", which resolves to nothing: " + why);
  }
  return nodes;
}

void ScenarioRun::fire(const FaultSpec& f) {
  sim::Simulation& sim = cluster_->sim();
  const sim::Time now = sim.now();
  static const std::map<std::string, sim::FaultKind> kNodeFaults{
      {"crash", sim::FaultKind::crash},     {"power-loss", sim::FaultKind::power_loss},
      {"disk-loss", sim::FaultKind::disk_loss}, {"restart", sim::FaultKind::restart},
      {"pause", sim::FaultKind::pause},     {"resume", sim::FaultKind::resume},
      {"isolate", sim::FaultKind::isolate}};
  if (const auto kind = kNodeFaults.find(f.action); kind != kNodeFaults.end()) {
    std::string why;
    const std::optional<sim::NodeId> node = resolve(f.target, why);
    if (!node) {
      note("fault", f.action + " " + f.target + " did nothing: " + why);
      return;
    }
    sim.apply(sim::FaultAction::on_node(now, kind->second, *node));
    // A standalone consumer's application assigns its partitions again when it comes back.
    if (kind->second == sim::FaultKind::restart) {
      for (Member& m : members_) {
        if (m.consumer->id() == *node && m.group.empty()) m.consumer->assign(m.spec->assign);
      }
    }
    return;
  }
  if (f.action == "partition" || f.action == "heal" || f.action == "slow-link" || f.action == "restore-link") {
    std::vector<sim::NodeId> a;
    std::vector<sim::NodeId> b;
    if (!f.between.empty()) {
      a = resolve_side(f.between[0], {});
      b = resolve_side(f.between[1], a);
    }
    sim::FaultKind kind = sim::FaultKind::heal;
    if (f.action == "partition") kind = f.one_way ? sim::FaultKind::partition_one_way : sim::FaultKind::partition;
    if (f.action == "slow-link") kind = sim::FaultKind::set_link;
    if (f.action == "restore-link") kind = sim::FaultKind::restore_link;
    sim::FaultAction action = sim::FaultAction::between(now, kind, a, b);
    action.link = f.link;
    sim.apply(action);
    return;
  }
  if (f.action == "slow") {
    for (Member& m : members_) {
      if (m.name == f.target) m.app->slow_down(now, f.factor);
    }
    note("fault", f.target + " processes " + std::to_string(static_cast<int>(f.factor)) + "x slower from now on");
    return;
  }
  if (f.action == "add-consumer") {
    for (const ConsumerSpec& spec : scenario_.consumers) {
      if (spec.group != f.group) continue;
      const auto existing = static_cast<std::int32_t>(std::count_if(members_.begin(), members_.end(), [&](const Member& m) { return m.group == f.group; }));
      for (std::int32_t i = 0; i < f.count; ++i) add_member(spec, existing + i);
      note("fault", std::to_string(f.count) + " consumer(s) join group " + f.group);
    }
    return;
  }
  if (f.action == "add-partitions") {
    const ErrorCode e = cluster_->controller().create_partitions(f.topic, f.partitions);
    note("fault", "partitions of " + f.topic + " raised to " + std::to_string(f.partitions) +
                      (e == ErrorCode::NONE ? std::string() : ": " + std::string(error_name(e))));
    return;
  }
  if (f.action == "set-config") return set_config(f);
  if (f.action == "reset-offsets") {
    const std::string what = "reset offsets of group " + f.group + " on " + f.topic + " " + std::string(offset_reset_kind_name(f.reset.kind));
    reset_group_offsets(*cluster_, f.group, f.topic, f.reset, [this, what](ErrorCode e) {
      note(e == ErrorCode::NONE ? "fault" : "error", what + (e == ErrorCode::NONE ? std::string() : ": " + std::string(error_name(e))));
    });
  }
}

namespace {

std::string config_text(const std::vector<std::pair<std::string, ConfigValue>>& configs) {
  std::string text;
  for (const auto& [key, v] : configs) {
    text += (text.empty() ? "" : ", ") + key + "=";
    switch (v.kind) {
      case ConfigValue::Kind::boolean: text += v.flag ? "true" : "false"; break;
      case ConfigValue::Kind::text: text += v.text; break;
      case ConfigValue::Kind::number: {
        std::ostringstream number;
        number << v.number;
        text += number.str();
        break;
      }
      case ConfigValue::Kind::list:
        for (std::size_t i = 0; i < v.items.size(); ++i) text += (i == 0 ? "" : ",") + v.items[i];
        break;
    }
  }
  return text;
}

// Applies checked changes (the loader refused bad ones against the starting configs).
template <typename Config, typename Apply>
Config with_changes(Config config, const std::vector<std::pair<std::string, ConfigValue>>& changes, Apply apply) {
  for (const auto& [key, value] : changes) {
    const std::string error = apply(config, key, value);
    KSIM_ASSERT(error.empty(), "a set-config change the loader accepted no longer applies");
  }
  return config;
}

}  // namespace

void ScenarioRun::set_config(const FaultSpec& f) {
  const std::string changes = config_text(f.configs);
  if (f.target.rfind("topic:", 0) == 0) {
    const std::string topic = f.target.substr(6);
    Controller& controller = cluster_->controller();
    const ErrorCode e = controller.set_topic_config(topic, with_changes(controller.topics().at(topic).config, f.configs, apply_topic_config));
    note(e == ErrorCode::NONE ? "fault" : "error", "topic " + topic + " config: " + changes +
                                                         (e == ErrorCode::NONE ? std::string() : ": " + std::string(error_name(e))));
    return;
  }
  if (f.target.rfind("producer:", 0) == 0) {
    Producer& producer = *producers_.at(f.target.substr(9));
    producer.reconfigure(with_changes(producer.config(), f.configs, apply_producer_config));
    note("fault", f.target + " config: " + changes);
    return;
  }
  for (const ConsumerSpec& spec : scenario_.consumers) {
    const bool chosen = spec.group.empty() ? f.target == "consumer:" + spec.name : f.target == "group:" + spec.group;
    if (!chosen) continue;
    const auto changed = live_consumer_configs_.find(&spec);
    const ConsumerConfig config = with_changes(changed == live_consumer_configs_.end() ? spec.config : changed->second, f.configs, apply_consumer_config);
    live_consumer_configs_[&spec] = config;
    for (Member& m : members_) {
      if (m.spec == &spec) m.consumer->reconfigure(config);
    }
  }
  note("fault", f.target + " config: " + changes);
}

void ScenarioRun::set_owner(const std::string& group, const TopicPartition& tp, sim::NodeId member, bool owns,
                            sim::Time now) {
  std::set<sim::NodeId>& owners = owners_[group][tp];
  const bool before = !owners.empty();
  if (owns) {
    owners.insert(member);
  } else {
    owners.erase(member);
  }
  const bool after = !owners.empty();
  if (before == after) return;
  if (!after) {
    unowned_since_[group][tp] = now;
    return;
  }
  // The partition has an owner again: the gap counts once the group has owned every partition
  // (the first join is not a gap).
  const auto since = unowned_since_[group].find(tp);
  if (since != unowned_since_[group].end()) {
    if (formed_.count(group) != 0U) {
      const sim::Duration gap = now - since->second;
      no_owner_[group][tp] += gap;
      max_no_owner_gap_[group] = std::max(max_no_owner_gap_[group], gap);
    }
    unowned_since_[group].erase(since);
  }
  if (formed_.count(group) == 0U) {
    std::size_t partitions = 0;
    for (const ConsumerSpec& spec : scenario_.consumers) {
      if (spec.group != group) continue;
      for (const std::string& topic : spec.topics) {
        const auto found = cluster_->controller().topics().find(topic);
        if (found != cluster_->controller().topics().end()) partitions += found->second.partitions.size();
      }
    }
    std::size_t owned = 0;
    for (const auto& [p, set] : owners_[group]) owned += set.empty() ? 0U : 1U;
    if (owned >= partitions) formed_.insert(group);
  }
}

void ScenarioRun::member_stopped(sim::NodeId node, sim::Time now) {
  for (auto& [group, partitions] : owners_) {
    for (auto& [tp, owners] : partitions) {
      if (owners.count(node) != 0U) set_owner(group, tp, node, false, now);
    }
  }
}

void ScenarioRun::sample() {
  sim::Simulation& sim = cluster_->sim();
  // Partitions without a live leader.
  for (const auto& [name, topic] : cluster_->controller().topics()) {
    if (name == kOffsetsTopic) continue;
    for (const PartitionState& p : topic.partitions) {
      const bool live = p.leader != kNoBroker && cluster_->broker(p.leader).running();
      if (!live) unavailable_[p.tp] += kSampleEvery;
    }
  }
  // Lag, once a second.
  if (sim.now() - last_lag_sample_ >= kLagSampleEvery) {
    last_lag_sample_ = sim.now();
    for (const ConsumerSpec& spec : scenario_.consumers) {
      if (spec.group.empty()) continue;
      if (const auto view = describe_group(*cluster_, spec.group)) {
        std::int64_t lag = 0;
        for (const GroupPartitionRow& row : view->partitions) lag += row.lag.value_or(0);
        max_lag_[spec.group] = std::max(max_lag_[spec.group], lag);
      }
    }
  }
  if (options_.series != nullptr && sim.now() - last_series_point_ >= options_.series->every) {
    last_series_point_ = sim.now();
    record_series_point();
  }
  // Converged means healed from some moment after the last fault until the end: a relapse (a
  // consumer falling behind again, an ISR shrinking) starts the clock over.
  if (sim.now() >= last_fault_) {
    if (!healed()) {
      converged_at_.reset();
    } else if (!converged_at_) {
      converged_at_ = sim.now();
      if (sim.now() > end_) note("heal", "converged " + sim::format_duration(sim.now() - last_fault_) + " after the last fault");
    }
  }
  if (sim.now() + kSampleEvery <= heal_deadline_) sim.scheduler().schedule_after(kSampleEvery, [this] { sample(); });
}

bool ScenarioRun::caught_up(const Consumer& consumer, const TopicPartition& tp) const {
  const PartitionState* state = cluster_->controller().partition(tp);
  if (state == nullptr || state->leader == kNoBroker) return false;
  const Partition* leader = cluster_->broker(state->leader).partition(tp);
  const std::optional<Offset> position = consumer.position(tp);
  return leader != nullptr && position &&
         leader->log().high_watermark() - *position <= consumer.config().max_poll_records;
}

bool ScenarioRun::healed() const {
  for (const auto& [name, topic] : cluster_->controller().topics()) {
    if (name == kOffsetsTopic) continue;
    for (const PartitionState& p : topic.partitions) {
      if (p.leader == kNoBroker || !cluster_->broker(p.leader).running() || p.isr.size() != p.replicas.size()) return false;
      // In the ISR is not enough: a replica that kept its place through a restart on an empty
      // disk has yet to refetch. Every replica must hold what the leader has committed.
      const Partition* leader = cluster_->broker(p.leader).partition(p.tp);
      for (const BrokerId b : p.replicas) {
        const Partition* replica = cluster_->broker(b).running() ? cluster_->broker(b).partition(p.tp) : nullptr;
        if (leader == nullptr || replica == nullptr || replica->log().log_end_offset() < leader->log().high_watermark()) return false;
      }
    }
  }
  for (const ConsumerSpec& spec : scenario_.consumers) {
    if (spec.group.empty()) {
      for (const Member& m : members_) {
        if (m.spec != &spec) continue;
        if (!m.consumer->running()) return false;
        for (const TopicPartition& tp : spec.assign) {
          if (!caught_up(*m.consumer, tp)) return false;
        }
      }
      continue;
    }
    const auto owners = owners_.find(spec.group);
    for (const std::string& topic : spec.topics) {
      for (const PartitionState& p : cluster_->controller().topics().at(topic).partitions) {
        const std::set<sim::NodeId>* owner = nullptr;
        if (owners != owners_.end()) {
          const auto it = owners->second.find(p.tp);
          if (it != owners->second.end() && !it->second.empty()) owner = &it->second;
        }
        if (owner == nullptr) return false;
        const auto member = std::find_if(members_.begin(), members_.end(), [&](const Member& m) { return m.consumer->id() == *owner->begin(); });
        if (member == members_.end() || !caught_up(*member->consumer, p.tp)) return false;
      }
    }
  }
  return true;
}

void ScenarioRun::run_until(sim::Time t) { cluster_->sim().run_until(std::min(t, end_)); }

bool ScenarioRun::step_event() {
  sim::Scheduler& scheduler = cluster_->sim().scheduler();
  const std::optional<sim::Time> next = scheduler.next_event_time();
  if (!next || *next > end_) return false;
  return scheduler.step();
}

std::size_t ScenarioRun::timeline_count_until(sim::Time t) const {
  return static_cast<std::size_t>(
      std::count_if(timeline_.begin(), timeline_.end(), [t](const TimelineEntry& e) { return e.at <= t; }));
}

std::vector<TimelineEntry> ScenarioRun::timeline_until(sim::Time t) const {
  std::vector<TimelineEntry> out;
  for (const TimelineEntry& e : timeline_) {
    if (e.at <= t) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return out;
}

RunResult ScenarioRun::run_to_end() {
  sim::Simulation& sim = cluster_->sim();
  sim.run_until(end_);
  if (!converged_at_ && heal_deadline_ > end_) {
    // The heal phase: no more faults; producers and consumers go on as their specs say.
    note("heal", "not converged at the end: running on for up to " + sim::format_duration(heal_deadline_ - end_));
    while (!converged_at_ && sim.now() < heal_deadline_) sim.run_until(std::min(sim.now() + sim::milliseconds(100), heal_deadline_));
  }
  if (!converged_at_) {
    note("heal", "did not converge within " + sim::format_duration(scenario_.converge_within) + " of the last fault");
  }
  RunResult r;
  r.scenario = scenario_.name;
  r.file = scenario_.file;
  r.seed = scenario_.seed;
  r.trace_hash = hasher_->hash();
  r.events = hasher_->events();
  r.ended = cluster_->sim().now();
  r.figures = figures();
  r.expectations = check_expectations(scenario_.expect, r.figures);
  std::stable_sort(timeline_.begin(), timeline_.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  r.timeline = timeline_;
  return r;
}

std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& expectations, const Figures& figures) {
  std::vector<ExpectationResult> out;
  for (const Expectation& e : expectations) {
    ExpectationResult r;
    r.expr = e.text;
    r.passed = expectation_holds(e, figures, r.actual);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RunResult> run_scenario_file(const std::string& path, const std::optional<std::string>& variant,
                                         const RunOptions& options) {
  std::vector<RunResult> results;
  const Scenario base = load_scenario(path);
  std::vector<std::optional<std::string>> runs;
  if (variant) {
    runs.emplace_back(variant);
  } else {
    runs.emplace_back(std::nullopt);
    for (const std::string& name : base.variant_names) runs.emplace_back(name);
  }
  for (const std::optional<std::string>& v : runs) {
    ScenarioRun run(v ? load_scenario(path, v) : base, options);
    RunResult r = run.run_to_end();
    r.variant = v.value_or("");
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace ksim::core
