#include "core/client/partitioner.hpp"

namespace ksim::core {

std::int32_t murmur2(std::span<const std::uint8_t> data) {
  // Java's int arithmetic wraps; unsigned 32-bit arithmetic gives the same bits here.
  const auto length = static_cast<std::uint32_t>(data.size());
  constexpr std::uint32_t kSeed = 0x9747b28cU;
  constexpr std::uint32_t m = 0x5bd1e995U;
  constexpr int r = 24;
  std::uint32_t h = kSeed ^ length;
  const std::uint32_t blocks = length / 4;
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const std::uint32_t at = i * 4;
    std::uint32_t k = static_cast<std::uint32_t>(data[at]) | (static_cast<std::uint32_t>(data[at + 1]) << 8) |
                      (static_cast<std::uint32_t>(data[at + 2]) << 16) |
                      (static_cast<std::uint32_t>(data[at + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::uint32_t tail = length & ~3U;
  switch (length % 4) {
    case 3:
      h ^= static_cast<std::uint32_t>(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<std::uint32_t>(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<std::uint32_t>(data[tail]);
      h *= m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

}  // namespace ksim::core
