// Scenario: one lab as data. A cluster, its topics, the producers and consumers that use it, the
// faults that strike it, the narration that goes with it and what must come out of it. The
// loader (loader.hpp) builds it from a JSON file and rejects anything it does not understand;
// the runner (runner.hpp) plays it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer_config.hpp"
#include "core/client/producer_workload.hpp"
#include "core/cluster/cluster.hpp"
#include "core/cluster/group_admin.hpp"
#include "core/scenario/config_keys.hpp"
#include "core/scenario/fault_type.hpp"
#include "sim/fault_plan.hpp"

namespace ksim::core {

struct TopicSpec {
  std::string name;
  std::int32_t partitions = 1;
  std::int16_t replication_factor = 1;
  std::vector<std::vector<BrokerId>> assignment;  // explicit replica lists, or empty
  TopicConfig config;
};

struct ProducerSpec {
  std::string name;
  ProducerConfig config;
  WorkloadSpec workload;
};

// A consumer group (`members` consumers subscribed to `topics`) or a standalone consumer (one
// consumer with `assign`ed partitions).
struct ConsumerSpec {
  std::string group;  // empty for a standalone consumer
  std::string name;   // a standalone consumer's name
  std::int32_t members = 1;
  std::vector<std::string> topics;
  std::vector<TopicPartition> assign;
  ConsumerConfig config;
  ProcessingSpec processing;
  std::string source;  // where in the file it was described, for messages
};

// A fault as the file gives it: its target stays a role ("leader-of:orders-0") until it fires.
struct FaultSpec {
  sim::Time at;
  FaultType type = FaultType::crash;  // the "do" key
  std::string target;
  std::vector<std::vector<std::string>> between;  // network faults: two sides; "rest" = everyone else
  bool one_way = false;
  sim::LinkParams link;                           // slow-link
  double factor = 1.0;                            // slow: processing gets this many times slower
  std::string group;                              // add-consumer, reset-offsets
  std::int32_t count = 1;                         // add-consumer
  std::string topic;                              // add-partitions, reset-offsets
  std::int32_t partitions = 0;                    // add-partitions: the new total
  OffsetResetSpec reset;                          // reset-offsets
  // set-config: Kafka config keys and values, applied in order over the target's configs of the
  // moment (checked against its starting configs when the file is loaded).
  std::vector<std::pair<std::string, ConfigValue>> configs;
  std::string where;  // the JSON path, for messages
};

struct NarrationEntry {
  sim::Time at;
  std::string text;
  bool pause = false;
  std::string focus;
};

// "FIGURE OP VALUE", e.g. "duplicates_processed[billing] == 0".
struct Expectation {
  std::string text;
  std::string figure;  // with its [argument], as the figures map names it
  std::string op;
  double value = 0;
};

struct Variant {
  std::string name;
  std::vector<Expectation> expect;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string summary;
  std::uint64_t seed = 1;
  sim::Duration duration = sim::seconds(30);
  // The heal bound: after the last fault the cluster must converge (every partition led with a
  // full ISR, every group's partitions owned and its consumers caught up) within this long; the
  // run goes on past `duration` until it does or the bound passes.
  sim::Duration converge_within = sim::seconds(60);
  ClusterSpec cluster;
  std::vector<TopicSpec> topics;
  std::vector<ProducerSpec> producers;
  std::vector<ConsumerSpec> consumers;
  std::vector<FaultSpec> faults;
  std::vector<NarrationEntry> narration;
  std::vector<Expectation> expect;
  std::vector<std::string> variant_names;  // the variants the file defines (loaded on request)
};

}  // namespace ksim::core
