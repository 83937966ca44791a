#include "sim/time.hpp"

#include <array>
#include <cstdint>

namespace ksim::sim {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ns;
};

// Longest suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 6> kUnits{{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

constexpr std::string_view kAccepted =
    "write a non-negative number and a unit: ns, us, ms, s, m or h (for example \"250ms\", "
    "\"1.5s\", \"2m\")";

bool fail(std::string& error, std::string_view text, std::string_view why) {
  error = "bad duration \"" + std::string(text) + "\": " + std::string(why) + "; " +
          std::string(kAccepted);
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool parse_duration(std::string_view text, Duration& out, std::string& error) {
  std::size_t pos = 0;
  std::int64_t whole = 0;
  std::size_t whole_digits = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (__builtin_mul_overflow(whole, 10, &whole) ||
        __builtin_add_overflow(whole, text[pos] - '0', &whole)) {
      return fail(error, text, "the number is too large");
    }
    ++pos;
    ++whole_digits;
  }
  std::int64_t fraction = 0;
  std::int64_t fraction_scale = 1;
  std::size_t fraction_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (fraction_digits == 18) return fail(error, text, "too many decimals");
      fraction = fraction * 10 + (text[pos] - '0');
      fraction_scale *= 10;
      ++pos;
      ++fraction_digits;
    }
    if (fraction_digits == 0) return fail(error, text, "a decimal point needs digits after it");
  }
  if (whole_digits == 0 && fraction_digits == 0) {
    return fail(error, text, text.empty() ? "it is empty" : "it does not start with a number");
  }
  const std::string_view suffix = text.substr(pos);
  if (suffix.empty()) return fail(error, text, "the unit is missing");

  for (const Unit& unit : kUnits) {
    if (unit.suffix != suffix) continue;
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(whole, unit.ns, &ns)) {
      return fail(error, text, "it is too long to represent");
    }
    // The fraction must come to whole nanoseconds: 1.5ns is refused rather than rounded.
    __int128 fraction_ns = static_cast<__int128>(fraction) * unit.ns;
    if (fraction_ns % fraction_scale != 0) {
      return fail(error, text, "it is finer than one nanosecond");
    }
    if (__builtin_add_overflow(ns, static_cast<std::int64_t>(fraction_ns / fraction_scale), &ns)) {
      return fail(error, text, "it is too long to represent");
    }
    out = Duration::from_ns(ns);
    return true;
  }
  return fail(error, text, "unknown unit \"" + std::string(suffix) + "\"");
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.ns();
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;  // INT64_MIN is not a duration the simulator produces.
  }
  struct Scale {
    std::int64_t ns;
    std::string_view suffix;
    int decimals;
  };
  constexpr std::array<Scale, 3> kScales{{
      {1'000'000'000, "s", 9},
      {1'000'000, "ms", 6},
      {1'000, "us", 3},
  }};
  for (const Scale& scale : kScales) {
    if (ns < scale.ns) continue;
    std::string text = sign + std::to_string(ns / scale.ns);
    std::int64_t rest = ns % scale.ns;
    if (rest != 0) {
      std::string digits = std::to_string(rest);
      digits.insert(0, static_cast<std::size_t>(scale.decimals) - digits.size(), '0');
      while (digits.back() == '0') digits.pop_back();
      text += "." + digits;
    }
    return text + std::string(scale.suffix);
  }
  return sign + std::to_string(ns) + "ns";
}

}  // namespace ksim::sim
