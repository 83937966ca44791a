// StrongId: an integer with a meaning of its own, so that two kinds of id cannot be mixed up
// without saying so (Redpanda's named_type). It compares and orders like its integer, and
// converts only explicitly: `ProducerId{42}`, `id.value()`. No arithmetic: an id is a name.
#pragma once

#include <compare>

namespace ksim::core {

template <typename Integer, typename Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(Integer value) : value_(value) {}
  constexpr Integer value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Integer value_{};
};

}  // namespace ksim::core
