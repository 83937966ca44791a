#include <catch2/catch.hpp>

#include "core/log/partition_log.hpp"
#include "log_test_support.hpp"

using namespace ksim::core;
using ksim::core::testing::batch_of;
using ksim::sim::Time;
using ksim::sim::milliseconds;
using ksim::sim::seconds;

TEST_CASE("log: a leader's appends get consecutive offsets and its epoch", "[core][log]") {
  PartitionLog log(LogConfig{});
  const RecordBatch& first = log.append_as_leader(batch_of(3), 1, Time::zero());
  CHECK(first.base_offset == 0);
  CHECK(first.partition_leader_epoch == 1);
  const RecordBatch& second = log.append_as_leader(batch_of(2), 2, Time::zero());
  CHECK(second.base_offset == 3);
  CHECK(log.log_end_offset() == 5);
  CHECK(log.high_watermark() == 0);
  REQUIRE(log.epochs().entries().size() == 2);
  CHECK(log.epochs().entries()[1].start_offset == 3);
}

TEST_CASE("log: reads return whole batches below the bound, within the byte limit",
          "[core][log]") {
  PartitionLog log(LogConfig{});
  for (int i = 0; i < 5; ++i) log.append_as_leader(batch_of(2), 1, Time::zero());  // 0..9
  const std::int64_t batch_bytes = log.segments()[0].batches[0].size_bytes();

  ReadResult all = log.read(0, 1'000'000, log.log_end_offset(), false);
  CHECK(all.batches.size() == 5);

  ReadResult middle = log.read(3, 1'000'000, log.log_end_offset(), false);
  REQUIRE_FALSE(middle.batches.empty());
  CHECK(middle.batches.front().base_offset == 2);  // the batch that holds offset 3

  ReadResult committed = log.read(0, 1'000'000, 6, false);  // a consumer stops at the HW
  CHECK(committed.batches.size() == 3);

  ReadResult limited = log.read(0, 2 * batch_bytes, log.log_end_offset(), false);
  CHECK(limited.batches.size() == 2);
  CHECK(log.read(0, 1, log.log_end_offset(), false).batches.empty());
  CHECK(log.read(0, 1, log.log_end_offset(), true).batches.size() == 1);  // at least one

  CHECK(log.read(11, 1000, 10, false).status == ReadStatus::offset_out_of_range);
  CHECK(log.read(10, 1000, 10, false).batches.empty());
}

TEST_CASE("log: truncation removes whole batches and reports the range", "[core][log]") {
  PartitionLog log(LogConfig{});
  log.append_as_leader(batch_of(4), 1, Time::zero());  // 0..3
  log.append_as_leader(batch_of(4), 2, Time::zero());  // 4..7
  log.set_high_watermark(8);
  const OffsetRange removed = log.truncate_to(6);  // inside the second batch: all of it goes
  CHECK(removed.from == 4);
  CHECK(removed.to == 8);
  CHECK(log.log_end_offset() == 4);
  CHECK(log.high_watermark() == 4);
  CHECK(log.latest_epoch() == 1);
  CHECK(log.truncate_to(10).empty());
}

TEST_CASE("log: a follower appends the leader's batches as they are", "[core][log]") {
  PartitionLog leader(LogConfig{});
  PartitionLog follower(LogConfig{});
  leader.append_as_leader(batch_of(2), 3, Time::zero());
  leader.append_as_leader(batch_of(2), 4, Time::zero());
  for (const RecordBatch& b : leader.read(0, 1 << 20, leader.log_end_offset(), true).batches) {
    follower.append_as_follower(b, Time::zero());
  }
  CHECK(follower.log_end_offset() == 4);
  CHECK(follower.epochs().entries().size() == 2);
  CHECK(follower.latest_epoch() == 4);
}

TEST_CASE("log: segments roll by size and by age", "[core][log]") {
  LogConfig config;
  config.segment_bytes = 3 * batch_of(1).size_bytes();
  config.segment_ms = seconds(10);
  PartitionLog log(config);
  for (int i = 0; i < 7; ++i) log.append_as_leader(batch_of(1), 1, Time::zero());
  CHECK(log.segments().size() == 3);  // 3 + 3 + 1
  CHECK(log.segments()[1].base_offset == 3);
  log.append_as_leader(batch_of(1), 1, Time::zero() + seconds(11));
  CHECK(log.segments().size() == 4);
  CHECK(log.segments().back().base_offset == 7);
}

TEST_CASE("log: the operating system writes pages back once they are 30 s dirty, at its 5 s passes",
          "[core][log]") {
  PartitionLog log(LogConfig{});
  const Time t0 = Time::zero() + milliseconds(1200);
  log.append_as_leader(batch_of(2), 1, t0);                  // dirty since 1.2 s: written at the 35 s pass
  log.append_as_leader(batch_of(2), 1, t0 + seconds(30));    // 31.2 s: same file, still dirty
  CHECK(log.durable_offset() == 0);
  SECTION("a power loss before the pass loses everything") {
    CHECK(log.lose_unflushed(Time::zero() + milliseconds(34999)).from == 0);
    CHECK(log.log_end_offset() == 0);
  }
  SECTION("the pass at 35 s wrote what the file held then; later appends wait for a later pass") {
    log.append_as_leader(batch_of(2), 1, Time::zero() + seconds(36));  // dirty again from 36 s
    CHECK(log.durable_offset() == 4);
    const OffsetRange lost = log.lose_unflushed(Time::zero() + seconds(69));  // the next pass is at 70 s
    CHECK(lost.from == 4);
    CHECK(lost.to == 6);
  }
  SECTION("a process crash does not stop the writeback: the pass comes while the broker is down") {
    CHECK(log.lose_unflushed(Time::zero() + seconds(40)).empty());
  }
  SECTION("vm.dirty_writeback_centisecs=0: no periodic writeback at all") {
    PartitionLog off(LogConfig{});
    off.set_writeback({seconds(30), ksim::sim::Duration{}});
    off.append_as_leader(batch_of(2), 1, t0);
    CHECK(off.lose_unflushed(Time::zero() + seconds(600)).to == 2);
  }
}

TEST_CASE("log: truncating at the log end drops an epoch started there and never written", "[core][log]") {
  PartitionLog log(LogConfig{});
  log.append_as_leader(batch_of(2), 1, Time::zero());
  log.start_leader_epoch(3);  // led epoch 3, appended nothing, then became a follower
  CHECK(log.latest_epoch() == 3);
  CHECK(log.truncate_to(log.log_end_offset()).empty());
  CHECK(log.latest_epoch() == 1);  // the next Fetch names epoch 1, which the new leader can place
}

TEST_CASE("log: a rolled segment is flushed, as Kafka flushes it after the roll", "[core][log]") {
  LogConfig config;
  config.segment_bytes = 3 * batch_of(1).size_bytes();
  PartitionLog log(config);
  for (int i = 0; i < 4; ++i) log.append_as_leader(batch_of(1), 1, Time::zero());
  CHECK(log.flushed_offset() == 3);  // the first segment; the active one is not
  CHECK(log.lose_unflushed(Time::zero() + seconds(1)).from == 3);
}

TEST_CASE("log: a power loss drops what was not flushed, and flush.messages forces flushes",
          "[core][log]") {
  PartitionLog log(LogConfig{});
  log.append_as_leader(batch_of(3), 1, Time::zero());
  log.flush(Time::zero());
  log.append_as_leader(batch_of(3), 1, Time::zero());
  CHECK(log.flushed_offset() == 3);
  const OffsetRange lost = log.lose_unflushed(Time::zero());
  CHECK(lost.from == 3);
  CHECK(lost.to == 6);
  CHECK(log.log_end_offset() == 3);

  LogConfig eager;
  eager.flush_messages = 1;
  PartitionLog synced(eager);
  synced.append_as_leader(batch_of(3), 1, Time::zero());
  CHECK(synced.flushed_offset() == 3);
  CHECK(synced.lose_unflushed(Time::zero()).empty());

  LogConfig timed;
  timed.flush_ms = milliseconds(100);
  PartitionLog periodic(timed);
  periodic.append_as_leader(batch_of(1), 1, Time::zero());
  CHECK_FALSE(periodic.flush_if_due(Time::zero() + milliseconds(50)));
  CHECK(periodic.flush_if_due(Time::zero() + milliseconds(100)));
  CHECK(periodic.flushed_offset() == 1);
}

TEST_CASE("log: a disk loss leaves an empty log that starts again at zero", "[core][log]") {
  PartitionLog log(LogConfig{});
  log.append_as_leader(batch_of(5), 1, Time::zero());
  log.flush(Time::zero());
  const OffsetRange lost = log.wipe(Time::zero());
  CHECK(lost.to == 5);
  CHECK(log.log_end_offset() == 0);
  CHECK(log.epochs().entries().empty());
}

TEST_CASE("log: retention deletes whole old segments below the high watermark", "[core][log]") {
  LogConfig config;
  config.segment_bytes = 2 * batch_of(1).size_bytes();
  config.retention_ms = seconds(60);
  PartitionLog log(config);
  for (int i = 0; i < 6; ++i) {
    log.append_as_leader(batch_of(1, 1, Time::zero() + seconds(i * 20)), 1,
                         Time::zero() + seconds(i * 20));
  }
  REQUIRE(log.segments().size() == 3);  // [0,1] [2,3] [4,5], newest record at 100s
  log.set_high_watermark(2);
  // At 150s the first two segments are over 60s old, but only the first is below the HW.
  OffsetRange deleted = log.apply_retention(Time::zero() + seconds(150));
  CHECK(deleted.from == 0);
  CHECK(deleted.to == 2);
  CHECK(log.log_start_offset() == 2);
  log.set_high_watermark(6);
  deleted = log.apply_retention(Time::zero() + seconds(1000));
  CHECK(log.log_start_offset() == 6);  // everything expired; a fresh segment takes over
  CHECK(log.log_end_offset() == 6);
  CHECK(log.read(0, 100, 6, false).status == ReadStatus::offset_out_of_range);

  LogConfig by_size;
  by_size.segment_bytes = 2 * batch_of(1).size_bytes();
  by_size.retention_bytes = 3 * batch_of(1).size_bytes();
  PartitionLog sized(by_size);
  for (int i = 0; i < 6; ++i) sized.append_as_leader(batch_of(1), 1, Time::zero());
  sized.set_high_watermark(6);
  sized.apply_retention(Time::zero());
  CHECK(sized.log_start_offset() == 2);  // 6 batches, keep >= 3: drop one segment of 2
  CHECK(sized.size_bytes() == 4 * batch_of(1).size_bytes());
}

TEST_CASE("log: the batches of an offset range are found across segments", "[core][log]") {
  LogConfig config;
  config.segment_bytes = 1;  // every batch rolls a new segment
  PartitionLog log(config);
  for (int i = 0; i < 4; ++i) log.append_as_leader(batch_of(3), 1, Time::zero());  // 0..11
  REQUIRE(log.segments().size() == 4);
  const auto bases = [&](Offset from, Offset to) {
    std::vector<Offset> seen;
    log.for_each_batch_in(OffsetRange{from, to}, [&](const RecordBatch& b) { seen.push_back(b.base_offset); });
    return seen;
  };
  CHECK(bases(0, 12) == std::vector<Offset>{0, 3, 6, 9});
  CHECK(bases(4, 7) == std::vector<Offset>{3, 6});  // the batches holding offsets 4..6
  CHECK(bases(5, 6) == std::vector<Offset>{3});
  CHECK(bases(6, 6).empty());                      // an empty range
  CHECK(bases(12, 20).empty());                    // past the end
  log.truncate_to(5);                              // keeps 0..2: the batch holding 3..5 goes whole
  CHECK(bases(0, 20) == std::vector<Offset>{0});
}
