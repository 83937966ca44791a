#include "sim/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace ksim::sim {

void assertion_failed(const char* expression, const char* file, int line, const char* why) {
  std::fprintf(stderr, "ksim: internal error at %s:%d: %s (%s)\n", file, line, why, expression);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ksim::sim
