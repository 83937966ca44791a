// The words a node and the network share about connections (sim/network.hpp has the rules).
#pragma once

#include <cstdint>

namespace ksim::sim {

// How a connection's client sees it.
enum class ConnectionState : std::uint8_t { closed, connecting, established };

// Which connection a message rides: the one its sender opened (a request), or the one its
// receiver opened (a response).
enum class Stream : std::uint8_t { request, response };

}  // namespace ksim::sim
