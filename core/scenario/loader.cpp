#include "core/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/scenario/config_keys.hpp"
#include "core/scenario/figures.hpp"

namespace ksim::core {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxFileBytes = 4U << 20U;
constexpr int kMaxDepth = 32;
constexpr std::int64_t kMaxCount = 100'000;  // brokers, partitions, members: far beyond a lab

// The file being read, for the messages of nodes built from fragments (one load at a time).
const std::string* current_file = nullptr;

// A JSON value and where it sits in the file.
class Node {
 public:
  Node(const Json& json, std::string path, const std::string& file) : json_(json), path_(std::move(path)), file_(file) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ScenarioError(file_ + ": " + (path_.empty() ? std::string("the top level") : path_) + ": " + what);
  }
  const std::string& path() const { return path_; }
  const Json& json() const { return json_; }

  const Node& object(std::initializer_list<const char*> allowed) const {
    if (!json_.is_object()) fail("must be an object");
    std::vector<std::string> keys(allowed.begin(), allowed.end());
    for (const auto& [key, value] : json_.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      std::string message = "unknown key \"" + key + "\"";
      const std::string suggestion = did_you_mean(key, keys);
      message += suggestion.empty() ? "; the keys here are " + join(keys) : "; did you mean \"" + suggestion + "\"?";
      Node(value, child_path(key), file_).fail(message);
    }
    return *this;
  }
  bool has(const char* key) const { return json_.is_object() && json_.contains(key); }
  Node at(const char* key) const {
    if (!has(key)) fail(std::string("\"") + key + "\" is missing");
    return Node(json_.at(key), child_path(key), file_);
  }
  std::vector<Node> array() const {
    if (!json_.is_array()) fail("must be a list");
    std::vector<Node> out;
    for (std::size_t i = 0; i < json_.size(); ++i) out.emplace_back(json_[i], path_ + "[" + std::to_string(i) + "]", file_);
    return out;
  }
  std::string string() const {
    if (!json_.is_string()) fail("must be a string");
    return json_.get<std::string>();
  }
  bool boolean() const {
    if (!json_.is_boolean()) fail("must be true or false");
    return json_.get<bool>();
  }
  double number(double lo, double hi) const {
    if (!json_.is_number()) fail("must be a number");
    const double n = json_.get<double>();
    if (!std::isfinite(n) || n < lo || n > hi) fail("must be between " + format(lo) + " and " + format(hi));
    return n;
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const {
    if (!json_.is_number_integer()) fail("must be a whole number");
    const std::int64_t n = json_.is_number_unsigned() && json_.get<std::uint64_t>() > INT64_MAX ? INT64_MAX : json_.get<std::int64_t>();
    if (n < lo || n > hi) fail("must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return n;
  }
  sim::Duration duration() const {
    if (!json_.is_string()) fail("must be a duration written as a string, such as \"250ms\", \"5s\" or \"2m\"");
    sim::Duration d;
    std::string error;
    if (!sim::parse_duration(json_.get<std::string>(), d, error)) fail(error);
    if (d > sim::minutes(60 * 24 * 365)) fail("is longer than a year; a lab runs for seconds or minutes");
    return d;
  }
  sim::Time instant() const { return sim::Time::zero() + duration(); }

 private:
  std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  static std::string join(const std::vector<std::string>& keys) {
    std::string out;
    for (const std::string& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
  }
  static std::string format(double d) {
    std::ostringstream s;
    s << d;
    return s.str();
  }

  const Json& json_;
  std::string path_;
  const std::string& file_;
};

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

// Objects merge key by key; lists of named objects merge element by element (by "name" or
// "group"), new names are appended; anything else, an empty list included, is replaced.
void merge(Json& target, const Json& patch) {
  if (patch.is_object() && target.is_object()) {
    for (const auto& [key, value] : patch.items()) {
      if (target.contains(key)) {
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

// --- sections -----------------------------------------------------------------------------------

ConfigValue config_value(const Node& n) {
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

sim::LinkParams read_link(const Node& n, sim::LinkParams link) {
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

TopicPartition read_partition(const Node& n) {
  const std::string text = n.string();
  const auto dash = text.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == text.size() ||
      text.find_first_not_of("0123456789", dash + 1) != std::string::npos || text.size() - dash > 7) {
    n.fail("\"" + text + "\" is not a partition; write it as <topic>-<number>, e.g. orders-0");
  }
  return TopicPartition{text.substr(0, dash), std::stoi(text.substr(dash + 1))};
}

void read_cluster(const Node& n, Scenario& s) {
  n.object({"brokers", "racks", "network", "config"});
  s.cluster.brokers = static_cast<std::int32_t>(n.at("brokers").integer(1, 100));
  if (n.has("racks")) {
    for (const Node& r : n.at("racks").array()) s.cluster.racks.push_back(r.string());
    if (static_cast<std::int32_t>(s.cluster.racks.size()) != s.cluster.brokers) {
      n.at("racks").fail("must name one rack per broker (" + std::to_string(s.cluster.brokers) + ")");
    }
  }
  if (n.has("network")) {
    const Node net = n.at("network");
    net.object({"latency", "jitter", "bandwidth", "loss"});
    s.cluster.network = read_link(net, s.cluster.network);
  }
  read_config(n, s.cluster.broker, apply_broker_config);
}

void read_topics(const Node& list, Scenario& s) {
  std::set<std::string> names;
  for (const Node& n : list.array()) {
    n.object({"name", "partitions", "replication.factor", "assignment", "config"});
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
        for (const Node& b : replicas.array()) list_of.push_back(static_cast<BrokerId>(b.integer(1, s.cluster.brokers)));
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

const TopicSpec* find_topic(const Scenario& s, const std::string& name) {
  for (const TopicSpec& t : s.topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void require_topic(const Scenario& s, const Node& n) {
  const std::string name = n.string();
  if (find_topic(s, name) != nullptr) return;
  std::vector<std::string> names;
  for (const TopicSpec& t : s.topics) names.push_back(t.name);
  const std::string suggestion = did_you_mean(name, names);
  n.fail("topic \"" + name + "\" is not defined under \"topics\"" +
         (suggestion.empty() ? std::string() : "; did you mean \"" + suggestion + "\"?"));
}

void read_producers(const Node& list, Scenario& s) {
  std::set<std::string> names;
  std::uint64_t next_id = 1;
  for (const Node& n : list.array()) {
    n.object({"name", "topic", "rate", "keys", "key_bytes", "value_bytes", "mode", "start", "stop", "config"});
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
      keys.object({"kind", "count", "share", "s"});
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
    w.first_id = next_id;
    next_id += 1'000'000'000ULL;
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
    for (const Node& id : n.at("poison").array()) p.poison.insert(static_cast<std::uint64_t>(id.integer(1, INT64_MAX)));
  }
  if (n.has("slow")) {
    const Node slow = n.at("slow");
    slow.object({"from", "factor"});
    p.slow_from = slow.at("from").instant();
    p.slow_factor = slow.at("factor").number(1, 1'000'000);
  }
}

void read_consumers(const Node& list, Scenario& s) {
  std::set<std::string> names;
  for (const Node& n : list.array()) {
    n.object({"group", "members", "topics", "name", "assign", "processing", "commit", "on_error", "poison", "slow", "config"});
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
    read_processing(n, c);
    if (c.group.empty() && c.processing.commit != CommitStyle::automatic) {
      n.at("commit").fail("a standalone consumer has no group to commit to");
    }
    if (c.group.empty()) c.config.enable_auto_commit = false;
    s.consumers.push_back(std::move(c));
  }
}

// Targets are checked for form (and for names that exist) now, resolved when the fault fires.
void check_target(const Scenario& s, const Node& n) {
  const std::string t = n.string();
  const auto after = [&](const char* prefix) { return t.substr(std::string(prefix).size()); };
  if (t == "controller") return;
  if (t.rfind("broker:", 0) == 0) {
    const std::string id = after("broker:");
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 4 ||
        std::stoi(id) < 1 || std::stoi(id) > s.cluster.brokers) {
      n.fail("\"" + t + "\": brokers are broker:1 to broker:" + std::to_string(s.cluster.brokers));
    }
    return;
  }
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
  n.fail("\"" + t + "\" is not a target; use broker:N, leader-of:T-P, follower-of:T-P, controller, "
         "coordinator-of:GROUP, consumer:GROUP/I, consumer:NAME or producer:NAME");
}

void read_faults(const Node& list, Scenario& s) {
  static const std::vector<std::string> kActions{"crash", "power-loss", "disk-loss", "restart", "pause", "resume",
                                                 "partition", "isolate", "heal", "slow-link", "restore-link",
                                                 "slow", "add-consumer", "add-partitions", "reset-offsets"};
  for (const Node& n : list.array()) {
    n.object({"at", "do", "target", "between", "one_way", "latency", "jitter", "bandwidth", "loss", "factor",
              "group", "count", "topic", "partitions", "to"});
    FaultSpec f;
    f.where = n.path();
    f.at = n.at("at").instant();
    if (f.at > sim::Time::zero() + s.duration) n.at("at").fail("comes after the end of the run (" + sim::format_duration(s.duration) + ")");
    f.action = n.at("do").string();
    if (std::find(kActions.begin(), kActions.end(), f.action) == kActions.end()) {
      const std::string suggestion = did_you_mean(f.action, kActions);
      n.at("do").fail("\"" + f.action + "\" is not a fault" +
                      (suggestion.empty() ? "; see docs/scenario-format.md" : "; did you mean \"" + suggestion + "\"?"));
    }
    const bool needs_target = f.action == "crash" || f.action == "power-loss" || f.action == "disk-loss" ||
                              f.action == "restart" || f.action == "pause" || f.action == "resume" ||
                              f.action == "isolate" || f.action == "slow";
    if (needs_target) {
      check_target(s, n.at("target"));
      f.target = n.at("target").string();
    }
    if (f.action == "slow" && f.target.rfind("consumer:", 0) != 0) n.at("target").fail("slow applies to a consumer");
    if (f.action == "partition" || f.action == "slow-link" || f.action == "restore-link" ||
        (f.action == "heal" && n.has("between"))) {
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
    if (f.action == "slow-link") {
      f.link = read_link(n, s.cluster.network);
    }
    if (f.action == "slow") f.factor = n.at("factor").number(1, 1'000'000);
    if (f.action == "add-consumer") {
      f.group = n.at("group").string();
      if (std::none_of(s.consumers.begin(), s.consumers.end(), [&](const ConsumerSpec& c) { return c.group == f.group; })) {
        n.at("group").fail("no consumer group \"" + f.group + "\" is defined");
      }
      if (n.has("count")) f.count = static_cast<std::int32_t>(n.at("count").integer(1, 1000));
    }
    if (f.action == "add-partitions") {
      require_topic(s, n.at("topic"));
      f.topic = n.at("topic").string();
      f.partitions = static_cast<std::int32_t>(n.at("partitions").integer(1, 10'000));
      if (f.partitions <= find_topic(s, f.topic)->partitions) n.at("partitions").fail("must be more than the topic has now (partitions only grow)");
    }
    if (f.action == "reset-offsets") {
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

void read_narration(const Node& list, Scenario& s) {
  for (const Node& n : list.array()) {
    n.object({"at", "text", "pause", "focus"});
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
  root.object({"name", "summary", "seed", "duration", "cluster", "topics", "producers", "consumers", "faults",
               "narration", "expect", "variants"});
  Scenario s;
  s.file = file;
  s.name = root.at("name").string();
  s.summary = root.has("summary") ? root.at("summary").string() : std::string();
  if (root.has("seed")) s.seed = static_cast<std::uint64_t>(root.at("seed").integer(0, INT64_MAX));
  s.duration = root.at("duration").duration();
  if (s.duration <= sim::Duration{}) root.at("duration").fail("must be positive");
  read_cluster(root.at("cluster"), s);
  s.cluster.seed = s.seed;
  read_topics(root.at("topics"), s);
  if (root.has("producers")) read_producers(root.at("producers"), s);
  if (root.has("consumers")) read_consumers(root.at("consumers"), s);
  if (root.has("faults")) read_faults(root.at("faults"), s);
  if (root.has("narration")) read_narration(root.at("narration"), s);
  if (root.has("expect")) s.expect = read_expectations(root.at("expect"), s);
  if (root.has("variants")) {
    for (const Node& v : root.at("variants").array()) {
      v.object({"name", "patch", "expect"});
      s.variant_names.push_back(v.at("name").string());
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

Scenario parse_scenario(const std::string& text, const std::string& name, const std::optional<std::string>& variant) {
  check_shape(text, name);
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw ScenarioError(name + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  current_file = &name;
  if (variant) {
    const Json* chosen = nullptr;
    std::vector<std::string> names;
    if (doc.is_object() && doc.contains("variants") && doc["variants"].is_array()) {
      for (const Json& v : doc["variants"]) {
        const std::string n = element_name(v);
        names.push_back(n);
        if (n == *variant) chosen = &v;
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

}  // namespace ksim::core
