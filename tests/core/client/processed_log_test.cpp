#include <catch2/catch.hpp>

#include <vector>

#include "core/client/processed_log.hpp"

using namespace ksim::core;
using ksim::sim::Time;
using ksim::sim::milliseconds;

namespace {
std::vector<ProcessedRecord> read_back(const ProcessedLog& log) {
  std::vector<ProcessedRecord> out;
  for (const ProcessedRecord& r : log) out.push_back(r);
  return out;
}

bool same(const ProcessedRecord& a, const ProcessedRecord& b) {
  return a.id == b.id && a.offset == b.offset && a.processed_at == b.processed_at &&
         a.generation == b.generation && a.partition == b.partition && a.member == b.member;
}
}  // namespace

TEST_CASE("processed log: gives back every record as pushed, and keeps alike neighbours as one run",
          "[core][consumer]") {
  const Time t = Time::zero() + milliseconds(5);
  std::vector<ProcessedRecord> pushed;
  // A poll's stretch of one partition: consecutive ids and offsets, done at one instant.
  for (std::uint64_t i = 0; i < 100; ++i) pushed.push_back({1000 + i, static_cast<Offset>(40 + i), t, 3, 0, 1});
  // Each of these breaks the run it follows: a gap in the ids, another offset, another instant,
  // another partition, another generation, another member.
  pushed.push_back({1101, 140, t, 3, 0, 1});
  pushed.push_back({1102, 150, t, 3, 0, 1});
  pushed.push_back({1103, 151, t + milliseconds(1), 3, 0, 1});
  pushed.push_back({1104, 152, t + milliseconds(1), 3, 2, 1});
  pushed.push_back({1105, 153, t + milliseconds(1), 4, 2, 1});
  pushed.push_back({1106, 154, t + milliseconds(1), 4, 2, 0});
  // The same record twice (a duplicate after a rebalance) is kept twice.
  pushed.push_back({1106, 154, t + milliseconds(1), 4, 2, 0});

  ProcessedLog log;
  CHECK(log.empty());
  CHECK(log.begin() == log.end());
  for (const ProcessedRecord& r : pushed) log.push_back(r);
  CHECK(log.size() == pushed.size());
  CHECK(log.runs() == 8);
  const std::vector<ProcessedRecord> back = read_back(log);
  REQUIRE(back.size() == pushed.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    INFO("record " << i);
    CHECK(same(back[i], pushed[i]));
  }
}

TEST_CASE("processed log: a reader's cursor gives each record once, also while the last run grows",
          "[core][consumer]") {
  const Time t = Time::zero() + milliseconds(5);
  ProcessedLog log;
  ProcessedLog::Cursor cursor;
  std::vector<ProcessedRecord> read;
  const auto read_new = [&] { log.read_since(cursor, [&](const ProcessedRecord& r) { read.push_back(r); }); };
  read_new();  // nothing yet
  CHECK(read.empty());
  for (std::uint64_t i = 0; i < 3; ++i) log.push_back({10 + i, static_cast<Offset>(i), t, 1, 0, 0});
  read_new();
  CHECK(read.size() == 3);
  // Two more records continue the same run: only they are new.
  for (std::uint64_t i = 3; i < 5; ++i) log.push_back({10 + i, static_cast<Offset>(i), t, 1, 0, 0});
  log.push_back({99, 7, t + milliseconds(1), 1, 1, 0});  // and a run of its own
  read_new();
  read_new();  // asking again gives nothing twice
  REQUIRE(read.size() == 6);
  CHECK(log.runs() == 2);
  const std::vector<ProcessedRecord> all = read_back(log);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(same(read[i], all[i]));
}
