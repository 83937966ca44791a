#include "core/scenario/figures.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check/figure_catalog.hpp"
#include "core/check/percentile_samples.hpp"
#include "core/protocol/error_code.hpp"
#include "core/scenario/config_keys.hpp"

namespace ksim::core {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

bool parse_expectation(const std::string& text, Expectation& out, std::string& error) {
  static const std::vector<std::string> kOps{"==", "!=", "<=", ">=", "<", ">"};
  for (const std::string& op : kOps) {
    const auto at = text.find(op);
    if (at == std::string::npos) continue;
    std::string figure = text.substr(0, at);
    std::string value = text.substr(at + op.size());
    const auto trim = [](std::string& s) {
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
    };
    trim(figure);
    trim(value);
    if (figure.empty()) break;
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (value.empty() || end == nullptr || *end != '\0' || !std::isfinite(number)) {
      error = "\"" + text + "\": the right side must be a number";
      return false;
    }
    out.figure = figure;
    out.op = op;
    out.value = number;
    return true;
  }
  error = "\"" + text + "\" is not an expectation; write FIGURE OP NUMBER, e.g. \"acked_lost == 0\"";
  return false;
}

std::string check_figure_name(const Scenario& s, const std::string& figure) {
  const auto open = figure.find('[');
  const std::string name = figure.substr(0, open);
  std::string argument;
  if (open != std::string::npos) {
    if (figure.back() != ']') return "\"" + figure + "\": a figure's argument goes in brackets, e.g. rebalances[billing]";
    argument = figure.substr(open + 1, figure.size() - open - 2);
  }
  if (argument.empty() && find_figure(name, false) != nullptr) return {};
  if (const FigureInfo* f = find_figure(name, true)) {
    switch (f->argument) {
      case FigureArgument::group:
        if (argument.empty()) return "\"" + name + "\" needs a group: " + name + "[GROUP]";
        for (const ConsumerSpec& c : s.consumers) {
          if (c.group == argument || (c.group.empty() && c.name == argument)) return {};
        }
        return "\"" + figure + "\": no consumer group or consumer \"" + argument + "\" is defined";
      case FigureArgument::error_code:
        if (parse_error_name(argument)) return {};
        return "\"" + figure + "\": \"" + argument + "\" is not a Kafka error name (e.g. NOT_ENOUGH_REPLICAS)";
      case FigureArgument::partition:
        for (const TopicSpec& t : s.topics) {
          for (std::int32_t p = 0; p < t.partitions; ++p) {
            if (argument == TopicPartition{t.name, p}.str()) return {};
          }
        }
        return "\"" + figure + "\": partition \"" + argument + "\" does not exist";
      case FigureArgument::invariant: {
        std::string names;
        for (const InvariantInfo& i : invariant_catalog()) {
          if (i.name == argument) return {};
          names += (names.empty() ? "" : ", ") + std::string(i.name);
        }
        return "\"" + figure + "\": the invariants are " + names;
      }
      case FigureArgument::none: break;
    }
  }
  std::vector<std::string> all;
  for (const FigureInfo& f : figure_catalog()) {
    if (!contains(all, std::string(f.name))) all.emplace_back(f.name);
  }
  const std::string suggestion = did_you_mean(name, all);
  return "\"" + figure + "\" is not a figure" +
         (suggestion.empty() ? std::string("; docs/scenario-format.md lists them") : "; did you mean \"" + suggestion + "\"?");
}

bool expectation_holds(const Expectation& e, const Figures& figures, double& actual) {
  const auto it = figures.find(e.figure);
  actual = it == figures.end() ? 0.0 : it->second;
  if (e.op == "==") return actual == e.value;
  if (e.op == "!=") return actual != e.value;
  if (e.op == "<") return actual < e.value;
  if (e.op == "<=") return actual <= e.value;
  if (e.op == ">") return actual > e.value;
  return actual >= e.value;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[percentile_rank(values.size(), p)];
}

}  // namespace ksim::core
