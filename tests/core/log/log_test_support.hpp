// Helpers for log tests: batches of N small records.
#pragma once

#include <vector>

#include "core/log/record.hpp"

namespace ksim::core::testing {

inline RecordBatch batch_of(int records, std::uint64_t first_id = 1,
                            ksim::sim::Time at = ksim::sim::Time::zero(),
                            std::uint32_t value_bytes = 100) {
  std::vector<Record> list;
  for (int i = 0; i < records; ++i) {
    list.push_back(Record{first_id + static_cast<std::uint64_t>(i), -1, 0, value_bytes, at});
  }
  RecordBatch batch;
  batch.records = make_record_set(std::move(list), CompressionType::none);
  return batch;
}

}  // namespace ksim::core::testing
