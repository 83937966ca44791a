// The bytes every request and response starts with, shared by the messages' wire sizes.
#pragma once

#include <cstdint>

namespace ksim::core::wire {

// Request header v2: size, api key, version, correlation id, client id (~10 bytes), tagged
// fields. Response header: size, correlation id, tagged fields.
inline constexpr std::uint32_t kRequestHeader = 4 + 2 + 2 + 4 + 12 + 1;
inline constexpr std::uint32_t kResponseHeader = 4 + 4 + 1;

}  // namespace ksim::core::wire
