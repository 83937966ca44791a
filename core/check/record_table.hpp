// RecordTable: a value per record id, kept dense. Record ids follow one layout
// (producer_workload.hpp: producer n writes first_record_id(n), first_record_id(n) + 1, ...), so
// a table is one vector per producer indexed by the id's low part: a lookup is two index
// operations, and a run of millions of records costs sizeof(T) bytes per record, without a tree
// or hash node each. The checkers keep their per-record facts here and update them as records
// come, instead of sorting whole histories every time the figures are asked for.
#pragma once

#include <cstdint>
#include <vector>

#include "core/client/producer_workload.hpp"
#include "sim/assert.hpp"

namespace ksim::core {

template <typename T>
class RecordTable {
 public:
  // The record's value, default-made the first time an id is touched.
  T& operator[](std::uint64_t id) {
    const std::uint64_t producer = producer_index_of_record(id);
    // Ids come from the workload layout; anything else is a caller's bug, not a huge allocation.
    KSIM_ASSERT(producer < kMaxProducers, "a record id outside the workload layout");
    if (producer >= by_producer_.size()) by_producer_.resize(producer + 1);
    std::vector<T>& values = by_producer_[producer];
    const std::uint64_t index = id % kRecordIdsPerProducer;
    if (index >= values.size()) values.resize(grown_size(values.size(), index));
    return values[index];
  }
  // The record's value, or null when the id was never touched.
  const T* find(std::uint64_t id) const {
    const std::uint64_t producer = producer_index_of_record(id);
    if (producer >= by_producer_.size()) return nullptr;
    const std::vector<T>& values = by_producer_[producer];
    const std::uint64_t index = id % kRecordIdsPerProducer;
    return index < values.size() ? &values[index] : nullptr;
  }
  // The value, or T{} when the id was never touched.
  T get(std::uint64_t id) const {
    const T* value = find(id);
    return value != nullptr ? *value : T{};
  }

 private:
  static constexpr std::uint64_t kMaxProducers = 1U << 16;
  // Doubling, so that a table filled one id after the other is resized a logarithmic number of times.
  static std::size_t grown_size(std::size_t size, std::uint64_t index) {
    std::size_t wanted = size < 1024 ? 1024 : size;
    while (wanted <= index) wanted *= 2;
    return wanted;
  }

  std::vector<std::vector<T>> by_producer_;
};

}  // namespace ksim::core
