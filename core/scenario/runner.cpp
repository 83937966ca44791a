#include "core/scenario/runner.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/cluster/group_admin.hpp"
#include "core/group/coordinator_partition.hpp"
#include "core/scenario/loader.hpp"

namespace ksim::core {
namespace {

// The internal offsets topic's fifty partitions would drown the story; the groups' own events
// tell what matters about coordinators.
bool internal(const TopicPartition& tp) { return tp.topic.rfind(kOffsetsTopic, 0) == 0; }

}  // namespace

bool RunResult::passed() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const ExpectationResult& e) { return e.passed; });
}

// Follows the run's events for the report's timeline, the rebalance counts and partition ownership.
class ScenarioRun::Observer final : public KafkaObserver {
 public:
  explicit Observer(ScenarioRun& run) : run_(run) {}
  using KafkaObserver::on;

  void on(const EventStamp& s, const sim::FaultApplied& e) override {
    std::string where;
    if (sim::fault_needs_target(e.action.kind)) {
      where = " " + name(e.action.target);
    } else if (e.side_a.empty() && e.side_b.empty()) {
      where = " (every cut)";
    } else {
      where = " between " + std::string(e.side_a) + " and " + std::string(e.side_b);
    }
    add(s, "fault", std::string(sim::fault_kind_name(e.action.kind)) + where);
  }
  void on(const EventStamp& s, const LeaderElected& e) override {
    const PartitionState& p = e.state;
    if (internal(p.tp)) return;
    add(s, "election", p.tp.str() + ": broker " + to_string(p.leader) + " elected leader (" +
                           std::string(election_kind_name(e.kind)) + "), epoch " + to_string(p.leader_epoch) +
                           ", ISR [" + join_broker_ids(p.isr) + "]");
  }
  void on(const EventStamp& s, const PartitionWentOffline& e) override {
    if (internal(e.state.tp)) return;
    add(s, "election", e.state.tp.str() + " is offline: no in-sync replica is alive");
  }
  void on(const EventStamp& s, const IsrChanged& e) override {
    if (internal(e.state.tp)) return;
    add(s, "isr", e.state.tp.str() + ": ISR now [" + join_broker_ids(e.state.isr) + "]");
  }
  void on(const EventStamp& s, const LogTruncated& e) override {
    if (internal(e.tp)) return;
    add(s, "truncation", name(s.node) + " truncated " + e.tp.str() + " (" + std::string(e.reason) + ")");
  }
  void on(const EventStamp& s, const ConsumerTruncationDetected& e) override {
    std::string text = name(s.node) + ": truncation detected on " + e.tp.str() + " at offset " + std::to_string(e.position.value());
    if (!e.reset) {
      text += ", no reset policy: the partition stops (LogTruncationException)";
    } else if (e.end_offset >= 0) {
      text += ", resuming at " + std::to_string(e.end_offset.value());
    } else {
      text += ", resetting per auto.offset.reset";
    }
    add(s, "truncation", std::move(text));
  }
  void on(const EventStamp& s, const BrokerFenced& e) override {
    add(s, "fault", "controller fenced broker " + to_string(e.broker));
  }
  void on(const EventStamp& s, const ControllerActivated& e) override {
    add(s, "quorum", name(s.node) + " (node.id " + to_string(e.controller) + ") is the active controller, epoch " +
                         std::to_string(e.epoch.value()));
  }
  void on(const EventStamp& s, const ControllerDeactivated&) override {
    add(s, "quorum", name(s.node) + " is no longer the active controller");
  }
  void on(const EventStamp& s, const GroupGenerationPersisted& e) override {
    const std::string group(e.group);
    if (e.state == GroupState::stable) ++run_.rebalances_[group];
    add(s, "rebalance", "group " + group + " generation " + std::to_string(e.generation) + ": " +
                            std::string(group_state_name(e.state)) + ", " + std::to_string(e.members) + " members, " +
                            std::string(e.protocol));
  }
  void on(const EventStamp& s, const ConsumerGroupTargetComputed& e) override {
    const std::string group(e.group);
    if (e.members > 0) ++run_.rebalances_[group];
    add(s, "rebalance", "group " + group + " epoch " + std::to_string(e.epoch) + ": target assignment by " +
                            std::string(e.assignor) + " for " + std::to_string(e.members) + " members");
  }
  void on(const EventStamp& s, const ConsumerGroupMemberReconciled& e) override {
    std::string text = "group " + std::string(e.group) + ": member " + std::string(e.member) + " at epoch " +
                       std::to_string(e.epoch) + ", " + std::string(e.state) + ", owns " + std::to_string(e.assigned);
    if (e.pending_revocation > 0) text += ", must revoke " + std::to_string(e.pending_revocation);
    add(s, "rebalance", std::move(text));
  }
  void on(const EventStamp& s, const JoinFailed& e) override {
    // Fatal for the Java application (INCONSISTENT_GROUP_PROTOCOL, FENCED_INSTANCE_ID,
    // UNRELEASED_INSTANCE_ID, ...): the member stays out of the group.
    add(s, "error", name(s.node) + " cannot join group " + std::string(e.group) + ": " + std::string(error_name(e.error)) +
                        " (fatal for the application; it stays out of the group)");
  }
  void on(const EventStamp& s, const LeftGroup& e) override {
    add(s, "rebalance", name(s.node) + " left group " + std::string(e.group) + ": " + std::string(e.reason));
  }
  void on(const EventStamp& s, const GroupMemberExpired& e) override {
    add(s, "rebalance", "group " + std::string(e.group) + ": member " + std::string(e.member) + " expired (session timeout)");
  }
  void on(const EventStamp& s, const CommitCompleted& e) override {
    if (e.outcome == CommitOutcome::committed) return;
    add(s, "error", name(s.node) + ": commit " + std::string(commit_outcome_name(e.outcome)) + " (generation " +
                        std::to_string(e.generation) + ")");
  }
  void on(const EventStamp& s, const SubscribedPartitionsChanged& e) override {
    add(s, "rebalance", name(s.node) + " sees " + std::string(e.topic) + " grow from " + std::to_string(e.from) +
                            " to " + std::to_string(e.to) + " partitions: it rejoins to assign them");
  }
  void on(const EventStamp& s, const PartitionsOwnershipChanged& e) override {
    if (e.change == OwnershipChange::lost) add(s, "rebalance", name(s.node) + " lost " + join_partitions(e.partitions));
  }

 private:
  std::string name(sim::NodeId node) const { return run_.cluster_->sim().node_name(node); }
  void add(const EventStamp& s, const char* category, std::string text) {
    run_.timeline_.push_back(TimelineEntry{s.time, category, std::move(text)});
  }

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
  ownership_ = std::make_unique<OwnershipTracker>([this](const std::string& group) { return subscribed_partitions(group); });
  observer_ = std::make_unique<Observer>(*this);
  std::vector<std::string> topics;
  for (const TopicSpec& t : scenario_.topics) topics.push_back(t.name);
  std::set<std::string> read_topics;
  for (const ConsumerSpec& c : scenario_.consumers) {
    read_topics.insert(c.topics.begin(), c.topics.end());
    for (const TopicPartition& tp : c.assign) read_topics.insert(tp.topic);
  }
  histories_ = std::make_unique<HistoryCheckers>(*cluster_, std::move(topics), std::move(read_topics));
  sim::Simulation& sim = cluster_->sim();
  sim.trace().attach(*hasher_);
  for (sim::TraceSink* sink : options_.sinks) sim.trace().attach(*sink);
  cluster_->events().attach(*invariants_);
  cluster_->events().attach(*ownership_);
  cluster_->events().attach(*observer_);
  cluster_->events().attach(histories_->observer());
  for (KafkaObserver* observer : options_.observers) cluster_->events().attach(*observer);
  if (!cluster_->start()) note("error", "not every broker registered with the controller within 10 s");
  for (BrokerId b = 1; b <= cluster_->broker_count(); ++b) bootstrap_.push_back(cluster_->broker(b).id());
  create_topics();
  sim.run_for(sim::milliseconds(500));  // leaders elected, metadata published
  start_producers();
  for (const ConsumerSpec& spec : scenario_.consumers) {
    for (std::int32_t i = 0; i < spec.members; ++i) add_member(spec, i);
  }
  for (const NarrationEntry& n : scenario_.narration) timeline_.push_back(TimelineEntry{n.at, "narration", n.text});
  for (const ConsumerSpec& spec : scenario_.consumers) {
    if (!spec.group.empty()) groups_.push_back(spec.group);
  }
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
    Producer& producer = cluster_->add_node<Producer>("producer:" + p.name, p.config, bootstrap_);
    sim.start(producer.id());
    producers_[p.name] = &producer;
    histories_->add_producer(producer);
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
  m.consumer = &cluster_->add_node<Consumer>(m.name, changed == live_consumer_configs_.end() ? spec.config : changed->second, bootstrap_);
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
    m.forwarder = &cluster_->add_node<Producer>("producer:" + m.name.substr(9) + "/forwarder", ProducerConfig{}, bootstrap_);
    sim.start(m.forwarder->id());
  }
  m.app = std::make_unique<ConsumerWorkload>(*m.consumer, spec.processing, sim.random().stream("app/" + m.name), m.forwarder);
  histories_->group(spec.group.empty() ? spec.name : spec.group).add_member(*m.app);
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
    const std::optional<TopicPartition> tp = parse_topic_partition(text);  // the loader checked it
    for (const PartitionView& p : view.partitions) {
      if (p.tp == tp) return &p;
    }
    return nullptr;
  };
  if (target == "controller") {
    const Controller* active = cluster_->active_controller();
    if (active == nullptr) {
      why = "no controller is active";
      return std::nullopt;
    }
    return active->id();
  }
  if (target == "standby-controller") {
    for (const Controller* c : cluster_->controllers()) {
      if (c->running() && !c->active()) return c->id();
    }
    why = "no controller is standing by";
    return std::nullopt;
  }
  if (target.rfind("controller:", 0) == 0) return cluster_->controller(std::stoi(target.substr(11))).id();
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
  if (const std::optional<sim::FaultKind> kind = node_fault(f.type)) {
    std::string why;
    const std::optional<sim::NodeId> node = resolve(f.target, why);
    if (!node) {
      note("fault", std::string(fault_type_name(f.type)) + " " + f.target + " did nothing: " + why);
      return;
    }
    sim.apply(sim::FaultAction::on_node(now, *kind, *node));
    // A standalone consumer's application assigns its partitions again when it comes back.
    if (*kind == sim::FaultKind::restart) {
      for (Member& m : members_) {
        if (m.consumer->id() == *node && m.group.empty()) m.consumer->assign(m.spec->assign);
      }
    }
    return;
  }
  if (between_sides(f.type)) {
    std::vector<sim::NodeId> a;
    std::vector<sim::NodeId> b;
    if (!f.between.empty()) {
      a = resolve_side(f.between[0], {});
      b = resolve_side(f.between[1], a);
    }
    sim::FaultKind kind = sim::FaultKind::heal;
    if (f.type == FaultType::partition) kind = f.one_way ? sim::FaultKind::partition_one_way : sim::FaultKind::partition;
    if (f.type == FaultType::slow_link) kind = sim::FaultKind::set_link;
    if (f.type == FaultType::restore_link) kind = sim::FaultKind::restore_link;
    sim::FaultAction action = sim::FaultAction::between(now, kind, a, b);
    action.link = f.link;
    sim.apply(action);
    return;
  }
  if (f.type == FaultType::stop) {
    std::string why;
    const std::optional<sim::NodeId> node = resolve(f.target, why);
    const BrokerId id = node ? cluster_->broker_of(*node) : kNoBroker;
    if (id == kNoBroker) {
      note("fault", "stop " + f.target + " did nothing: " + (node ? "it is not a broker" : why));
      return;
    }
    Broker& broker = cluster_->broker(id);
    if (!broker.running()) {
      note("fault", "stop " + f.target + " did nothing: the broker is not running");
      return;
    }
    broker.shut_down();
    return;
  }
  if (f.type == FaultType::slow) {
    for (Member& m : members_) {
      if (m.name == f.target) m.app->slow_down(now, f.factor);
    }
    note("fault", f.target + " processes " + std::to_string(static_cast<int>(f.factor)) + "x slower from now on");
    return;
  }
  if (f.type == FaultType::add_consumer) {
    for (const ConsumerSpec& spec : scenario_.consumers) {
      if (spec.group != f.group) continue;
      const auto existing = static_cast<std::int32_t>(std::count_if(members_.begin(), members_.end(), [&](const Member& m) { return m.group == f.group; }));
      for (std::int32_t i = 0; i < f.count; ++i) add_member(spec, existing + i);
      note("fault", std::to_string(f.count) + " consumer(s) join group " + f.group);
    }
    return;
  }
  if (f.type == FaultType::add_partitions) {
    const ErrorCode e = cluster_->controller().create_partitions(f.topic, f.partitions);
    note("fault", "partitions of " + f.topic + " raised to " + std::to_string(f.partitions) +
                      (e == ErrorCode::NONE ? std::string() : ": " + std::string(error_name(e))));
    return;
  }
  if (f.type == FaultType::set_config) return set_config(f);
  if (f.type == FaultType::reset_offsets) {
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
    const ErrorCode e = controller.set_topic_config(topic, with_changes(controller.image().topics().at(topic).config, f.configs, apply_topic_config));
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

std::size_t ScenarioRun::subscribed_partitions(const std::string& group) const {
  std::size_t partitions = 0;
  for (const ConsumerSpec& spec : scenario_.consumers) {
    if (spec.group != group) continue;
    for (const std::string& topic : spec.topics) {
      const auto found = cluster_->controller().image().topics().find(topic);
      if (found != cluster_->controller().image().topics().end()) partitions += found->second.partitions.size();
    }
  }
  return partitions;
}

void ScenarioRun::sample() {
  sim::Simulation& sim = cluster_->sim();
  availability_.sample(*cluster_);
  quorum_.sample(*cluster_);
  lag_.maybe_sample(*cluster_, sim.now(), groups_);
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
  // The clients too: a producer holding a record longer than request.timeout.ms is stuck.
  const sim::Time now = cluster_->sim().now();
  for (const auto& [name, producer] : producers_) {
    const std::optional<sim::Time> oldest = producer->oldest_pending();
    if (oldest && now - *oldest > producer->config().request_timeout) return false;
  }
  for (const auto& [name, topic] : cluster_->controller().image().topics()) {
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
    for (const std::string& topic : spec.topics) {
      for (const PartitionState& p : cluster_->controller().image().topics().at(topic).partitions) {
        const std::set<sim::NodeId>& owners = ownership_->owners(spec.group, p.tp);
        if (owners.empty()) return false;
        const auto member = std::find_if(members_.begin(), members_.end(), [&](const Member& m) { return m.consumer->id() == *owners.begin(); });
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
