// Reading a scenario file. Anything the loader does not understand is an error naming the file,
// the place in it (a JSON path such as topics[0].config) and, where it can, the fix; nothing is
// silently defaulted or ignored.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace ksim::core {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The keys a section of a scenario file may have ("scenario" for the top level, "cluster",
// "network", "topic", "producer", "consumer", "fault", "narration", "variant"): what the loader
// accepts, and what scenarios/schema.json must list (a test holds them together).
const std::vector<std::string>& scenario_section_keys(std::string_view section);

// Loads `path`, with the named variant's patch applied and its expectations in force when
// `variant` is given. Throws ScenarioError.
Scenario load_scenario(const std::string& path, const std::optional<std::string>& variant = std::nullopt);
// The same from text already read (for tests and the fuzz target); `name` stands for the file.
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::optional<std::string>& variant = std::nullopt);

// The document `path` holds as the run of `variant` reads it, as JSON text: the variant's patch
// merged, its expectations in the place of the base's, and the variants gone (the document is one
// run). Checked by loading it: throws ScenarioError as load_scenario does.
std::string scenario_document(const std::string& path, const std::optional<std::string>& variant);

}  // namespace ksim::core
