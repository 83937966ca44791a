#include "core/client/producer_config.hpp"

namespace ksim::core {

IdempotenceDecision decide_idempotence(const ProducerConfig& config) {
  const bool explicit_on = config.enable_idempotence.value_or(false);
  if (config.enable_idempotence.has_value() && !explicit_on) return {false, {}};
  // Since Kafka 4.0 more than 5 in flight is refused even when idempotence is only the default.
  if (config.max_in_flight > 5) {
    return {false, "idempotence (on by default) needs max.in.flight.requests.per.connection <= 5; "
                   "set enable.idempotence=false to allow more"};
  }
  std::string conflict;
  if (config.acks != -1) conflict = "acks=all";
  if (config.retries == 0) conflict = "retries > 0";
  if (conflict.empty()) return {true, {}};
  if (explicit_on) return {false, "enable.idempotence=true needs " + conflict};
  return {false, {}};  // the default gives way quietly to acks=0/1 or retries=0
}

}  // namespace ksim::core
