// The bundled labs: the scenario files in scenarios/ (schema.json aside), each with its name,
// one-line summary and variants, for `ksim list` and the GUI's lab picker.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ksim::core {

struct LabEntry {
  std::filesystem::path file;
  std::string name;
  std::string summary;
  std::vector<std::string> variants;
  std::string error;  // not empty when the file does not load (the loader's message)
};

// KSIM_SCENARIOS when set, otherwise scenarios/ in the source tree ksim was built from.
std::filesystem::path labs_directory();
// The labs in `dir`, by file name. Throws std::filesystem::filesystem_error when `dir` cannot be
// read.
std::vector<LabEntry> list_labs(const std::filesystem::path& dir);

}  // namespace ksim::core
