#include "sim/trace.hpp"

#include <algorithm>
#include <cstdio>

namespace ksim::sim {

void Trace::attach(TraceSink& sink) { sinks_.push_back(&sink); }

void Trace::detach(TraceSink& sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
}

void Trace::dispatch(const TraceEvent& event) {
  for (TraceSink* sink : sinks_) sink->on_event(event);
}

void TraceHasher::on_event(const TraceEvent& event) {
  ++events_;
  feed_u64(static_cast<std::uint64_t>(event.time.ns()));
  feed_u32(event.node.value);
  feed_text(event.kind);
  feed_u32(static_cast<std::uint32_t>(event.fields.size()));
  for (const TraceField& field : event.fields) {
    feed_text(field.key);
    const auto type = static_cast<std::uint8_t>(field.value.type());
    feed(&type, 1);
    if (field.value.type() == TraceValue::Type::text) {
      feed_text(field.value.text());
    } else {
      feed_u64(static_cast<std::uint64_t>(field.value.integer()));
    }
  }
}

void TraceHasher::feed(const void* bytes, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(bytes);
  std::uint64_t h = hash_;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  hash_ = h;
}

// Integers are fed little-endian byte by byte, so the fingerprint does not depend on the host.
void TraceHasher::feed_u32(std::uint32_t v) {
  unsigned char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  feed(b, 4);
}

void TraceHasher::feed_u64(std::uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  feed(b, 8);
}

void TraceHasher::feed_text(std::string_view text) {
  feed_u32(static_cast<std::uint32_t>(text.size()));
  feed(text.data(), text.size());
}

std::string format_hash(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace ksim::sim
