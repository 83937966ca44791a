#include "core/scenario/lab_library.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/scenario/loader.hpp"

namespace ksim::core {

std::filesystem::path labs_directory() {
  if (const char* env = std::getenv("KSIM_SCENARIOS")) return env;
  return std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios";
}

std::vector<LabEntry> list_labs(const std::filesystem::path& dir) {
  std::vector<LabEntry> labs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "schema.json") continue;
    LabEntry lab;
    lab.file = entry.path();
    try {
      const Scenario s = load_scenario(lab.file.string());
      lab.name = s.name;
      lab.summary = s.summary.empty() ? s.name : s.summary;
      lab.variants = s.variant_names;
    } catch (const ScenarioError& e) {
      lab.error = e.what();
    }
    labs.push_back(std::move(lab));
  }
  std::sort(labs.begin(), labs.end(), [](const LabEntry& a, const LabEntry& b) { return a.file.filename() < b.file.filename(); });
  return labs;
}

}  // namespace ksim::core
