#include "cli/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace ksim::cli {
namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";

// The kernel's THP mode: "always", "madvise" or "never" (the bracketed word of the sysfs file),
// or "" where there is no such file.
std::string kernel_thp_mode() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(file, line)) return "";
  const auto open = line.find('[');
  const auto close = line.find(']', open);
  return open == std::string::npos || close == std::string::npos ? "" : line.substr(open + 1, close - open - 1);
}

}  // namespace

void restart_with_huge_pages(char** argv) {
  const char* existing = std::getenv("GLIBC_TUNABLES");
  const std::string tunables = existing == nullptr ? "" : existing;
  // Already set (by us before the restart, or by the user): nothing to do, and no loop.
  if (tunables.find(kTunable) != std::string::npos) return;
  if (kernel_thp_mode() != "madvise") return;
  const std::string wanted = (tunables.empty() ? "" : tunables + ":") + kTunable + "=1";
  if (setenv("GLIBC_TUNABLES", wanted.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // The restart failed (no /proc, say): run on as we are, without the tunable in the way.
  if (existing == nullptr) {
    unsetenv("GLIBC_TUNABLES");
  } else {
    setenv("GLIBC_TUNABLES", existing, 1);
  }
}

std::string heap_pages() {
  const std::string mode = kernel_thp_mode();
  if (mode.empty()) return "4 KiB pages (no transparent huge pages on this system)";
  if (mode == "always") return "transparent huge pages (THP mode always)";
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string setting = tunables == nullptr ? "" : tunables;
  if (mode == "madvise" && setting.find(std::string(kTunable) + "=1") != std::string::npos) {
    return std::string("transparent huge pages (") + kTunable + "=1, THP mode madvise)";
  }
  return "4 KiB pages (THP mode " + mode + (setting.empty() ? "" : ", GLIBC_TUNABLES=" + setting) + ")";
}

}  // namespace ksim::cli
