// The trace: structured events (time, node, kind, fields) that every meaningful step emits.
//
// Sinks consume them: the running hash (the determinism fingerprint), a JSON Lines file, or any
// in-process listener (the GUI, checkers, metrics). With no sink attached, emit() returns after
// one branch, so tracing costs next to nothing when nobody listens.
//
// Events are passed by reference and live only for the call: strings are views into the caller's
// data, so a sink that keeps an event must copy what it needs.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/node_id.hpp"
#include "sim/time.hpp"

namespace ksim::sim {

class TraceValue {
 public:
  enum class Type : std::uint8_t { integer = 0, text = 1, node = 2 };

  constexpr TraceValue(std::int64_t v) : type_(Type::integer), integer_(v) {}  // NOLINT
  constexpr TraceValue(int v) : type_(Type::integer), integer_(v) {}  // NOLINT
  constexpr TraceValue(std::uint32_t v) : type_(Type::integer), integer_(v) {}  // NOLINT
  constexpr TraceValue(std::uint64_t v)  // NOLINT: counters; the hash encodes the same 64 bits
      : type_(Type::integer), integer_(static_cast<std::int64_t>(v)) {}
  constexpr TraceValue(bool v) : type_(Type::integer), integer_(v ? 1 : 0) {}  // NOLINT
  constexpr TraceValue(std::string_view v) : type_(Type::text), text_(v) {}  // NOLINT
  constexpr TraceValue(const char* v) : type_(Type::text), text_(v) {}  // NOLINT
  TraceValue(const std::string& v) : type_(Type::text), text_(v) {}  // NOLINT
  constexpr TraceValue(NodeId v) : type_(Type::node), integer_(v.value) {}  // NOLINT
  // A model's typed integer (an offset, an epoch, a broker id: anything whose value() is an
  // integer) is written as that integer, exactly as the plain integer it wraps would be.
  template <typename Quantity>
    requires requires(const Quantity& q) {
      { q.value() } -> std::integral;
    }
  constexpr TraceValue(const Quantity& v) : type_(Type::integer), integer_(static_cast<std::int64_t>(v.value())) {}  // NOLINT

  constexpr Type type() const { return type_; }
  constexpr std::int64_t integer() const { return integer_; }
  constexpr std::string_view text() const { return text_; }
  constexpr NodeId node() const { return NodeId{static_cast<std::uint32_t>(integer_)}; }

 private:
  Type type_;
  std::int64_t integer_ = 0;
  std::string_view text_;
};

struct TraceField {
  std::string_view key;
  TraceValue value;
};

struct TraceEvent {
  Time time;
  NodeId node;            // NodeId::none() for events of the world itself (an applied fault)
  std::string_view kind;  // dotted, noun then past-tense verb: "node.started", "net.dropped"
  std::span<const TraceField> fields;
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const TraceEvent& event) = 0;
};

class Trace {
 public:
  bool enabled() const { return !sinks_.empty(); }
  void attach(TraceSink& sink);
  void detach(TraceSink& sink);

  void emit(Time time, NodeId node, std::string_view kind,
            std::initializer_list<TraceField> fields = {}) {
    if (sinks_.empty()) return;
    dispatch(TraceEvent{time, node, kind, std::span<const TraceField>(fields.begin(), fields.size())});
  }
  void emit(const TraceEvent& event) {
    if (!sinks_.empty()) dispatch(event);
  }

 private:
  void dispatch(const TraceEvent& event);
  std::vector<TraceSink*> sinks_;
};

// The determinism fingerprint: FNV-1a 64 over a stable byte encoding of every event (documented
// in docs/architecture.md), so two runs match exactly when they emitted the same events.
class TraceHasher final : public TraceSink {
 public:
  void on_event(const TraceEvent& event) override;
  std::uint64_t hash() const { return hash_; }
  std::uint64_t events() const { return events_; }

 private:
  void feed(const void* bytes, std::size_t size);
  void feed_u32(std::uint32_t v);
  void feed_u64(std::uint64_t v);
  void feed_text(std::string_view text);

  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t events_ = 0;
};

// Prints a fingerprint the way every ksim command shows it: 16 lowercase hex digits.
std::string format_hash(std::uint64_t hash);

}  // namespace ksim::sim
