// StrongInt: an integer quantity with a meaning of its own (a log offset, a leader epoch, a broker
// id), so that one cannot be passed where another is meant: an epoch where an offset is
// expected, a broker id where a partition index is. It is made from a plain integer implicitly
// (`Offset o = 0`, `BrokerId b = 1`, a literal reads as it did), never from another kind, and it
// gives its integer back only when asked (`o.value()`). Arithmetic keeps the kind where it means
// something: an offset plus a count is an offset, two offsets apart are a count.
//
// StrongId (strong_id.hpp) is the stricter sibling for names that are never computed with.
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace ksim::core {

template <typename Integer, typename Tag>
class StrongInt {
 public:
  using value_type = Integer;

  constexpr StrongInt() = default;
  // From any plain integer type no wider than the value (a wider one needs an explicit cast).
  template <std::integral T>
    requires(sizeof(T) <= sizeof(Integer))
  constexpr StrongInt(T value) : value_(static_cast<Integer>(value)) {}  // NOLINT(google-explicit-constructor)

  constexpr Integer value() const { return value_; }
  constexpr auto operator<=>(const StrongInt&) const = default;
  constexpr bool operator==(const StrongInt&) const = default;

  constexpr StrongInt& operator++() {
    ++value_;
    return *this;
  }
  constexpr StrongInt operator++(int) {
    StrongInt before = *this;
    ++value_;
    return before;
  }
  constexpr StrongInt& operator--() {
    --value_;
    return *this;
  }
  template <std::integral T>
  constexpr StrongInt& operator+=(T count) {
    value_ = static_cast<Integer>(value_ + count);
    return *this;
  }
  template <std::integral T>
  constexpr StrongInt& operator-=(T count) {
    value_ = static_cast<Integer>(value_ - count);
    return *this;
  }
  // A quantity moved by a count stays a quantity of its kind.
  template <std::integral T>
  friend constexpr StrongInt operator+(StrongInt a, T count) {
    return StrongInt(static_cast<Integer>(a.value_ + count));
  }
  template <std::integral T>
  friend constexpr StrongInt operator-(StrongInt a, T count) {
    return StrongInt(static_cast<Integer>(a.value_ - count));
  }
  // How far apart two quantities of a kind are: a plain count.
  friend constexpr Integer operator-(StrongInt a, StrongInt b) { return static_cast<Integer>(a.value_ - b.value_); }

  friend std::string to_string(StrongInt v) { return std::to_string(v.value_); }
  friend std::ostream& operator<<(std::ostream& out, StrongInt v) { return out << v.value_; }

 private:
  Integer value_{};
};

}  // namespace ksim::core

template <typename Integer, typename Tag>
struct std::hash<ksim::core::StrongInt<Integer, Tag>> {
  std::size_t operator()(ksim::core::StrongInt<Integer, Tag> v) const noexcept { return std::hash<Integer>{}(v.value()); }
};
