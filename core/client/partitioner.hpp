// Which partition a record goes to, bit for bit as the Java producer decides.
//
// An explicit partition wins. A keyed record goes to toPositive(murmur2(keyBytes)) % partitions,
// where murmur2 is Kafka's own variant (seed 0x9747b28c) and toPositive clears the sign bit
// (it is not Math.abs: abs(Integer.MIN_VALUE) would stay negative). A record without a key, or
// any record when partitioner.ignore.keys is set, uses the built-in sticky partitioner (stay on a
// partition until its batch is sent, then move) or, for comparison, the round-robin of old.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ksim::core {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) of a byte string.
std::int32_t murmur2(std::span<const std::uint8_t> data);
inline std::int32_t murmur2(std::string_view text) {
  return murmur2(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// Utils.toPositive: the sign bit cleared.
constexpr std::int32_t to_positive(std::int32_t number) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(number) & 0x7fffffffU);
}

// The partition of a keyed record among `partitions` (> 0).
inline std::int32_t partition_for_key(std::span<const std::uint8_t> key, std::int32_t partitions) {
  return to_positive(murmur2(key)) % partitions;
}

}  // namespace ksim::core
