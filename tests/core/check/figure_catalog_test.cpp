#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "core/check/figure_catalog.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/runner.hpp"

using namespace ksim::core;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(std::string(KSIM_SOURCE_DIR) + "/" + path);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A figure as a run names it, without its argument, and whether it has one.
std::pair<std::string, bool> split(const std::string& figure) {
  const std::size_t open = figure.find('[');
  return {figure.substr(0, open), open != std::string::npos};
}

}  // namespace

TEST_CASE("figure catalogue: a run reports exactly the catalogued figures, each explained", "[core][check]") {
  const Scenario s = parse_scenario(R"({"name": "t", "duration": "3s", "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 2, "replication.factor": 3}],
      "producers": [{"name": "p", "topic": "orders", "rate": 200}],
      "consumers": [{"group": "billing", "topics": ["orders"]}]})",
                                    "catalog.json");
  ScenarioRun run(s, {});
  const RunResult r = run.run_to_end();
  std::set<std::pair<std::string, bool>> reported;
  for (const auto& [figure, value] : r.figures) {
    INFO(figure);
    CHECK_FALSE(figure_meaning(figure).empty());  // every reported figure is in the catalogue
    reported.insert(split(figure));
  }
  for (const FigureInfo& f : figure_catalog()) {
    INFO(f.name);
    CHECK_FALSE(f.meaning.empty());
    // produce_errors[CODE] appears only when a send failed with CODE.
    if (f.argument == FigureArgument::error_code) continue;
    CHECK(reported.count({std::string(f.name), f.argument != FigureArgument::none}) == 1);
  }
  for (const InvariantInfo& i : invariant_catalog()) {
    CHECK(invariant_name(i.invariant) == i.name);
    CHECK(r.figures.count("invariant_violations[" + std::string(i.name) + "]") == 1);
  }
}

TEST_CASE("figure catalogue: the scenario format page and the JSON Schema name every figure", "[core][check]") {
  const std::string page = read_file("docs/scenario-format.md");
  const nlohmann::json schema = nlohmann::json::parse(read_file("scenarios/schema.json"));
  const std::string pattern = schema.at("properties").at("expect").at("items").at("pattern").get<std::string>();
  const std::string variant_pattern = schema.at("properties")
                                          .at("variants")
                                          .at("items")
                                          .at("properties")
                                          .at("expect")
                                          .at("items")
                                          .at("pattern")
                                          .get<std::string>();
  CHECK(variant_pattern == pattern);
  // The schema's alternation of names: ^(a|b|c)(...
  const std::size_t open = pattern.find('(');
  const std::size_t close = pattern.find(')');
  REQUIRE(open != std::string::npos);
  std::set<std::string> in_schema;
  std::stringstream names(pattern.substr(open + 1, close - open - 1));
  for (std::string name; std::getline(names, name, '|');) in_schema.insert(name);
  std::set<std::string> catalogued;
  for (const FigureInfo& f : figure_catalog()) {
    catalogued.insert(std::string(f.name));
    INFO(f.name);
    const std::string with_argument = std::string(f.name) + "[";
    CHECK((page.find("`" + std::string(f.name) + "`") != std::string::npos || page.find("`" + with_argument) != std::string::npos));
  }
  CHECK(in_schema == catalogued);
  for (const InvariantInfo& i : invariant_catalog()) CHECK(page.find("`" + std::string(i.name) + "`") != std::string::npos);
}
