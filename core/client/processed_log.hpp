// The records a consumer application finished, in order, kept for the checkers.
//
// Labs and benchmarks keep millions of them, and neighbours are alike: the next offset of the
// same partition, the next id of the same producer batch, done at the same instant when
// processing takes no time, by the same member in the same generation. Such a stretch is stored
// as a run (its first record and a count), so a steady group costs bytes per poll rather than
// per record, and a record that does not continue the run (another partition, a gap in the ids,
// its own finishing time) starts a new run of its own. Iterating gives the records back one by
// one, as they were pushed.
#pragma once

#include <boost/container/deque.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>

#include "core/log/record.hpp"
#include "sim/time.hpp"

namespace ksim::core {

// One record the application finished. The partition and the member id are indexes into the
// workload's own tables (ConsumerWorkload::partition_of, member_of), not strings per record.
struct ProcessedRecord {
  std::uint64_t id = 0;
  Offset offset = -1;
  sim::Time processed_at;
  std::int32_t generation = -1;  // the group generation it was processed in (-1 outside a group)
  std::uint32_t partition = 0;   // index into the workload's partitions
  std::uint32_t member = 0;      // index into the workload's member ids ("" outside a group)
};

class ProcessedLog {
  // `count` records: ids id.., offsets offset.., all alike otherwise. 40 bytes, as one record
  // alone would take: the count sits where the record's padding was.
  struct Run {
    std::uint64_t id = 0;
    Offset offset = -1;
    sim::Time processed_at;
    std::int32_t generation = -1;
    std::uint32_t partition = 0;
    std::uint32_t member = 0;
    std::uint32_t count = 0;
  };
  // Large blocks: a long run keeps many runs, and a vector would copy them all as it grows.
  using Runs = boost::container::deque<Run, void, boost::container::deque_options_t<boost::container::block_size<4096U>>>;

 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = ProcessedRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = ProcessedRecord;  // made on the fly: the log stores runs

    const_iterator() = default;
    ProcessedRecord operator*() const {
      const Run& r = *run_;
      return ProcessedRecord{r.id + index_, r.offset + index_, r.processed_at, r.generation,
                             r.partition, r.member};
    }
    const_iterator& operator++() {
      if (++index_ == run_->count) {
        ++run_;
        index_ = 0;
      }
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const { return run_ == other.run_ && index_ == other.index_; }

   private:
    friend class ProcessedLog;
    const_iterator(Runs::const_iterator run, std::uint32_t index) : run_(run), index_(index) {}
    Runs::const_iterator run_;
    std::uint32_t index_ = 0;
  };

  void push_back(const ProcessedRecord& r) {
    ++size_;
    if (!runs_.empty()) {
      Run& last = runs_.back();
      if (last.count < UINT32_MAX && r.id == last.id + last.count &&
          r.offset == last.offset + last.count && r.processed_at == last.processed_at &&
          r.partition == last.partition && r.generation == last.generation && r.member == last.member) {
        ++last.count;
        return;
      }
    }
    runs_.push_back(Run{r.id, r.offset, r.processed_at, r.generation, r.partition, r.member, 1});
  }

  // Where a reader stopped: the run, and how many of its records were read (the last run may
  // still grow).
  struct Cursor {
    std::size_t run = 0;
    std::uint32_t read = 0;
  };
  // Calls `visit(record)` for each record pushed since `cursor`, and moves the cursor past them.
  template <typename Visit>
  void read_since(Cursor& cursor, Visit&& visit) const {
    while (cursor.run < runs_.size()) {
      const Run& r = runs_[cursor.run];
      for (; cursor.read < r.count; ++cursor.read) {
        visit(ProcessedRecord{r.id + cursor.read, r.offset + cursor.read, r.processed_at,
                              r.generation, r.partition, r.member});
      }
      if (cursor.run + 1 == runs_.size()) return;  // stay on the last run: it may grow
      ++cursor.run;
      cursor.read = 0;
    }
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const_iterator begin() const { return {runs_.begin(), 0}; }
  const_iterator end() const { return {runs_.end(), 0}; }
  // How many runs hold the records: what the log costs, 40 bytes each.
  std::size_t runs() const { return runs_.size(); }

 private:
  Runs runs_;
  std::size_t size_ = 0;
};

}  // namespace ksim::core
