// The report of a run, for people (text) and for scripts (JSON).
#pragma once

#include <string>

#include "core/scenario/runner.hpp"

namespace ksim::core {

// The timeline of what mattered, the figures, and every expectation with ✓ or ✗; under a failed
// expectation, the timeline entries that bear on it.
std::string text_report(const RunResult& result);
// One JSON object: scenario, file, variant, seed, trace_hash, events, passed, figures,
// expectations [{expr, actual, passed}], timeline [{at_ms, kind, text}].
std::string json_report(const RunResult& result);

}  // namespace ksim::core
