// libFuzzer target: the scenario loader on arbitrary bytes.
//
// Whatever the input, the loader either returns a scenario or throws ScenarioError with a message
// naming the file and the place. Anything else (another exception, a crash, a sanitizer report,
// a hang) is a bug. For inputs that load, every variant they name is loaded too, since a variant
// is a merge patch over the file and has its own ways to go wrong.
//
// Built by `./lab fuzz` (clang, -DKSIM_FUZZ=ON); `./lab test` runs it for a minute on the bundled
// labs and the bad-input corpus.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ksim::core::Scenario scenario = ksim::core::parse_scenario(text, "fuzz.json");
    for (const std::string& variant : scenario.variant_names) {
      try {
        (void)ksim::core::parse_scenario(text, "fuzz.json", variant);
      } catch (const ksim::core::ScenarioError&) {
        // A variant may fail to load on its own (its patch makes the file invalid): a message.
      }
    }
  } catch (const ksim::core::ScenarioError&) {
    // Bad input, reported as such: the expected outcome for most inputs.
  }
  return 0;
}
