// KSIM_ASSERT: a broken invariant is a bug, so it stops the program loudly with where and why.
// Expected failures (a Kafka error, a bad scenario) are values, never assertions.
#pragma once

namespace ksim::sim {
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line,
                                   const char* why);
}  // namespace ksim::sim

#define KSIM_ASSERT(condition, why)                                              \
  do {                                                                           \
    if (!(condition)) [[unlikely]]                                               \
      ::ksim::sim::assertion_failed(#condition, __FILE__, __LINE__, (why));      \
  } while (false)
