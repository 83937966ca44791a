#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "core/scenario/fault_type.hpp"

using namespace ksim::core;

TEST_CASE("fault types: one name each, read back to the same type", "[core][scenario]") {
  const std::vector<std::string> names = fault_type_names();
  CHECK(names.size() == static_cast<std::size_t>(FaultType::set_config) + 1);
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  for (int i = 0; i <= static_cast<int>(FaultType::set_config); ++i) {
    const auto type = static_cast<FaultType>(i);
    INFO(fault_type_name(type));
    CHECK(parse_fault_type(fault_type_name(type)) == type);
  }
  CHECK_FALSE(parse_fault_type("power_loss").has_value());  // scenario files spell it power-loss
  CHECK(node_fault(FaultType::power_loss) == ksim::sim::FaultKind::power_loss);
  CHECK(node_fault(FaultType::isolate) == ksim::sim::FaultKind::isolate);
  CHECK_FALSE(node_fault(FaultType::slow).has_value());  // a consumer's application, not its node
  CHECK(names_target(FaultType::slow));
  CHECK_FALSE(names_target(FaultType::partition));
  CHECK(between_sides(FaultType::restore_link));
  CHECK_FALSE(between_sides(FaultType::isolate));
}

TEST_CASE("fault types: the scenario format page names every one", "[core][scenario]") {
  std::ifstream in(std::string(KSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  REQUIRE(in);
  std::stringstream page;
  page << in.rdbuf();
  for (const std::string& name : fault_type_names()) {
    INFO(name);
    CHECK(page.str().find("`" + name + "`") != std::string::npos);
  }
}
