#include "core/protocol/topic_partition.hpp"

#include <charconv>

namespace ksim::core {

std::optional<TopicPartition> parse_topic_partition(std::string_view text) {
  const std::size_t dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return std::nullopt;
  std::int32_t partition = 0;
  const char* first = text.data() + dash + 1;
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, partition);
  if (error != std::errc() || end != last || partition < 0) return std::nullopt;
  return TopicPartition{std::string(text.substr(0, dash)), partition};
}

std::string join_partitions(const std::vector<TopicPartition>& partitions) {
  std::string text;
  for (const TopicPartition& tp : partitions) text += (text.empty() ? "" : ",") + tp.str();
  return text;
}

}  // namespace ksim::core
