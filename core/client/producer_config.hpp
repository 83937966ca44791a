// The Java producer's configs that the model honours, with Kafka 4.x defaults, and the rules
// that decide whether idempotence is on.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/log/record.hpp"
#include "core/node/connection_config.hpp"
#include "sim/time.hpp"

namespace ksim::core {

enum class NullKeyPartitioning : std::uint8_t {
  built_in,       // the built-in partitioner (KIP-794, 3.3+): batch.size bytes per partition, then draw
  legacy_sticky,  // the sticky partitioner of 2.4 to 3.2: move when the batch is sent (KAFKA-10888)
  round_robin,    // RoundRobinPartitioner: the next partition for every record, keyed or not
};

struct ProducerConfig {
  std::int16_t acks = -1;                                    // acks ("all" = -1)
  std::optional<bool> enable_idempotence;                    // enable.idempotence (unset: true)
  std::int32_t retries = std::numeric_limits<std::int32_t>::max();  // retries
  sim::Duration retry_backoff = sim::milliseconds(100);      // retry.backoff.ms
  sim::Duration retry_backoff_max = sim::milliseconds(1000); // retry.backoff.max.ms
  sim::Duration delivery_timeout = sim::milliseconds(120000);  // delivery.timeout.ms
  sim::Duration request_timeout = sim::milliseconds(30000);  // request.timeout.ms
  sim::Duration linger = sim::milliseconds(5);               // linger.ms (5 since 4.0)
  std::int32_t batch_size = 16384;                           // batch.size
  std::int32_t max_in_flight = 5;                            // max.in.flight.requests.per.connection
  CompressionType compression = CompressionType::none;       // compression.type
  std::int64_t buffer_memory = 33'554'432;                   // buffer.memory
  sim::Duration max_block = sim::milliseconds(60000);        // max.block.ms
  std::int32_t max_request_size = 1'048'576;                 // max.request.size
  bool partitioner_ignore_keys = false;                      // partitioner.ignore.keys
  NullKeyPartitioning null_key_partitioning = NullKeyPartitioning::built_in;
  bool adaptive_partitioning = true;                          // partitioner.adaptive.partitioning.enable
  sim::Duration partitioner_availability_timeout{};          // partitioner.availability.timeout.ms (0: off)
  sim::Duration metadata_max_age = sim::milliseconds(300000);  // metadata.max.age.ms
  std::int32_t send_buffer_bytes = 131072;                   // send.buffer.bytes
  ConnectionConfig connection;  // reconnect.backoff.ms, socket.connection.setup.timeout.ms, ...
};

// Whether the producer runs idempotent, as the Java client (4.x) decides: on by default; an
// explicit `true` that conflicts with acks != all or retries == 0 is a configuration error, while
// the default quietly gives way to them; more than 5 requests in flight is an error unless
// idempotence is explicitly off.
struct IdempotenceDecision {
  bool enabled = false;
  std::string error;  // non-empty: the config is refused
};
IdempotenceDecision decide_idempotence(const ProducerConfig& config);

}  // namespace ksim::core
