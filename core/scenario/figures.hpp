// The figures a run produces (what the checkers measured) and the expectations on them.
//
// A figure is a name, optionally with an argument in brackets: "acked_lost",
// "duplicates_processed[billing]", "produce_errors[NOT_ENOUGH_REPLICAS]",
// "unavailable_ms[orders-0]". An expectation compares one with a number: "acked_lost == 0".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace ksim::core {

using Figures = std::map<std::string, double>;

// Parses "FIGURE OP VALUE" (OP one of == != < <= > >=).
bool parse_expectation(const std::string& text, Expectation& out, std::string& error);
// Empty when `figure` names a figure this scenario can produce; otherwise what is wrong with it
// (an unknown figure, or a group, partition or error code the scenario does not have).
std::string check_figure_name(const Scenario& scenario, const std::string& figure);
// Whether the expectation holds; `actual` is the figure's value (0 for a figure that counts
// nothing, such as produce_errors of a code that never happened).
bool expectation_holds(const Expectation& e, const Figures& figures, double& actual);
// The p-th quantile (0 to 1, nearest rank) of `values`; 0 when there are none.
double percentile(std::vector<double> values, double p);

}  // namespace ksim::core
