// Replay files: a scenario file that replays one run exactly, so that a seed `ksim explore` found
// failing can be opened with `ksim run` or in the GUI and stepped through. It is the explored
// file's document as the run read it (scenario_document: the variant merged in), with the run's
// seed and the extra faults the seed drew, placed among the file's own faults in the order the
// run fired them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace ksim::core {

// The replay document as JSON text. `extra` holds faults of the kinds `ksim explore` draws (node
// faults, cuts and heals, slow and restored links; set-config and reset-offsets are not written:
// throws std::invalid_argument for them). `title` is appended to the scenario's name.
std::string replay_document(const std::string& path, const std::optional<std::string>& variant, std::uint64_t seed,
                            const std::vector<FaultSpec>& extra, const std::string& title);

}  // namespace ksim::core
