// NodeId: the dense index of a node in its simulation, a strong type so it never mixes with
// counts, offsets or broker ids.
#pragma once

#include <compare>
#include <cstdint>

namespace ksim::sim {

struct NodeId {
  std::uint32_t value = UINT32_MAX;

  static constexpr NodeId none() { return NodeId{}; }
  constexpr bool valid() const { return value != UINT32_MAX; }
  constexpr auto operator<=>(const NodeId&) const = default;
};

}  // namespace ksim::sim
