// How a Kafka node's network client opens connections: the Java clients' names and defaults
// (CommonClientConfigs; brokers use the same defaults for their own clients).
#pragma once

#include "sim/time.hpp"

namespace ksim::core {

struct ConnectionConfig {
  sim::Duration reconnect_backoff = sim::milliseconds(50);        // reconnect.backoff.ms
  sim::Duration reconnect_backoff_max = sim::milliseconds(1000);  // reconnect.backoff.max.ms
  sim::Duration setup_timeout = sim::milliseconds(10000);         // socket.connection.setup.timeout.ms
  sim::Duration setup_timeout_max = sim::milliseconds(30000);     // socket.connection.setup.timeout.max.ms
};

}  // namespace ksim::core
