#include <catch2/catch.hpp>

#include <cstdint>

#include "core/group/coordinator_partition.hpp"

using namespace ksim::core;

TEST_CASE("coordinator: a group's offsets partition is abs(hashCode(group.id)) % partitions",
          "[core][group]") {
  // String.hashCode by its definition: h = 31 * h + c for each char, wrapping at 32 bits.
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("a") == 97);
  CHECK(java_string_hash("ab") == 97 * 31 + 98);
  CHECK(java_string_hash("hello") == 99162322);  // a value every Java programmer can check
  CHECK(kafka_abs(INT32_MIN) == 0);
  CHECK(kafka_abs(-5) == 5);
  CHECK(coordinator_partition("hello", 50) == 99162322 % 50);
  // A group whose hash is negative: "polygenelubricants".hashCode() is Integer.MIN_VALUE.
  CHECK(java_string_hash("polygenelubricants") == INT32_MIN);
  CHECK(coordinator_partition("polygenelubricants", 50) == 0);
}
