#include <catch2/catch.hpp>

#include "core/check/record_table.hpp"

using namespace ksim::core;

TEST_CASE("record table: a value per record id of every producer, default until touched", "[core][check]") {
  RecordTable<int> table;
  CHECK(table.find(first_record_id(0)) == nullptr);
  table[first_record_id(0)] = 1;
  table[first_record_id(0) + 5'000] = 2;  // grows to hold it
  table[first_record_id(3) + 7] = 3;      // another producer's range
  CHECK(table.get(first_record_id(0)) == 1);
  CHECK(table.get(first_record_id(0) + 5'000) == 2);
  CHECK(table.get(first_record_id(3) + 7) == 3);
  CHECK(table.get(first_record_id(0) + 1) == 0);  // inside the grown range, never touched
  CHECK(table.get(first_record_id(3)) == 0);
  CHECK(table.find(first_record_id(2)) == nullptr);  // a producer with no record
  CHECK(table.find(first_record_id(3) + 1'000'000) == nullptr);
}
