#include "core/scenario/config_keys.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "core/raft/raft_replica.hpp"

namespace ksim::core {
namespace {

// --- reading values --------------------------------------------------------------------------

std::string describe(const ConfigValue& v) {
  switch (v.kind) {
    case ConfigValue::Kind::number: return std::to_string(v.number);
    case ConfigValue::Kind::text: return "\"" + v.text + "\"";
    case ConfigValue::Kind::boolean: return v.flag ? "true" : "false";
    case ConfigValue::Kind::list: return "a list";
  }
  return "?";
}

// A whole number in [lo, hi]; Kafka's configs also accept numbers written as strings.
std::string read_integer(const ConfigValue& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  double n = v.number;
  if (v.kind == ConfigValue::Kind::text) {
    char* end = nullptr;
    n = std::strtod(v.text.c_str(), &end);
    if (v.text.empty() || end == nullptr || *end != '\0') return "must be a whole number, not " + describe(v);
  } else if (v.kind != ConfigValue::Kind::number) {
    return "must be a whole number, not " + describe(v);
  }
  if (n != std::floor(n)) return "must be a whole number, not " + describe(v);
  if (n < static_cast<double>(lo) || n > static_cast<double>(hi)) {
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", not " + describe(v);
  }
  out = static_cast<std::int64_t>(n);
  return {};
}

// A duration: a number in the key's unit (milliseconds for *.ms, minutes for *.minutes), or a
// string such as "250ms", "5s", "2m".
std::string read_duration(const ConfigValue& v, sim::Duration unit, sim::Duration lo, sim::Duration& out) {
  if (v.kind == ConfigValue::Kind::text) {
    std::string error;
    sim::Duration d;
    if (!sim::parse_duration(v.text, d, error)) return error;
    if (d < lo) return "must be at least " + sim::format_duration(lo);
    out = d;
    return {};
  }
  std::int64_t n = 0;
  const std::int64_t max_units = std::numeric_limits<std::int64_t>::max() / unit.ns();
  if (std::string e = read_integer(v, 0, max_units, n); !e.empty()) return e + " (or a duration such as \"5s\")";
  out = sim::Duration::from_ns(n * unit.ns());
  if (out < lo) return "must be at least " + sim::format_duration(lo);
  return {};
}

std::string read_bool(const ConfigValue& v, bool& out) {
  if (v.kind == ConfigValue::Kind::boolean) {
    out = v.flag;
    return {};
  }
  if (v.kind == ConfigValue::Kind::text && (v.text == "true" || v.text == "false")) {
    out = v.text == "true";
    return {};
  }
  return "must be true or false, not " + describe(v);
}

// A list of names: a JSON list of strings, or one string of comma-separated names.
std::string read_name_list(const ConfigValue& v, std::vector<std::string>& out) {
  out.clear();
  if (v.kind == ConfigValue::Kind::list) {
    out = v.items;
    return {};
  }
  if (v.kind != ConfigValue::Kind::text) return "must be a list of names, not " + describe(v);
  for (std::size_t start = 0; start <= v.text.size();) {
    const std::size_t comma = std::min(v.text.find(',', start), v.text.size());
    std::string name = v.text.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    out.push_back(name);
    start = comma + 1;
  }
  return {};
}

std::string read_choice(const ConfigValue& v, const std::vector<std::string>& choices, std::string& out) {
  if (v.kind == ConfigValue::Kind::text) {
    if (std::find(choices.begin(), choices.end(), v.text) != choices.end()) {
      out = v.text;
      return {};
    }
  }
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  return "must be one of " + list + ", not " + describe(v);
}

// --- the tables --------------------------------------------------------------------------------

template <typename Config>
using Setter = std::function<std::string(Config&, const ConfigValue&)>;

template <typename Config, typename Field>
Setter<Config> integer(Field Config::*field, std::int64_t lo, std::int64_t hi) {
  return [field, lo, hi](Config& c, const ConfigValue& v) {
    std::int64_t n = 0;
    std::string e = read_integer(v, lo, hi, n);
    if (e.empty()) c.*field = static_cast<Field>(n);
    return e;
  };
}

template <typename Config>
Setter<Config> duration(sim::Duration Config::*field, sim::Duration unit = sim::milliseconds(1),
                        sim::Duration lo = sim::Duration{}) {
  return [field, unit, lo](Config& c, const ConfigValue& v) { return read_duration(v, unit, lo, c.*field); };
}

// A client's connection setting (ConnectionConfig, in the client config's `connection`).
template <typename Config>
Setter<Config> connection_duration(sim::Duration ConnectionConfig::*field) {
  return [field](Config& c, const ConfigValue& v) {
    return read_duration(v, sim::milliseconds(1), sim::milliseconds(1), c.connection.*field);
  };
}

template <typename Config>
Setter<Config> boolean(bool Config::*field) {
  return [field](Config& c, const ConfigValue& v) { return read_bool(v, c.*field); };
}

constexpr std::int64_t kIntMax = 2'147'483'647;

const std::map<std::string, Setter<BrokerConfig>, std::less<>>& broker_keys() {
  static const std::map<std::string, Setter<BrokerConfig>, std::less<>> keys{
      {"replica.lag.time.max.ms", duration(&BrokerConfig::replica_lag_time_max, sim::milliseconds(1), sim::milliseconds(1))},
      {"replica.fetch.wait.max.ms", duration(&BrokerConfig::replica_fetch_wait_max)},
      {"replica.fetch.max.bytes", integer(&BrokerConfig::replica_fetch_max_bytes, 1, kIntMax)},
      {"replica.fetch.min.bytes", integer(&BrokerConfig::replica_fetch_min_bytes, 1, kIntMax)},
      {"replica.fetch.backoff.ms", duration(&BrokerConfig::replica_fetch_backoff)},
      {"replica.socket.timeout.ms", duration(&BrokerConfig::replica_socket_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"broker.heartbeat.interval.ms", duration(&BrokerConfig::heartbeat_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"broker.session.timeout.ms", duration(&BrokerConfig::session_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"replica.high.watermark.checkpoint.interval.ms", duration(&BrokerConfig::hw_checkpoint_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"log.retention.check.interval.ms", duration(&BrokerConfig::retention_check_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"offsets.topic.num.partitions", integer(&BrokerConfig::offsets_topic_partitions, 1, 10000)},
      {"offsets.topic.replication.factor", integer(&BrokerConfig::offsets_topic_replication_factor, 1, 32767)},
      {"group.initial.rebalance.delay.ms", duration(&BrokerConfig::group_initial_rebalance_delay)},
      {"group.min.session.timeout.ms", duration(&BrokerConfig::group_min_session_timeout)},
      {"group.max.session.timeout.ms", duration(&BrokerConfig::group_max_session_timeout)},
      {"group.consumer.heartbeat.interval.ms", duration(&BrokerConfig::consumer_group_heartbeat_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"group.consumer.session.timeout.ms", duration(&BrokerConfig::consumer_group_session_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"group.consumer.assignment.interval.ms", duration(&BrokerConfig::consumer_group_assignment_interval)},
      {"group.consumer.assignors", [](BrokerConfig& c, const ConfigValue& v) {
         std::vector<std::string> names;
         if (std::string e = read_name_list(v, names); !e.empty()) return e;
         for (std::string& name : names) {
           if (name == "org.apache.kafka.coordinator.group.assignor.UniformAssignor") name = "uniform";
           if (name == "org.apache.kafka.coordinator.group.assignor.RangeAssignor") name = "range";
           if (name != "uniform" && name != "range") return "\"" + name + "\" is not a server assignor; use uniform or range";
         }
         if (names.empty()) return std::string("must name at least one assignor: uniform, range");
         c.consumer_group_assignors = names;
         return std::string();
       }},
      {"leader.imbalance.check.interval.seconds", duration(&BrokerConfig::leader_imbalance_check_interval, sim::seconds(1), sim::seconds(1))},
      {"auto.leader.rebalance.enable", boolean(&BrokerConfig::auto_leader_rebalance)},
      {"leader.imbalance.per.broker.percentage", integer(&BrokerConfig::leader_imbalance_per_broker_percentage, 0, 100)},
      {"unclean.leader.election.interval.ms", duration(&BrokerConfig::unclean_leader_election_interval, sim::milliseconds(1), sim::milliseconds(1))},
      // A feature level rather than a config (kafka-features upgrade --feature ...): 0 or 1.
      {"eligible.leader.replicas.version", integer(&BrokerConfig::eligible_leader_replicas, 0, 1)},
      {"offsets.retention.minutes", duration(&BrokerConfig::offsets_retention, sim::minutes(1), sim::minutes(1))},
      {"offsets.retention.check.interval.ms", duration(&BrokerConfig::offsets_retention_check_interval, sim::milliseconds(1), sim::milliseconds(1))},
      // The operating system's writeback on the brokers' machines (sysctl vm.*), in centiseconds.
      {"vm.dirty_expire_centisecs", duration(&BrokerConfig::dirty_expire, sim::milliseconds(10))},
      {"vm.dirty_writeback_centisecs", duration(&BrokerConfig::dirty_writeback, sim::milliseconds(10))},
      // Not a Kafka config: replays the pre-KIP-101 truncation to the high watermark.
      {"ksim.legacy.hw.truncation", boolean(&BrokerConfig::legacy_hw_truncation)},
      {"metadata.max.idle.interval.ms", duration(&BrokerConfig::metadata_max_idle_interval, sim::milliseconds(1), sim::milliseconds(1))},
  };
  return keys;
}

// The metadata quorum's settings: in Kafka they are controller and broker configs alike (every
// node must agree on them), so a scenario sets them with the cluster's configs.
const std::map<std::string, Setter<QuorumConfig>, std::less<>>& quorum_keys() {
  static const std::map<std::string, Setter<QuorumConfig>, std::less<>> keys{
      {"controller.quorum.election.timeout.ms", duration(&QuorumConfig::election_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"controller.quorum.fetch.timeout.ms", duration(&QuorumConfig::fetch_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"controller.quorum.election.backoff.max.ms", duration(&QuorumConfig::election_backoff_max, sim::milliseconds(1), sim::milliseconds(1))},
      {"controller.quorum.request.timeout.ms", duration(&QuorumConfig::request_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"controller.quorum.retry.backoff.ms", duration(&QuorumConfig::retry_backoff)},
      {"controller.quorum.append.linger.ms", duration(&QuorumConfig::append_linger)},
      // The static voter set, as Kafka writes it: "1001@controller-1:9093,1002@...". Only the
      // node.ids count (there are no hosts to resolve); the loader checks them against the
      // controllers ksim builds.
      {"controller.quorum.voters", [](QuorumConfig& c, const ConfigValue& v) {
         std::vector<std::string> entries;
         if (std::string e = read_name_list(v, entries); !e.empty()) return e;
         c.voters.clear();
         for (const std::string& entry : entries) {
           const std::size_t at = entry.find('@');
           const std::string id = entry.substr(0, at);
           if (at == std::string::npos || id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 9 ||
               entry.find(':', at) == std::string::npos) {
             return "\"" + entry + "\" is not a voter; write each as NODE_ID@HOST:PORT, e.g. 1001@controller-1:9093";
           }
           c.voters.push_back(QuorumVoter{ReplicaId{std::stoi(id)}, sim::NodeId{}});
         }
         return std::string();
       }},
      // Not a Kafka config: false replays the elections of Kafka 3.x, before pre-vote (KIP-996).
      {"ksim.controller.quorum.pre.vote", boolean(&QuorumConfig::pre_vote)},
  };
  return keys;
}

const std::map<std::string, Setter<TopicConfig>, std::less<>>& topic_keys() {
  static const std::map<std::string, Setter<TopicConfig>, std::less<>> keys{
      {"min.insync.replicas", integer(&TopicConfig::min_insync_replicas, 1, kIntMax)},
      {"unclean.leader.election.enable", boolean(&TopicConfig::unclean_leader_election)},
      {"segment.bytes", [](TopicConfig& c, const ConfigValue& v) {
         std::int64_t n = 0;
         std::string e = read_integer(v, 14, kIntMax, n);
         if (e.empty()) c.log.segment_bytes = n;
         return e;
       }},
      {"segment.ms", [](TopicConfig& c, const ConfigValue& v) { return read_duration(v, sim::milliseconds(1), sim::milliseconds(1), c.log.segment_ms); }},
      {"retention.ms", [](TopicConfig& c, const ConfigValue& v) {
         std::int64_t n = 0;
         if (v.kind == ConfigValue::Kind::number && read_integer(v, -1, -1, n).empty()) {
           c.log.retention_ms = sim::Duration::max();  // -1: keep forever
           return std::string();
         }
         return read_duration(v, sim::milliseconds(1), sim::Duration{}, c.log.retention_ms);
       }},
      {"retention.bytes", [](TopicConfig& c, const ConfigValue& v) { return read_integer(v, -1, INT64_MAX, c.log.retention_bytes); }},
      {"flush.messages", [](TopicConfig& c, const ConfigValue& v) { return read_integer(v, 1, INT64_MAX, c.log.flush_messages); }},
      {"flush.ms", [](TopicConfig& c, const ConfigValue& v) { return read_duration(v, sim::milliseconds(1), sim::Duration{}, c.log.flush_ms); }},
      {"max.message.bytes", [](TopicConfig& c, const ConfigValue& v) {
         std::int64_t n = 0;
         std::string e = read_integer(v, 0, kIntMax, n);
         if (e.empty()) c.log.max_message_bytes = static_cast<std::int32_t>(n);
         return e;
       }},
      {"cleanup.policy", [](TopicConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"delete"}, choice);
         if (!e.empty()) return e + " (compaction is not modelled yet)";
         c.log.cleanup_policy = CleanupPolicy::del;
         return std::string();
       }},
  };
  return keys;
}

const std::map<std::string, Setter<ProducerConfig>, std::less<>>& producer_keys() {
  static const std::map<std::string, Setter<ProducerConfig>, std::less<>> keys{
      {"acks", [](ProducerConfig& c, const ConfigValue& v) {
         std::string text = v.kind == ConfigValue::Kind::number && v.integral ? std::to_string(static_cast<std::int64_t>(v.number)) : v.text;
         if (v.kind != ConfigValue::Kind::number && v.kind != ConfigValue::Kind::text) text.clear();
         if (text == "all" || text == "-1") c.acks = -1;
         else if (text == "0") c.acks = 0;
         else if (text == "1") c.acks = 1;
         else return "must be \"0\", \"1\" or \"all\", not " + describe(v);
         return std::string();
       }},
      {"enable.idempotence", [](ProducerConfig& c, const ConfigValue& v) {
         bool on = false;
         std::string e = read_bool(v, on);
         if (e.empty()) c.enable_idempotence = on;
         return e;
       }},
      {"retries", integer(&ProducerConfig::retries, 0, kIntMax)},
      {"retry.backoff.ms", duration(&ProducerConfig::retry_backoff)},
      {"retry.backoff.max.ms", duration(&ProducerConfig::retry_backoff_max)},
      {"delivery.timeout.ms", duration(&ProducerConfig::delivery_timeout)},
      {"request.timeout.ms", duration(&ProducerConfig::request_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"linger.ms", duration(&ProducerConfig::linger)},
      {"batch.size", integer(&ProducerConfig::batch_size, 0, kIntMax)},
      {"max.in.flight.requests.per.connection", integer(&ProducerConfig::max_in_flight, 1, kIntMax)},
      {"compression.type", [](ProducerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"none", "lz4"}, choice);
         if (!e.empty()) return e + " (gzip, snappy and zstd are not modelled)";
         c.compression = *parse_compression(choice);
         return std::string();
       }},
      {"buffer.memory", integer(&ProducerConfig::buffer_memory, 0, INT64_MAX)},
      {"max.block.ms", duration(&ProducerConfig::max_block)},
      {"max.request.size", integer(&ProducerConfig::max_request_size, 1, kIntMax)},
      {"partitioner.ignore.keys", boolean(&ProducerConfig::partitioner_ignore_keys)},
      {"partitioner.class", [](ProducerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"org.apache.kafka.clients.producer.RoundRobinPartitioner"}, choice);
         if (!e.empty()) return e + " (leave it unset for the built-in partitioner)";
         c.null_key_partitioning = NullKeyPartitioning::round_robin;
         return std::string();
       }},
      {"partitioner.adaptive.partitioning.enable", boolean(&ProducerConfig::adaptive_partitioning)},
      {"partitioner.availability.timeout.ms", duration(&ProducerConfig::partitioner_availability_timeout)},
      {"ksim.legacy.sticky.partitioner", [](ProducerConfig& c, const ConfigValue& v) {
         bool on = false;
         std::string e = read_bool(v, on);
         if (e.empty() && on) c.null_key_partitioning = NullKeyPartitioning::legacy_sticky;
         if (e.empty() && !on && c.null_key_partitioning == NullKeyPartitioning::legacy_sticky) {
           c.null_key_partitioning = NullKeyPartitioning::built_in;
         }
         return e;
       }},
      {"metadata.max.age.ms", duration(&ProducerConfig::metadata_max_age)},
      {"send.buffer.bytes", integer(&ProducerConfig::send_buffer_bytes, 1, kIntMax)},
      {"reconnect.backoff.ms", connection_duration<ProducerConfig>(&ConnectionConfig::reconnect_backoff)},
      {"reconnect.backoff.max.ms", connection_duration<ProducerConfig>(&ConnectionConfig::reconnect_backoff_max)},
      {"socket.connection.setup.timeout.ms", connection_duration<ProducerConfig>(&ConnectionConfig::setup_timeout)},
      {"socket.connection.setup.timeout.max.ms", connection_duration<ProducerConfig>(&ConnectionConfig::setup_timeout_max)},
  };
  return keys;
}

const std::map<std::string, Setter<ConsumerConfig>, std::less<>>& consumer_keys() {
  static const std::map<std::string, Setter<ConsumerConfig>, std::less<>> keys{
      {"fetch.min.bytes", integer(&ConsumerConfig::fetch_min_bytes, 0, kIntMax)},
      {"fetch.max.wait.ms", duration(&ConsumerConfig::fetch_max_wait)},
      {"max.partition.fetch.bytes", integer(&ConsumerConfig::max_partition_fetch_bytes, 0, kIntMax)},
      {"fetch.max.bytes", integer(&ConsumerConfig::fetch_max_bytes, 0, kIntMax)},
      {"max.poll.records", integer(&ConsumerConfig::max_poll_records, 1, kIntMax)},
      {"auto.offset.reset", [](ConsumerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"earliest", "latest", "none"}, choice);
         if (e.empty()) c.auto_offset_reset = choice == "earliest" ? OffsetReset::earliest : choice == "latest" ? OffsetReset::latest : OffsetReset::none;
         return e;
       }},
      {"request.timeout.ms", duration(&ConsumerConfig::request_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"retry.backoff.ms", duration(&ConsumerConfig::retry_backoff)},
      {"metadata.max.age.ms", duration(&ConsumerConfig::metadata_max_age)},
      {"reconnect.backoff.ms", connection_duration<ConsumerConfig>(&ConnectionConfig::reconnect_backoff)},
      {"reconnect.backoff.max.ms", connection_duration<ConsumerConfig>(&ConnectionConfig::reconnect_backoff_max)},
      {"socket.connection.setup.timeout.ms", connection_duration<ConsumerConfig>(&ConnectionConfig::setup_timeout)},
      {"socket.connection.setup.timeout.max.ms", connection_duration<ConsumerConfig>(&ConnectionConfig::setup_timeout_max)},
      {"isolation.level", [](ConsumerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"read_uncommitted", "read_committed"}, choice);
         if (e.empty()) c.isolation_level = choice == "read_committed" ? IsolationLevel::read_committed : IsolationLevel::read_uncommitted;
         return e;
       }},
      {"group.instance.id", [](ConsumerConfig& c, const ConfigValue& v) {
         if (v.kind != ConfigValue::Kind::text || v.text.empty()) return "must be a non-empty string, not " + describe(v);
         c.group_instance_id = v.text;
         return std::string();
       }},
      {"session.timeout.ms", duration(&ConsumerConfig::session_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"heartbeat.interval.ms", duration(&ConsumerConfig::heartbeat_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"max.poll.interval.ms", duration(&ConsumerConfig::max_poll_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"enable.auto.commit", boolean(&ConsumerConfig::enable_auto_commit)},
      {"auto.commit.interval.ms", duration(&ConsumerConfig::auto_commit_interval, sim::milliseconds(1), sim::milliseconds(1))},
      {"default.api.timeout.ms", duration(&ConsumerConfig::default_api_timeout, sim::milliseconds(1), sim::milliseconds(1))},
      {"group.protocol", [](ConsumerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"classic", "consumer"}, choice);
         if (e.empty()) c.group_protocol = choice == "consumer" ? GroupProtocol::consumer : GroupProtocol::classic;
         return e;
       }},
      {"group.remote.assignor", [](ConsumerConfig& c, const ConfigValue& v) {
         std::string choice;
         std::string e = read_choice(v, {"uniform", "range"}, choice);
         if (e.empty()) c.remote_assignor = choice;
         return e;
       }},
      {"partition.assignment.strategy", [](ConsumerConfig& c, const ConfigValue& v) {
         std::vector<std::string> names;
         if (std::string e = read_name_list(v, names); !e.empty()) return e;
         if (names.empty()) return std::string("must name at least one assignor: range, roundrobin, sticky, cooperative-sticky");
         for (std::string& name : names) {
           static const std::map<std::string, std::string> kJavaClasses{
               {"org.apache.kafka.clients.consumer.RangeAssignor", "range"},
               {"org.apache.kafka.clients.consumer.RoundRobinAssignor", "roundrobin"},
               {"org.apache.kafka.clients.consumer.StickyAssignor", "sticky"},
               {"org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "cooperative-sticky"}};
           if (const auto it = kJavaClasses.find(name); it != kJavaClasses.end()) name = it->second;
           if (name != "range" && name != "roundrobin" && name != "sticky" && name != "cooperative-sticky") {
             return "\"" + name + "\" is not an assignor; use range, roundrobin, sticky or cooperative-sticky";
           }
         }
         c.assignors = names;
         return std::string();
       }},
  };
  return keys;
}

template <typename Config>
std::string apply(const std::map<std::string, Setter<Config>, std::less<>>& table, std::string_view scope,
                  Config& config, std::string_view key, const ConfigValue& value) {
  const auto it = table.find(key);
  if (it == table.end()) {
    std::string message = "unknown " + std::string(scope) + " config \"" + std::string(key) + "\"";
    const std::string suggestion = did_you_mean(key, known_config_keys(scope));
    if (!suggestion.empty()) message += "; did you mean \"" + suggestion + "\"?";
    else message += "; docs/scenario-format.md lists the keys ksim models";
    return message;
  }
  std::string error = it->second(config, value);
  if (!error.empty()) error = std::string(key) + " " + error;
  return error;
}

template <typename Map>
std::vector<std::string> keys_of(const Map& table) {
  std::vector<std::string> out;
  for (const auto& [key, setter] : table) out.push_back(key);
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string apply_broker_config(BrokerConfig& config, std::string_view key, const ConfigValue& value) {
  return apply(broker_keys(), "broker", config, key, value);
}
std::string apply_cluster_config(BrokerConfig& broker, QuorumConfig& quorum, std::string_view key, const ConfigValue& value) {
  if (quorum_keys().contains(key)) return apply(quorum_keys(), "broker", quorum, key, value);
  return apply(broker_keys(), "broker", broker, key, value);
}
std::string apply_topic_config(TopicConfig& config, std::string_view key, const ConfigValue& value) {
  return apply(topic_keys(), "topic", config, key, value);
}
std::string apply_producer_config(ProducerConfig& config, std::string_view key, const ConfigValue& value) {
  return apply(producer_keys(), "producer", config, key, value);
}
std::string apply_consumer_config(ConsumerConfig& config, std::string_view key, const ConfigValue& value) {
  return apply(consumer_keys(), "consumer", config, key, value);
}

std::vector<std::string> known_config_keys(std::string_view scope) {
  if (scope == "broker") {
    std::vector<std::string> keys = keys_of(broker_keys());
    for (std::string& k : keys_of(quorum_keys())) keys.push_back(std::move(k));
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  if (scope == "topic") return keys_of(topic_keys());
  if (scope == "producer") return keys_of(producer_keys());
  if (scope == "consumer") return keys_of(consumer_keys());
  return {};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 4) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace ksim::core
