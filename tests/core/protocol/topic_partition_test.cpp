#include <catch2/catch.hpp>

#include "core/protocol/topic_partition.hpp"

using namespace ksim::core;

TEST_CASE("topic partitions: printed as topic-number and read back, dashes in the topic included",
          "[core][protocol]") {
  const TopicPartition tp{"billing-events", 12};
  CHECK(tp.str() == "billing-events-12");
  CHECK(parse_topic_partition(tp.str()) == tp);
  CHECK(parse_topic_partition("orders-0") == TopicPartition{"orders", 0});
  CHECK(join_partitions({{"a", 0}, {"b-c", 3}}) == "a-0,b-c-3");
  CHECK(join_partitions({}).empty());
}

TEST_CASE("topic partitions: text of another shape is refused, not guessed", "[core][protocol]") {
  for (const char* bad : {"orders", "orders-", "-3", "orders-x", "orders-1x", "orders-+1", "orders--1", "orders-99999999999"}) {
    INFO(bad);
    // "orders--1" splits at the last dash into topic "orders-" and partition 1: valid.
    if (std::string_view(bad) == "orders--1") {
      CHECK(parse_topic_partition(bad) == TopicPartition{"orders-", 1});
      continue;
    }
    CHECK_FALSE(parse_topic_partition(bad).has_value());
  }
}
