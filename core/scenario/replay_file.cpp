#include "core/scenario/replay_file.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/scenario/fault_type.hpp"
#include "core/scenario/loader.hpp"

namespace ksim::core {
namespace {

using Json = nlohmann::ordered_json;

std::string instant(sim::Time t) { return sim::format_duration(t - sim::Time::zero()); }

// A fault as the scenario format writes it (docs/scenario-format.md, "faults").
Json fault_json(const FaultSpec& f) {
  Json j;
  j["at"] = instant(f.at);
  j["do"] = std::string(fault_type_name(f.type));
  if (names_target(f.type)) j["target"] = f.target;
  if (!f.between.empty()) {
    Json sides = Json::array();
    sides.push_back(f.between[0]);
    if (f.between[1] == std::vector<std::string>{"rest"}) {
      sides.push_back("rest");
    } else {
      sides.push_back(f.between[1]);
    }
    j["between"] = sides;
  }
  if (f.one_way) j["one_way"] = true;
  switch (f.type) {
    case FaultType::slow_link:
      // Every field: the loader starts from the cluster's network and overrides what is given.
      j["latency"] = sim::format_duration(f.link.latency);
      j["jitter"] = sim::format_duration(f.link.jitter);
      j["loss"] = f.link.loss;
      if (f.link.bandwidth_bps != 0) j["bandwidth"] = std::to_string(f.link.bandwidth_bps) + "bps";
      break;
    case FaultType::slow: j["factor"] = f.factor; break;
    case FaultType::add_consumer:
      j["group"] = f.group;
      j["count"] = f.count;
      break;
    case FaultType::add_partitions:
      j["topic"] = f.topic;
      j["partitions"] = f.partitions;
      break;
    case FaultType::set_config:
    case FaultType::reset_offsets:
      throw std::invalid_argument("a replay file does not write " + std::string(fault_type_name(f.type)) + " faults");
    default: break;
  }
  return j;
}

}  // namespace

std::string replay_document(const std::string& path, const std::optional<std::string>& variant, std::uint64_t seed,
                            const std::vector<FaultSpec>& extra, const std::string& title) {
  Json doc = Json::parse(scenario_document(path, variant));
  const Scenario read = load_scenario(path, variant);  // the file's own faults, with their times
  // The file's faults first, then the extra ones, each kept in place among equal times: the
  // order the run scheduled them in (ksim explore sorts them so, stably).
  struct Entry {
    sim::Time at;
    Json fault;
  };
  std::vector<Entry> faults;
  const Json own = doc.contains("faults") ? doc["faults"] : Json::array();
  for (std::size_t i = 0; i < own.size(); ++i) faults.push_back(Entry{read.faults.at(i).at, own[i]});
  for (const FaultSpec& f : extra) faults.push_back(Entry{f.at, fault_json(f)});
  std::stable_sort(faults.begin(), faults.end(), [](const Entry& a, const Entry& b) { return a.at < b.at; });
  doc["faults"] = Json::array();
  for (Entry& e : faults) doc["faults"].push_back(std::move(e.fault));
  doc["seed"] = seed;
  doc["name"] = doc.value("name", std::string("scenario")) + " (" + title + ")";
  return doc.dump(2) + "\n";
}

}  // namespace ksim::core
