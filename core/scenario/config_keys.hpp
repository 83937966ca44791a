// Kafka's config keys, exactly as Kafka spells them, for the four kinds of config a scenario sets
// (broker, topic, producer, consumer): their types, ranges and where each lands in ksim's config
// structs. An unknown key is refused with the closest known key as a suggestion; a known key that
// ksim does not model is refused as such, never silently ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/client/consumer.hpp"
#include "core/client/producer_config.hpp"
#include "core/protocol/configs.hpp"

namespace ksim::core {

struct QuorumConfig;  // core/raft/raft_replica.hpp

// A config value as JSON gives it (the loader converts; this header stays free of JSON).
struct ConfigValue {
  enum class Kind : std::uint8_t { number, text, boolean, list } kind = Kind::number;
  double number = 0;
  bool integral = true;
  std::string text;
  bool flag = false;
  std::vector<std::string> items;  // a list of strings
};

// Each returns an empty string when the value was applied, or what is wrong with it.
std::string apply_broker_config(BrokerConfig& config, std::string_view key, const ConfigValue& value);
// The cluster's configs: the brokers' and controllers' (BrokerConfig) and the metadata quorum's
// (controller.quorum.*).
std::string apply_cluster_config(BrokerConfig& broker, QuorumConfig& quorum, std::string_view key, const ConfigValue& value);
std::string apply_topic_config(TopicConfig& config, std::string_view key, const ConfigValue& value);
std::string apply_producer_config(ProducerConfig& config, std::string_view key, const ConfigValue& value);
std::string apply_consumer_config(ConsumerConfig& config, std::string_view key, const ConfigValue& value);

// The known keys of a scope ("broker", "topic", "producer", "consumer"), for messages and the schema.
std::vector<std::string> known_config_keys(std::string_view scope);
// The closest of `candidates` to `word`, if one is close enough to be a likely typo.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ksim::core
