// The catalogue of figures and invariants: every figure a run reports and every replication
// invariant the checker watches, each with the one line that explains it. The loader validates
// expectations against it, the report and the GUI explain figures with it, and tests hold the JSON
// Schema and docs/scenario-format.md to it, so a figure's name is written down once.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ksim::core {

// What goes in a figure's brackets, if anything: "rebalances[billing]", "unavailable_ms[orders-0]".
enum class FigureArgument : std::uint8_t { none, group, partition, error_code, invariant };

struct FigureInfo {
  std::string_view name;
  FigureArgument argument = FigureArgument::none;
  std::string_view meaning;
};

// Every figure, in the order docs/scenario-format.md lists them.
std::span<const FigureInfo> figure_catalog();
// The figure named `name` (without its argument) that takes an argument or not, or null:
// invariant_violations is both a figure alone and one per invariant.
const FigureInfo* find_figure(std::string_view name, bool with_argument);
// The explanation of a figure as a report names it ("rebalances[billing]"); empty if unknown.
std::string_view figure_meaning(std::string_view figure);

// The replication invariants InvariantChecker watches (invariant_checker.hpp explains them).
enum class Invariant : std::uint8_t {
  one_leader_per_epoch,
  hw_monotonic,
  isr_subset_of_replicas,
  leader_in_isr,
  strong_isr,
  quorum_safety,
  metadata_applied_monotonic,
};

struct InvariantInfo {
  Invariant invariant;
  std::string_view name;
  std::string_view meaning;
};

std::span<const InvariantInfo> invariant_catalog();
std::string_view invariant_name(Invariant invariant);

}  // namespace ksim::core
