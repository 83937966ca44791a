#include "core/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/scenario/loader_node.hpp"
#include "core/scenario/figures.hpp"

namespace ksim::core {
namespace {

using namespace scenario_detail;
using Json = scenario_detail::Json;

constexpr std::size_t kMaxFileBytes = 4U << 20U;
constexpr int kMaxDepth = 32;

// --- raw text checks before the JSON parser sees it ---------------------------------------------

void check_shape(const std::string& text, const std::string& file) {
  if (text.size() > kMaxFileBytes) {
    throw ScenarioError(file + ": is " + std::to_string(text.size()) + " bytes; a scenario file is at most 4 MiB");
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) {
        throw ScenarioError(file + ": nests deeper than " + std::to_string(kMaxDepth) + " levels; a scenario needs a handful");
      }
    }
    if (c == '}' || c == ']') --depth;
  }
}

// --- variants: a patch merged into the document -------------------------------------------------

std::string element_name(const Json& j) {
  if (!j.is_object()) return {};
  if (j.contains("name") && j["name"].is_string()) return j["name"].get<std::string>();
  if (j.contains("group") && j["group"].is_string()) return j["group"].get<std::string>();
  return {};
}

// Objects merge key by key, and a key patched to null is removed (as a JSON Merge Patch, RFC
// 7386, does); lists of named objects merge element by element (by "name" or "group"), new names
// are appended; anything else, an empty list included, is replaced.
void merge(Json& target, const Json& patch) {
  if (patch.is_object() && target.is_object()) {
    for (const auto& [key, value] : patch.items()) {
      if (value.is_null()) {
        target.erase(key);
      } else if (target.contains(key)) {
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    }
    return;
  }
  if (patch.is_array() && target.is_array() && !patch.empty() &&
      std::all_of(patch.begin(), patch.end(), [](const Json& e) { return !element_name(e).empty(); })) {
    for (const Json& element : patch) {
      const std::string name = element_name(element);
      auto it = std::find_if(target.begin(), target.end(), [&](const Json& t) { return element_name(t) == name; });
      if (it == target.end()) {
        target.push_back(element);
      } else {
        merge(*it, element);
      }
    }
    return;
  }
  target = patch;
}

// A patch is merged into the document: it must be an object of the document's own top-level
// keys ("variants" aside: a variant cannot define variants). Anything else would replace the
// whole document (found by the fuzz target: a list where the object belongs).
void check_patch(const Node& patch) {
  std::vector<std::string> keys = scenario_section_keys("scenario");
  keys.erase(std::remove(keys.begin(), keys.end(), "variants"), keys.end());
  if (!patch.json().is_object()) {
    patch.fail("must be an object of the scenario's keys to change, e.g. {\"producers\": [{\"name\": \"p\", "
               "\"config\": {\"acks\": \"all\"}}]}");
  }
  patch.object(keys);
}

// --- sections -----------------------------------------------------------------------------------

template <typename Config, typename Apply>
void read_config(const Node& parent, Config& config, Apply apply) {
  if (!parent.has("config")) return;
  const Node section = parent.at("config");
  if (!section.json().is_object()) section.fail("must be an object of Kafka configs, e.g. {\"acks\": \"all\"}");
  for (const auto& [key, value] : section.json().items()) {
    const Node entry(value, section.path() + "." + key, *current_file);
    const std::string error = apply(config, key, config_value(entry));
    if (!error.empty()) entry.fail(error);
  }
}



void read_cluster(const Node& n, Scenario& s) {
  n.section("cluster");
  s.cluster.brokers = static_cast<std::int32_t>(n.at("brokers").integer(1, 100));
  if (n.has("controllers")) {
    const Node c = n.at("controllers");
    s.cluster.controllers = static_cast<std::int32_t>(c.integer(1, 5));
    if (s.cluster.controllers % 2 == 0) c.fail("must be 1, 3 or 5: a quorum of an even size tolerates no more failures than the odd size below it");
  }
  if (n.has("racks")) {
    for (const Node& r : n.at("racks").array()) s.cluster.racks.push_back(r.string());
    if (static_cast<std::int32_t>(s.cluster.racks.size()) != s.cluster.brokers) {
      n.at("racks").fail("must name one rack per broker (" + std::to_string(s.cluster.brokers) + ")");
    }
  }
  if (n.has("network")) {
    const Node net = n.at("network");
    net.section("network");
    s.cluster.network = read_link(net, s.cluster.network);
  }
  read_config(n, s.cluster, [](ClusterSpec& c, std::string_view key, const ConfigValue& value) {
    return apply_cluster_config(c.broker, c.quorum, key, value);
  });
  // controller.quorum.voters, when given, says how many controllers there are; ksim numbers
  // them from node.id 1001, so the list must too.
  if (!s.cluster.quorum.voters.empty()) {
    const Node voters = n.at("config").at("controller.quorum.voters");
    const auto count = static_cast<std::int32_t>(s.cluster.quorum.voters.size());
    std::string expected;
    bool in_order = true;
    for (std::int32_t i = 0; i < count; ++i) {
      expected += (i == 0 ? "" : ",") + std::to_string(Cluster::kFirstControllerId + i) + "@controller-" + std::to_string(i + 1) + ":9093";
      in_order = in_order && s.cluster.quorum.voters[static_cast<std::size_t>(i)].id == ReplicaId{Cluster::kFirstControllerId + i};
    }
    if (!in_order) voters.fail("ksim's controllers have node.ids 1001, 1002, ... in order: write \"" + expected + "\" (or set cluster.controllers)");
    if (count % 2 == 0 || count > 5) voters.fail("names " + std::to_string(count) + " voters; ksim runs 1, 3 or 5");
    if (n.has("controllers") && s.cluster.controllers != count) {
      voters.fail("names " + std::to_string(count) + " voters but cluster.controllers is " + std::to_string(s.cluster.controllers) + "; keep one of them");
    }
    s.cluster.controllers = count;
  }
}

void read_topics(const Node& list, Scenario& s) {
  std::set<std::string> names;
  for (const Node& n : list.array()) {
    n.section("topic");
    TopicSpec t;
    t.name = n.at("name").string();
    if (t.name.empty() || t.name.size() > 249 || t.name.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos) {
      n.at("name").fail("a topic name uses letters, digits, '.', '_' and '-' (at most 249 of them)");
    }
    if (t.name.rfind("__", 0) == 0) n.at("name").fail("names starting with \"__\" are Kafka's internal topics");
    if (!names.insert(t.name).second) n.at("name").fail("topic \"" + t.name + "\" is defined twice");
    t.partitions = static_cast<std::int32_t>(n.at("partitions").integer(1, 10'000));
    t.replication_factor = static_cast<std::int16_t>(n.has("replication.factor") ? n.at("replication.factor").integer(1, 100) : 1);
    if (t.replication_factor > s.cluster.brokers) {
      n.at("replication.factor").fail("is " + std::to_string(t.replication_factor) + " but the cluster has " +
                                      std::to_string(s.cluster.brokers) + " brokers; Kafka refuses such a topic");
    }
    if (n.has("assignment")) {
      for (const Node& replicas : n.at("assignment").array()) {
        std::vector<BrokerId> list_of;
        for (const Node& b : replicas.array()) list_of.push_back(BrokerId{static_cast<std::int32_t>(b.integer(1, s.cluster.brokers))});
        if (static_cast<std::int32_t>(list_of.size()) != t.replication_factor) replicas.fail("must list replication.factor brokers");
        t.assignment.push_back(std::move(list_of));
      }
      if (static_cast<std::int32_t>(t.assignment.size()) != t.partitions) n.at("assignment").fail("must list one replica set per partition");
    }
    read_config(n, t.config, apply_topic_config);
    if (t.config.min_insync_replicas > t.replication_factor) {
      n.at("config").fail("min.insync.replicas (" + std::to_string(t.config.min_insync_replicas) +
                          ") is above replication.factor (" + std::to_string(t.replication_factor) +
                          "): no acks=all write could ever succeed");
    }
    s.topics.push_back(std::move(t));
  }
}



void read_producers(const Node& list, Scenario& s) {
  std::set<std::string> names;
  for (const Node& n : list.array()) {
    n.section("producer");
    ProducerSpec p;
    p.name = n.at("name").string();
    if (p.name.empty() || !names.insert(p.name).second) n.at("name").fail("needs a name of its own");
    require_topic(s, n.at("topic"));
    WorkloadSpec& w = p.workload;
    w.topic = n.at("topic").string();
    const Node rate = n.at("rate");
    if (rate.json().is_object()) {
      rate.object({"kind", "rate", "every", "for"});
      const std::string kind = rate.at("kind").string();
      if (kind == "poisson") w.rate_kind = RateKind::poisson;
      else if (kind == "burst") w.rate_kind = RateKind::burst;
      else if (kind == "constant") w.rate_kind = RateKind::constant;
      else rate.at("kind").fail("must be constant, poisson or burst");
      w.rate = rate.at("rate").number(0.001, 10'000'000);
      if (rate.has("every")) w.burst_every = rate.at("every").duration();
      if (rate.has("for")) w.burst_for = rate.at("for").duration();
    } else {
      w.rate = rate.number(0.001, 10'000'000);
    }
    if (n.has("keys")) {
      const Node keys = n.at("keys");
      keys.object({"kind", "count", "share", "s", "salt"});
      const std::string kind = keys.at("kind").string();
      if (kind == "none") w.key_kind = KeyKind::none;
      else if (kind == "uniform") w.key_kind = KeyKind::uniform;
      else if (kind == "hot") w.key_kind = KeyKind::hot;
      else if (kind == "zipf") w.key_kind = KeyKind::zipf;
      else if (kind == "sequence") w.key_kind = KeyKind::sequence;
      else keys.at("kind").fail("must be none, uniform, hot, zipf or sequence");
      if (w.key_kind != KeyKind::none) w.key_count = keys.at("count").integer(1, 10'000'000);
      if (keys.has("share")) w.hot_share = keys.at("share").number(0, 1);
      if (keys.has("s")) w.zipf_exponent = keys.at("s").number(0.01, 10);
      if (keys.has("salt")) {
        if (w.key_kind != KeyKind::hot) keys.at("salt").fail("salting applies to the hot key: use it with \"kind\": \"hot\"");
        w.hot_salts = keys.at("salt").integer(1, 1000);
      }
    }
    if (n.has("key_bytes")) w.key_bytes = static_cast<std::uint32_t>(n.at("key_bytes").integer(1, 1'000'000));
    if (n.has("value_bytes")) {
      const Node v = n.at("value_bytes");
      if (v.json().is_object()) {
        v.object({"min", "max"});
        w.value_min_bytes = static_cast<std::uint32_t>(v.at("min").integer(0, 10'000'000));
        w.value_max_bytes = static_cast<std::uint32_t>(v.at("max").integer(w.value_min_bytes, 10'000'000));
      } else {
        w.value_min_bytes = w.value_max_bytes = static_cast<std::uint32_t>(v.integer(0, 10'000'000));
      }
    }
    if (n.has("mode")) {
      const std::string mode = n.at("mode").string();
      if (mode != "async" && mode != "sync") n.at("mode").fail("must be async or sync");
      w.synchronous = mode == "sync";
    }
    if (n.has("start")) w.start = n.at("start").instant();
    if (n.has("stop")) w.stop = n.at("stop").instant();
    if (w.stop <= w.start) n.at("stop").fail("must come after start");
    read_config(n, p.config, apply_producer_config);
    if (const IdempotenceDecision d = decide_idempotence(p.config); !d.error.empty()) n.at("config").fail(d.error);
    // Message ids are unique across producers, so checkers can follow any record anywhere.
    w.first_id = first_record_id(s.producers.size());
    s.producers.push_back(std::move(p));
  }
}

void read_processing(const Node& n, ConsumerSpec& c) {
  ProcessingSpec& p = c.processing;
  if (n.has("processing")) {
    const Node proc = n.at("processing");
    if (proc.json().is_object()) {
      proc.object({"min", "max"});
      p.per_record_min = proc.at("min").duration();
      p.per_record_max = proc.at("max").duration();
      if (p.per_record_max < p.per_record_min) proc.at("max").fail("must not be below min");
    } else {
      p.per_record_min = p.per_record_max = proc.duration();
    }
  }
  if (n.has("commit")) {
    const std::string style = n.at("commit").string();
    if (style == "auto") p.commit = CommitStyle::automatic;
    else if (style == "after-processing") p.commit = CommitStyle::sync_after_processing;
    else if (style == "async") p.commit = CommitStyle::async_after_processing;
    else if (style == "before-processing") p.commit = CommitStyle::before_processing;
    else n.at("commit").fail("must be auto, after-processing, async or before-processing");
  }
  // The application commits by hand unless it asked for auto-commit, as its configs would say.
  c.config.enable_auto_commit = p.commit == CommitStyle::automatic;
  const std::string first_topic = c.topics.empty() ? (c.assign.empty() ? std::string("dead") : c.assign.front().topic) : c.topics.front();
  p.dead_letter_topic = first_topic + ".DLT";
  if (n.has("on_error")) {
    const Node e = n.at("on_error");
    std::string pattern;
    if (e.json().is_object()) {
      e.object({"pattern", "retries", "backoff", "attempts"});
      pattern = e.at("pattern").string();
      if (e.has("retries")) {
        for (std::int64_t i = 1, n_retries = e.at("retries").integer(1, 10); i <= n_retries; ++i) {
          p.retry_topics.push_back(first_topic + "-retry-" + std::to_string(i));
        }
      }
      if (e.has("backoff")) p.retry_backoff = e.at("backoff").duration();
      if (e.has("attempts")) p.in_place_attempts = static_cast<std::int32_t>(e.at("attempts").integer(1, 100));
    } else {
      pattern = e.string();
    }
    if (pattern == "stop") p.on_error = ErrorHandling::stop;
    else if (pattern == "skip") p.on_error = ErrorHandling::skip;
    else if (pattern == "dlq") p.on_error = ErrorHandling::dead_letter;
    else if (pattern == "retry-topics") p.on_error = ErrorHandling::retry_topics;
    else if (pattern == "retry-in-place") p.on_error = ErrorHandling::retry_in_place;
    else e.fail("must be stop, skip, dlq, retry-topics or retry-in-place");
    if (p.on_error == ErrorHandling::retry_topics && p.retry_topics.empty()) {
      for (int i = 1; i <= 2; ++i) p.retry_topics.push_back(first_topic + "-retry-" + std::to_string(i));
    }
  }
  if (n.has("poison")) {
    // A list of message ids, or {"rate": R} for a share of all records.
    const Node poison = n.at("poison");
    if (poison.json().is_object()) {
      poison.object({"rate"});
      p.poison_rate = poison.at("rate").number(0, 1);  // the runner seeds the choice with the run's seed
    } else {
      for (const Node& id : poison.array()) p.poison.insert(static_cast<std::uint64_t>(id.integer(1, INT64_MAX)));
    }
  }
  if (n.has("slow")) {
    const Node slow = n.at("slow");
    slow.object({"from", "factor"});
    p.slow_from = slow.at("from").instant();
    p.slow_factor = slow.at("factor").number(1, 1'000'000);
  }
}

// As the Java consumer's ConsumerConfig does: under group.protocol=consumer the broker assigns and
// sets the session, so the classic protocol's own configs are refused, and group.remote.assignor
// means nothing to the classic protocol.
void check_group_protocol_configs(const Node& n, const ConsumerConfig& config) {
  if (!n.has("config")) return;
  const Node section = n.at("config");
  if (config.group_protocol == GroupProtocol::consumer) {
    for (const char* key : {"partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms"}) {
      if (section.has(key)) {
        section.at(key).fail(std::string(key) + " is not supported with group.protocol=consumer: the broker assigns "
                             "(group.remote.assignor) and sets the session and heartbeat interval "
                             "(group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms); remove it");
      }
    }
  } else if (section.has("group.remote.assignor")) {
    section.at("group.remote.assignor").fail("group.remote.assignor needs group.protocol=consumer; the classic protocol "
                                              "uses partition.assignment.strategy");
  }
}

void read_consumers(const Node& list, Scenario& s) {
  std::set<std::string> names;
  for (const Node& n : list.array()) {
    n.section("consumer");
    ConsumerSpec c;
    c.source = n.path();
    if (n.has("group")) {
      if (n.has("assign") || n.has("name")) n.fail("a group member subscribes to \"topics\"; \"name\" and \"assign\" are for a standalone consumer");
      c.group = n.at("group").string();
      if (c.group.empty() || !names.insert("group:" + c.group).second) n.at("group").fail("needs a group id of its own");
      c.members = static_cast<std::int32_t>(n.has("members") ? n.at("members").integer(1, 1000) : 1);
      for (const Node& t : n.at("topics").array()) {
        require_topic(s, t);
        c.topics.push_back(t.string());
      }
      if (c.topics.empty()) n.at("topics").fail("must name at least one topic");
      c.config.group_id = c.group;
    } else if (n.has("name")) {
      c.name = n.at("name").string();
      if (c.name.empty() || !names.insert("name:" + c.name).second) n.at("name").fail("needs a name of its own");
      for (const Node& p : n.at("assign").array()) {
        const TopicPartition tp = read_partition(p);
        const TopicSpec* topic = find_topic(s, tp.topic);
        if (topic == nullptr || tp.partition >= topic->partitions) p.fail("partition " + tp.str() + " does not exist");
        c.assign.push_back(tp);
      }
      if (c.assign.empty()) n.at("assign").fail("must name at least one partition");
    } else {
      n.fail("needs \"group\" (a consumer group) or \"name\" (a standalone consumer)");
    }
    read_config(n, c.config, apply_consumer_config);
    if (c.config.group_id && c.config.group_id != std::optional<std::string>(c.group)) n.fail("set the group with \"group\", not with group.id");
    check_group_protocol_configs(n, c.config);
    read_processing(n, c);
    if (c.group.empty() && c.processing.commit != CommitStyle::automatic) {
      n.at("commit").fail("a standalone consumer has no group to commit to");
    }
    if (c.group.empty()) c.config.enable_auto_commit = false;
    s.consumers.push_back(std::move(c));
  }
}

void read_narration(const Node& list, Scenario& s) {
  for (const Node& n : list.array()) {
    n.section("narration");
    NarrationEntry e;
    e.at = n.at("at").instant();
    e.text = n.at("text").string();
    if (n.has("pause")) e.pause = n.at("pause").boolean();
    if (n.has("focus")) e.focus = n.at("focus").string();
    s.narration.push_back(std::move(e));
  }
}

std::vector<Expectation> read_expectations(const Node& list, const Scenario& s) {
  std::vector<Expectation> out;
  for (const Node& n : list.array()) {
    Expectation e;
    e.text = n.string();
    std::string error;
    if (!parse_expectation(e.text, e, error)) n.fail(error);
    if (std::string problem = check_figure_name(s, e.figure); !problem.empty()) n.fail(problem);
    out.push_back(std::move(e));
  }
  return out;
}

Scenario build(const Json& doc, const std::string& file, const std::optional<std::string>& variant) {
  const Node root(doc, "", file);
  root.section("scenario");
  Scenario s;
  s.file = file;
  s.name = root.at("name").string();
  s.summary = root.has("summary") ? root.at("summary").string() : std::string();
  if (root.has("seed")) s.seed = static_cast<std::uint64_t>(root.at("seed").integer(0, INT64_MAX));
  s.duration = root.at("duration").duration();
  if (s.duration <= sim::Duration{}) root.at("duration").fail("must be positive");
  if (root.has("converge_within")) {
    s.converge_within = root.at("converge_within").duration();
    if (s.converge_within <= sim::Duration{}) root.at("converge_within").fail("must be positive");
  }
  read_cluster(root.at("cluster"), s);
  s.cluster.seed = s.seed;
  read_topics(root.at("topics"), s);
  if (root.has("producers")) read_producers(root.at("producers"), s);
  if (root.has("consumers")) {
    read_consumers(root.at("consumers"), s);
    // A group needs __consumer_offsets, which Kafka refuses to create with fewer brokers than
    // its replication factor (FindCoordinator answers COORDINATOR_NOT_AVAILABLE for ever).
    const bool groups = std::any_of(s.consumers.begin(), s.consumers.end(), [](const ConsumerSpec& c) { return !c.group.empty(); });
    if (groups && s.cluster.broker.offsets_topic_replication_factor > s.cluster.brokers) {
      root.at("consumers").fail("consumer groups need the __consumer_offsets topic, whose replication factor (offsets.topic.replication.factor, " +
                                std::to_string(s.cluster.broker.offsets_topic_replication_factor) + ") is above the broker count (" +
                                std::to_string(s.cluster.brokers) + "); set it in cluster.config, as single-broker setups do");
    }
  }
  if (root.has("faults")) read_faults(root.at("faults"), s);
  if (root.has("narration")) read_narration(root.at("narration"), s);
  if (root.has("expect")) s.expect = read_expectations(root.at("expect"), s);
  if (root.has("variants")) {
    for (const Node& v : root.at("variants").array()) {
      v.section("variant");
      s.variant_names.push_back(v.at("name").string());
      if (v.has("patch")) check_patch(v.at("patch"));
    }
  }
  if (variant) {
    for (const Node& v : root.at("variants").array()) {
      if (v.at("name").string() == *variant && v.has("expect")) s.expect = read_expectations(v.at("expect"), s);
    }
  }
  return s;
}

}  // namespace

const std::vector<std::string>& scenario_section_keys(std::string_view section) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kSections{
      {"scenario", {"name", "summary", "seed", "duration", "converge_within", "cluster", "topics", "producers", "consumers", "faults",
                    "narration", "expect", "variants"}},
      {"cluster", {"brokers", "controllers", "racks", "network", "config"}},
      {"network", {"latency", "jitter", "bandwidth", "loss"}},
      {"topic", {"name", "partitions", "replication.factor", "assignment", "config"}},
      {"producer", {"name", "topic", "rate", "keys", "key_bytes", "value_bytes", "mode", "start", "stop", "config"}},
      {"consumer", {"group", "members", "topics", "name", "assign", "processing", "commit", "on_error", "poison", "slow",
                    "config"}},
      {"fault", {"at", "do", "target", "between", "one_way", "latency", "jitter", "bandwidth", "loss", "factor", "group",
                 "count", "topic", "partitions", "to", "config"}},
      {"narration", {"at", "text", "pause", "focus"}},
      {"variant", {"name", "patch", "expect"}},
  };
  const auto it = kSections.find(section);
  KSIM_ASSERT(it != kSections.end(), "an unknown scenario section");
  return it->second;
}

ConfigValue scenario_detail::config_value(const Node& n) {
  ConfigValue v;
  const Json& j = n.json();
  if (j.is_boolean()) {
    v.kind = ConfigValue::Kind::boolean;
    v.flag = j.get<bool>();
  } else if (j.is_number()) {
    v.kind = ConfigValue::Kind::number;
    v.number = j.get<double>();
    v.integral = j.is_number_integer();
  } else if (j.is_string()) {
    v.kind = ConfigValue::Kind::text;
    v.text = j.get<std::string>();
  } else if (j.is_array()) {
    v.kind = ConfigValue::Kind::list;
    for (const Node& item : n.array()) v.items.push_back(item.string());
  } else {
    n.fail("must be a number, a string, true or false, or a list of strings");
  }
  return v;
}

sim::LinkParams scenario_detail::read_link(const Node& n, sim::LinkParams link) {
  if (n.has("latency")) link.latency = n.at("latency").duration();
  if (n.has("jitter")) link.jitter = n.at("jitter").duration();
  if (n.has("loss")) link.loss = n.at("loss").number(0, 1);
  if (n.has("bandwidth")) {
    const Node b = n.at("bandwidth");
    const std::string text = b.string();
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      b.fail("must be a rate such as \"100Mbps\" or \"1Gbps\"");
    }
    const std::string unit = text.substr(used);
    double scale = 0;
    if (unit == "bps") scale = 1;
    if (unit == "Kbps") scale = 1e3;
    if (unit == "Mbps") scale = 1e6;
    if (unit == "Gbps") scale = 1e9;
    if (scale == 0 || !(value > 0) || value * scale > 1e12) b.fail("must be a rate such as \"100Mbps\" or \"1Gbps\"");
    link.bandwidth_bps = static_cast<std::int64_t>(value * scale);
  }
  return link;
}

TopicPartition scenario_detail::read_partition(const Node& n) {
  const std::string text = n.string();
  std::optional<TopicPartition> tp = parse_topic_partition(text);
  if (!tp) n.fail("\"" + text + "\" is not a partition; write it as <topic>-<number>, e.g. orders-0");
  return std::move(*tp);
}

const TopicSpec* scenario_detail::find_topic(const Scenario& s, const std::string& name) {
  for (const TopicSpec& t : s.topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void scenario_detail::require_topic(const Scenario& s, const Node& n) {
  const std::string name = n.string();
  if (find_topic(s, name) != nullptr) return;
  std::vector<std::string> names;
  for (const TopicSpec& t : s.topics) names.push_back(t.name);
  const std::string suggestion = did_you_mean(name, names);
  n.fail("topic \"" + name + "\" is not defined under \"topics\"" +
         (suggestion.empty() ? std::string() : "; did you mean \"" + suggestion + "\"?"));
}

Scenario parse_scenario(const std::string& text, const std::string& name, const std::optional<std::string>& variant) {
  check_shape(text, name);
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw ScenarioError(name + ": not valid JSON (" + std::string(e.what()) + ")");
  } catch (const Json::out_of_range& e) {
    // A number beyond a double's range (found by the fuzz target): JSON allows it, ksim cannot
    // represent it.
    throw ScenarioError(name + ": a number is too large (" + std::string(e.what()) + ")");
  }
  current_file = &name;
  if (variant) {
    const Json* chosen = nullptr;
    std::vector<std::string> names;
    std::string chosen_path;
    if (doc.is_object() && doc.contains("variants") && doc["variants"].is_array()) {
      for (std::size_t i = 0; i < doc["variants"].size(); ++i) {
        const Json& v = doc["variants"][i];
        const std::string n = element_name(v);
        names.push_back(n);
        if (n == *variant) {
          chosen = &v;
          chosen_path = "variants[" + std::to_string(i) + "]";
        }
      }
    }
    if (chosen == nullptr) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ScenarioError(name + ": variants: no variant \"" + *variant + "\"" +
                          (list.empty() ? std::string("; the file defines none") : "; the file defines " + list));
    }
    try {
      if (chosen->contains("patch")) {
        check_patch(Node(*chosen, chosen_path, name).at("patch"));
        Json patched = doc;
        merge(patched, (*chosen)["patch"]);
        patched["variants"] = doc["variants"];
        return build(patched, name, variant);
      }
      return build(doc, name, variant);
    } catch (const ScenarioError& e) {
      // Say which variant the mistake belongs to.
      std::string message = e.what();
      if (message.rfind(name + ": ", 0) == 0) message.insert(name.size() + 2, "variant \"" + *variant + "\": ");
      throw ScenarioError(message);
    }
  }
  return build(doc, name, variant);
}

Scenario load_scenario(const std::string& path, const std::optional<std::string>& variant) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot be read; check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path, variant);
}

std::string scenario_document(const std::string& path, const std::optional<std::string>& variant) {
  load_scenario(path, variant);  // the same checks, the same errors
  std::ifstream in(path, std::ios::binary);
  Json doc = Json::parse(in);
  if (variant) {
    Json chosen;  // a copy: merging into the document moves what it holds
    for (const Json& v : doc["variants"]) {
      if (element_name(v) == *variant) chosen = v;
    }
    if (chosen.contains("patch")) merge(doc, chosen["patch"]);
    if (chosen.contains("expect")) doc["expect"] = chosen["expect"];
  }
  doc.erase("variants");
  return doc.dump(2);
}

}  // namespace ksim::core
