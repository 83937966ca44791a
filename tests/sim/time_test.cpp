#include <catch2/catch.hpp>
#include <string>

#include "sim/time.hpp"

using namespace ksim::sim;

namespace {
Duration parsed(const std::string& text) {
  Duration d;
  std::string error;
  REQUIRE(parse_duration(text, d, error));
  return d;
}
std::string rejection(const std::string& text) {
  Duration d;
  std::string error;
  REQUIRE_FALSE(parse_duration(text, d, error));
  return error;
}
}  // namespace

TEST_CASE("durations: the units of scenario files parse exactly", "[sim][time]") {
  CHECK(parsed("250ms") == milliseconds(250));
  CHECK(parsed("5s") == seconds(5));
  CHECK(parsed("1.5s") == milliseconds(1500));
  CHECK(parsed("2m") == minutes(2));
  CHECK(parsed("100us") == microseconds(100));
  CHECK(parsed("40ns") == nanoseconds(40));
  CHECK(parsed("1h") == minutes(60));
  CHECK(parsed("0.001ms") == nanoseconds(1000));
  CHECK(parsed("0s") == Duration{});
  CHECK(parsed(".5s") == milliseconds(500));
}

TEST_CASE("durations: anything else is refused with a reason and a hint", "[sim][time]") {
  CHECK(rejection("").find("empty") != std::string::npos);
  CHECK(rejection("5").find("unit is missing") != std::string::npos);
  CHECK(rejection("5 s").find("unknown unit") != std::string::npos);
  CHECK(rejection("5sec").find("unknown unit \"sec\"") != std::string::npos);
  CHECK(rejection("-5s").find("does not start with a number") != std::string::npos);
  CHECK(rejection("1.5ns").find("finer than one nanosecond") != std::string::npos);
  CHECK(rejection("1.s").find("digits after") != std::string::npos);
  CHECK(rejection("99999999999999999999s").find("too large") != std::string::npos);
  CHECK(rejection("9999999999h").find("too long") != std::string::npos);
  CHECK(rejection("ms").find("for example") != std::string::npos);
}

TEST_CASE("durations: printed short and exact, and read back to the same value", "[sim][time]") {
  CHECK(format_duration(milliseconds(1500)) == "1.5s");
  CHECK(format_duration(milliseconds(250)) == "250ms");
  CHECK(format_duration(microseconds(100)) == "100us");
  CHECK(format_duration(nanoseconds(42)) == "42ns");
  CHECK(format_duration(minutes(2)) == "120s");
  CHECK(format_duration(nanoseconds(1'000'000'001)) == "1.000000001s");
  CHECK(format_duration(Duration{}) == "0ns");
  CHECK(format_duration(milliseconds(-3)) == "-3ms");
  for (const std::int64_t ns : {0LL, 1LL, 999LL, 1000LL, 1234567LL, 1'000'000'000LL,
                                 61'000'000'001LL, 3'600'000'000'000LL}) {
    CHECK(parsed(format_duration(nanoseconds(ns))) == nanoseconds(ns));
  }
}

TEST_CASE("time: points and spans combine the way they mean", "[sim][time]") {
  const Time t = Time::zero() + seconds(2);
  CHECK((t + milliseconds(500)) - t == milliseconds(500));
  CHECK(t.ns() == 2'000'000'000);
  CHECK(format_time(t) == "2s");
  CHECK(milliseconds(1500).ms() == 1500);
}
