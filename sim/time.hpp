// Simulated time: integer nanoseconds, never floating point.
//
// `Time` is a point on the simulated clock (nanoseconds since the run began) and `Duration` is a
// span between two points. Keeping them apart lets the compiler reject `time + time`, while
// `time + duration` and `time - time` read the way they mean.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace ksim::sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ns(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ns() const { return ns_; }
  // Whole milliseconds, rounded toward zero (Kafka configs are in ms).
  constexpr std::int64_t ms() const { return ns_ / 1'000'000; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(std::int64_t k) const { return Duration(ns_ / k); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

constexpr Duration nanoseconds(std::int64_t n) { return Duration::from_ns(n); }
constexpr Duration microseconds(std::int64_t n) { return Duration::from_ns(n * 1'000); }
constexpr Duration milliseconds(std::int64_t n) { return Duration::from_ns(n * 1'000'000); }
constexpr Duration seconds(std::int64_t n) { return Duration::from_ns(n * 1'000'000'000); }
constexpr Duration minutes(std::int64_t n) { return seconds(n * 60); }

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ns(std::int64_t ns) { return Time(ns); }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr Duration since_start() const { return Duration::from_ns(ns_); }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return Time(ns_ + d.ns()); }
  constexpr Time operator-(Duration d) const { return Time(ns_ - d.ns()); }
  constexpr Duration operator-(Time o) const { return Duration::from_ns(ns_ - o.ns_); }

 private:
  constexpr explicit Time(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

// Reads a duration written as a decimal number and a unit: "250ms", "5s", "1.5s", "2m", "100us",
// "40ns", "1h". Exact: the value must come to a whole number of nanoseconds. On failure it returns
// false and fills `error` with what is wrong and what would be accepted.
bool parse_duration(std::string_view text, Duration& out, std::string& error);

// Prints a duration in the largest unit that keeps it short and exact: "1.5s", "250ms", "100us",
// "42ns". parse_duration(format_duration(d)) == d for every non-negative d.
std::string format_duration(Duration d);

// A point in time, printed as its distance from the start of the run ("12.5s").
inline std::string format_time(Time t) { return format_duration(t.since_start()); }

}  // namespace ksim::sim
