#include "core/check/end_to_end_latency.hpp"

namespace ksim::core {

void EndToEndLatency::sent(std::uint64_t record_id, sim::Time created_at) {
  Ends& e = ends_[record_id];
  if (complete(e)) samples_.remove(latency_ms(e));
  e.sent = created_at;
  if (complete(e)) samples_.add(latency_ms(e));
}

void EndToEndLatency::processed(std::uint64_t record_id, sim::Time processed_at) {
  Ends& e = ends_[record_id];
  if (processed_at >= e.processed) return;
  if (complete(e)) samples_.remove(latency_ms(e));
  e.processed = processed_at;
  if (complete(e)) samples_.add(latency_ms(e));
}

}  // namespace ksim::core
