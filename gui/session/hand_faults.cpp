#include "gui/session/hand_faults.hpp"

#include <nlohmann/json.hpp>

namespace ksim::gui::hand_fault {
namespace {

using Json = nlohmann::ordered_json;

Json between(const std::string& a, const std::string& b) { return Json::array({Json::array({a}), Json::array({b})}); }

}  // namespace

std::string on_node(core::FaultType type, const std::string& node) {
  return Json{{"do", std::string(core::fault_type_name(type))}, {"target", node}}.dump();
}

std::string cut_link(const std::string& from, const std::string& to, bool one_way) {
  Json f{{"do", "partition"}, {"between", between(from, to)}};
  if (one_way) f["one_way"] = true;
  return f.dump();
}

std::string slow_link(const std::string& a, const std::string& b, int latency_ms, double loss) {
  Json f{{"do", "slow-link"}, {"between", between(a, b)}, {"latency", std::to_string(latency_ms) + "ms"}};
  if (loss > 0) f["loss"] = loss;
  return f.dump();
}

std::string heal_link(const std::string& a, const std::string& b) {
  return Json{{"do", "heal"}, {"between", between(a, b)}}.dump();
}

std::string restore_link(const std::string& a, const std::string& b) {
  return Json{{"do", "restore-link"}, {"between", between(a, b)}}.dump();
}

std::string slow_consumer(const std::string& member, double factor) {
  return Json{{"do", "slow"}, {"target", member}, {"factor", factor}}.dump();
}

std::string add_consumer(const std::string& group) { return Json{{"do", "add-consumer"}, {"group", group}}.dump(); }

std::string set_config(const std::string& target, const std::string& key, const std::string& value_json) {
  Json value = Json::parse(value_json, nullptr, false);
  if (value.is_discarded()) value = value_json;  // a bare word: the text itself
  return Json{{"do", "set-config"}, {"target", target}, {"config", {{key, value}}}}.dump();
}

}  // namespace ksim::gui::hand_fault
