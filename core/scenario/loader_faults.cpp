// Reading the fault timeline: actions, their fields, and targets checked for form now and
// resolved by the runner when the fault fires.
#include <algorithm>

#include "core/scenario/loader_node.hpp"

namespace ksim::core::scenario_detail {
namespace {

// Targets are checked for form (and for names that exist) now, resolved when the fault fires.
void check_target(const Scenario& s, const Node& n) {
  const std::string t = n.string();
  const auto after = [&](const char* prefix) { return t.substr(std::string(prefix).size()); };
  if (t == "controller" || t == "standby-controller") return;
  // KIND:N, numbered from 1 to `count` (brokers, controllers).
  const auto numbered = [&](const std::string& kind, std::int32_t count) {
    const std::string id = after((kind + ":").c_str());
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 4 ||
        std::stoi(id) < 1 || std::stoi(id) > count) {
      n.fail("\"" + t + "\": " + kind + "s are " + kind + ":1 to " + kind + ":" + std::to_string(count));
    }
  };
  if (t.rfind("controller:", 0) == 0) return numbered("controller", s.cluster.controllers);
  if (t.rfind("broker:", 0) == 0) return numbered("broker", s.cluster.brokers);
  if (t.rfind("leader-of:", 0) == 0 || t.rfind("follower-of:", 0) == 0) {
    const Json probe = after(t.rfind("leader-of:", 0) == 0 ? "leader-of:" : "follower-of:");
    const TopicPartition tp = read_partition(Node(probe, n.path(), *current_file));
    const TopicSpec* topic = find_topic(s, tp.topic);
    if (topic == nullptr || tp.partition >= topic->partitions) n.fail("\"" + t + "\": partition " + tp.str() + " does not exist");
    return;
  }
  if (t.rfind("coordinator-of:", 0) == 0) {
    const std::string group = after("coordinator-of:");
    if (std::none_of(s.consumers.begin(), s.consumers.end(), [&](const ConsumerSpec& c) { return c.group == group; })) {
      n.fail("\"" + t + "\": no consumer group \"" + group + "\" is defined");
    }
    return;
  }
  if (t.rfind("consumer:", 0) == 0) {
    const std::string rest = after("consumer:");
    const auto slash = rest.find('/');
    for (const ConsumerSpec& c : s.consumers) {
      if (slash == std::string::npos && c.group.empty() && c.name == rest) return;
      if (slash != std::string::npos && c.group == rest.substr(0, slash)) {
        const std::string index = rest.substr(slash + 1);
        if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos && index.size() < 5) return;
      }
    }
    n.fail("\"" + t + "\": name a member as consumer:GROUP/I (I from 0) or a standalone consumer as consumer:NAME");
  }
  if (t.rfind("producer:", 0) == 0) {
    const std::string name = after("producer:");
    if (std::any_of(s.producers.begin(), s.producers.end(), [&](const ProducerSpec& p) { return p.name == name; })) return;
    n.fail("\"" + t + "\": no producer \"" + name + "\" is defined");
  }
  n.fail("\"" + t + "\" is not a target; use broker:N, leader-of:T-P, follower-of:T-P, controller, standby-controller, controller:N, "
         "coordinator-of:GROUP, consumer:GROUP/I, consumer:NAME or producer:NAME");
}

// The keys a running consumer cannot change: they define its membership.
bool fixed_consumer_key(std::string_view key) {
  return key == "group.id" || key == "group.instance.id" || key == "partition.assignment.strategy" ||
         key == "enable.auto.commit" || key == "group.protocol" || key == "group.remote.assignor";
}

// set-config: the target names whose configs change (topic:T, producer:NAME, group:G for every
// member of a group, consumer:NAME for a standalone consumer); every key is checked now by
// applying the changes, in file order, to the target's starting configs.
void read_set_config(const Scenario& s, const Node& n, FaultSpec& f) {
  const Node target = n.at("target");
  f.target = target.string();
  const Node section = n.at("config");
  if (!section.json().is_object() || section.json().empty()) {
    section.fail("must be an object of Kafka configs to change, e.g. {\"min.insync.replicas\": 2}");
  }
  std::vector<std::pair<std::string, Node>> entries;
  for (const auto& [key, value] : section.json().items()) {
    const Node entry(value, section.path() + "." + key, *current_file);
    f.configs.emplace_back(key, config_value(entry));
    entries.emplace_back(key, entry);
  }
  const auto apply_all = [&](auto& config, auto apply) {
    for (const auto& [key, entry] : entries) {
      const std::string error = apply(config, key, config_value(entry));
      if (!error.empty()) entry.fail(error);
    }
  };
  const auto after = [&](const char* prefix) { return f.target.substr(std::string(prefix).size()); };
  if (f.target.rfind("topic:", 0) == 0) {
    const TopicSpec* topic = find_topic(s, after("topic:"));
    if (topic == nullptr) target.fail("\"" + f.target + "\": no topic \"" + after("topic:") + "\" is defined");
    TopicConfig config = topic->config;
    apply_all(config, apply_topic_config);
    if (config.min_insync_replicas > topic->replication_factor) {
      section.fail("min.insync.replicas (" + std::to_string(config.min_insync_replicas) + ") is above the topic's replication factor (" +
                   std::to_string(topic->replication_factor) + "): every acks=all write would fail");
    }
    return;
  }
  if (f.target.rfind("producer:", 0) == 0) {
    check_target(s, target);
    const auto producer = std::find_if(s.producers.begin(), s.producers.end(), [&](const ProducerSpec& p) { return p.name == after("producer:"); });
    ProducerConfig config = producer->config;
    apply_all(config, apply_producer_config);
    if (const IdempotenceDecision d = decide_idempotence(config); !d.error.empty()) section.fail(d.error);
    return;
  }
  const ConsumerSpec* consumer = nullptr;
  for (const ConsumerSpec& c : s.consumers) {
    if ((f.target == "group:" + c.group && !c.group.empty()) || (c.group.empty() && f.target == "consumer:" + c.name)) consumer = &c;
  }
  if (consumer == nullptr) {
    target.fail("\"" + f.target + "\": set-config takes topic:T, producer:NAME, group:G (every member) or consumer:NAME "
                "(a standalone consumer), naming one the file defines");
  }
  for (const auto& [key, entry] : entries) {
    if (fixed_consumer_key(key)) entry.fail(key + " cannot change in a running consumer (it defines its group membership)");
  }
  ConsumerConfig config = consumer->config;
  apply_all(config, apply_consumer_config);
}

}  // namespace

void read_faults(const Node& list, Scenario& s) {
  for (const Node& n : list.array()) {
    n.section("fault");
    FaultSpec f;
    f.where = n.path();
    f.at = n.at("at").instant();
    if (f.at > sim::Time::zero() + s.duration) n.at("at").fail("comes after the end of the run (" + sim::format_duration(s.duration) + ")");
    const std::string action = n.at("do").string();
    const std::optional<FaultType> type = parse_fault_type(action);
    if (!type) {
      const std::string suggestion = did_you_mean(action, fault_type_names());
      n.at("do").fail("\"" + action + "\" is not a fault" +
                      (suggestion.empty() ? "; see docs/scenario-format.md" : "; did you mean \"" + suggestion + "\"?"));
    }
    f.type = *type;
    if (names_target(f.type)) {
      check_target(s, n.at("target"));
      f.target = n.at("target").string();
    }
    if (f.type == FaultType::slow && f.target.rfind("consumer:", 0) != 0) n.at("target").fail("slow applies to a consumer");
    if (f.type == FaultType::stop && (f.target.rfind("consumer:", 0) == 0 || f.target.rfind("producer:", 0) == 0 ||
                                      f.target.find("controller") != std::string::npos)) {
      n.at("target").fail("stop shuts a broker down cleanly: name broker:N, leader-of:T-P or follower-of:T-P "
                          "(a crash or power-loss stops other nodes)");
    }
    if (between_sides(f.type) && (f.type != FaultType::heal || n.has("between"))) {
      const std::vector<Node> sides = n.at("between").array();
      if (sides.size() != 2) n.at("between").fail("must be two sides: [[targets], [targets]] (the second may be \"rest\")");
      for (std::size_t i = 0; i < 2; ++i) {
        std::vector<std::string> side;
        if (i == 1 && sides[1].json().is_string()) {
          if (sides[1].string() != "rest") sides[1].fail("the second side is a list of targets or \"rest\"");
          side.push_back("rest");
        } else {
          for (const Node& t : sides[i].array()) {
            check_target(s, t);
            side.push_back(t.string());
          }
          if (side.empty()) sides[i].fail("must name at least one target");
        }
        f.between.push_back(std::move(side));
      }
    }
    if (n.has("one_way")) f.one_way = n.at("one_way").boolean();
    if (f.type == FaultType::slow_link) {
      f.link = read_link(n, s.cluster.network);
    }
    if (f.type == FaultType::slow) f.factor = n.at("factor").number(1, 1'000'000);
    if (f.type == FaultType::add_consumer) {
      f.group = n.at("group").string();
      if (std::none_of(s.consumers.begin(), s.consumers.end(), [&](const ConsumerSpec& c) { return c.group == f.group; })) {
        n.at("group").fail("no consumer group \"" + f.group + "\" is defined");
      }
      if (n.has("count")) f.count = static_cast<std::int32_t>(n.at("count").integer(1, 1000));
    }
    if (f.type == FaultType::add_partitions) {
      require_topic(s, n.at("topic"));
      f.topic = n.at("topic").string();
      f.partitions = static_cast<std::int32_t>(n.at("partitions").integer(1, 10'000));
      if (f.partitions <= find_topic(s, f.topic)->partitions) n.at("partitions").fail("must be more than the topic has now (partitions only grow)");
    }
    if (f.type == FaultType::set_config) read_set_config(s, n, f);
    if (f.type == FaultType::reset_offsets) {
      f.group = n.at("group").string();
      require_topic(s, n.at("topic"));
      f.topic = n.at("topic").string();
      const std::string to = n.at("to").string();
      if (to == "earliest") f.reset.kind = OffsetResetKind::to_earliest;
      else if (to == "latest") f.reset.kind = OffsetResetKind::to_latest;
      else if (to.rfind("shift:", 0) == 0) {
        f.reset.kind = OffsetResetKind::shift_by;
        try {
          f.reset.shift = std::stoll(to.substr(6));
        } catch (const std::exception&) {
          n.at("to").fail("shift:N needs a whole number, e.g. shift:-100");
        }
      } else if (to.rfind("time:", 0) == 0) {
        f.reset.kind = OffsetResetKind::to_datetime;
        f.reset.datetime = Node(Json(to.substr(5)), n.path() + ".to", *current_file).instant();
      } else {
        n.at("to").fail("must be earliest, latest, shift:N or time:T");
      }
    }
    s.faults.push_back(std::move(f));
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
}

}  // namespace ksim::core::scenario_detail
