#include "core/scenario/report.hpp"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/check/figure_catalog.hpp"

namespace ksim::core {
namespace {

std::string hex(std::uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, v);
  return buffer;
}

std::string number(double v) {
  char buffer[32];
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) {
    std::snprintf(buffer, sizeof buffer, "%" PRId64, static_cast<std::int64_t>(v));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
  }
  return buffer;
}

std::string at(sim::Time t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%9.3fs", static_cast<double>((t - sim::Time::zero()).ns()) / 1e9);
  return buffer;
}

// The timeline categories that explain a figure: what a failed expectation on it should show.
bool bears_on(const std::string& figure, const std::string& kind) {
  if (kind == "narration") return false;
  const bool group_figure = figure.find('[') != std::string::npos && figure.rfind("produce_errors", 0) != 0 &&
                            figure.rfind("unavailable_ms", 0) != 0 && figure.rfind("invariant", 0) != 0;
  if (group_figure) return kind == "rebalance" || kind == "fault" || kind == "error";
  return kind == "fault" || kind == "election" || kind == "truncation" || kind == "isr" || kind == "error";
}

}  // namespace

std::string text_report(const RunResult& r) {
  std::string out = r.scenario + (r.variant.empty() ? std::string() : "  [variant " + r.variant + "]") + "\n";
  out += "  " + r.file + ", seed " + std::to_string(r.seed) + ", ran to" + at(r.ended) + "\n\ntimeline\n";
  for (const TimelineEntry& e : r.timeline) {
    char kind[16];
    std::snprintf(kind, sizeof kind, "%-10s", e.kind.c_str());
    out += "  " + at(e.at) + "  " + kind + " " + e.text + "\n";
  }
  out += "\nfigures\n";
  for (const auto& [name, value] : r.figures) {
    if (value == 0 && name.find('[') != std::string::npos && name.rfind("produce_errors", 0) == 0) continue;
    char line[160];
    std::snprintf(line, sizeof line, "  %-40s %s\n", name.c_str(), number(value).c_str());
    out += line;
  }
  out += "\nexpectations\n";
  for (const ExpectationResult& e : r.expectations) {
    out += std::string("  ") + (e.passed ? "\u2713 " : "\u2717 ") + e.expr + "   (actual " + number(e.actual) + ")\n";
    if (e.passed) continue;
    const std::string figure = e.expr.substr(0, e.expr.find_first_of(" =!<>"));
    // What the figure measures, then what in the run bears on it.
    if (const std::string_view meaning = figure_meaning(figure); !meaning.empty()) {
      out += "      (" + figure + ": " + std::string(meaning) + ")\n";
    }
    int shown = 0;
    for (const TimelineEntry& t : r.timeline) {
      if (!bears_on(figure, t.kind) || ++shown > 8) continue;
      out += "      " + at(t.at) + "  " + t.text + "\n";
    }
  }
  if (r.expectations.empty()) out += "  (none)\n";
  out += std::string("\n") + (r.passed() ? "PASSED" : "FAILED") + "  trace_hash=" + hex(r.trace_hash) +
         " events=" + std::to_string(r.events) + "\n";
  return out;
}

std::string json_report(const RunResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["file"] = r.file;
  j["variant"] = r.variant;
  j["seed"] = r.seed;
  j["trace_hash"] = hex(r.trace_hash);
  j["events"] = r.events;
  j["passed"] = r.passed();
  nlohmann::ordered_json figures = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.figures) figures[name] = value;
  j["figures"] = figures;
  nlohmann::ordered_json expectations = nlohmann::ordered_json::array();
  for (const ExpectationResult& e : r.expectations) {
    expectations.push_back({{"expr", e.expr}, {"actual", e.actual}, {"passed", e.passed}});
  }
  j["expectations"] = expectations;
  nlohmann::ordered_json timeline = nlohmann::ordered_json::array();
  for (const TimelineEntry& e : r.timeline) {
    timeline.push_back({{"at_ms", static_cast<double>((e.at - sim::Time::zero()).ns()) / 1e6}, {"kind", e.kind}, {"text", e.text}});
  }
  j["timeline"] = timeline;
  return j.dump();
}

}  // namespace ksim::core
