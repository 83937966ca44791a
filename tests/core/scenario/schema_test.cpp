#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/scenario/config_keys.hpp"
#include "core/scenario/loader.hpp"

using namespace ksim::core;
using Json = nlohmann::json;

namespace {

Json schema() {
  std::ifstream in(std::string(KSIM_SOURCE_DIR) + "/scenarios/schema.json");
  REQUIRE(in);
  return Json::parse(in);
}

std::set<std::string> property_names(const Json& object_schema) {
  std::set<std::string> names;
  for (const auto& [key, value] : object_schema.at("properties").items()) names.insert(key);
  return names;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("scenario schema: every section lists exactly the keys the loader accepts", "[core][scenario][schema]") {
  const Json s = schema();
  const Json& p = s.at("properties");
  CHECK(property_names(s) == as_set(scenario_section_keys("scenario")));
  CHECK(property_names(p.at("cluster")) == as_set(scenario_section_keys("cluster")));
  CHECK(property_names(p.at("cluster").at("properties").at("network")) == as_set(scenario_section_keys("network")));
  CHECK(property_names(p.at("topics").at("items")) == as_set(scenario_section_keys("topic")));
  CHECK(property_names(p.at("producers").at("items")) == as_set(scenario_section_keys("producer")));
  CHECK(property_names(p.at("consumers").at("items")) == as_set(scenario_section_keys("consumer")));
  CHECK(property_names(p.at("faults").at("items")) == as_set(scenario_section_keys("fault")));
  CHECK(property_names(p.at("narration").at("items")) == as_set(scenario_section_keys("narration")));
  CHECK(property_names(p.at("variants").at("items")) == as_set(scenario_section_keys("variant")));
}

TEST_CASE("scenario schema: the config sections list exactly the Kafka keys ksim models", "[core][scenario][schema]") {
  const Json s = schema();
  const Json& p = s.at("properties");
  const auto enum_of = [](const Json& config) {
    std::set<std::string> keys;
    for (const Json& k : config.at("propertyNames").at("enum")) keys.insert(k.get<std::string>());
    return keys;
  };
  CHECK(enum_of(p.at("cluster").at("properties").at("config")) == as_set(known_config_keys("broker")));
  CHECK(enum_of(p.at("topics").at("items").at("properties").at("config")) == as_set(known_config_keys("topic")));
  CHECK(enum_of(p.at("producers").at("items").at("properties").at("config")) == as_set(known_config_keys("producer")));
  CHECK(enum_of(p.at("consumers").at("items").at("properties").at("config")) == as_set(known_config_keys("consumer")));
}
