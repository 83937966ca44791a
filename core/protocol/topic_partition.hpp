// TopicPartition: a partition's name, "orders-0" when printed. This file is the one place where
// a partition is turned into text and read back from it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::core {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  std::string str() const { return topic + "-" + std::to_string(partition); }
};

// "orders-0" back into {orders, 0}: the topic is everything before the last '-' (topic names may
// hold dashes), the partition a number >= 0. Nothing for text of another shape.
std::optional<TopicPartition> parse_topic_partition(std::string_view text);

// "orders-0,orders-1": a list as the trace and the reports print it.
std::string join_partitions(const std::vector<TopicPartition>& partitions);

}  // namespace ksim::core
