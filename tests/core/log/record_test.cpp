#include <catch2/catch.hpp>

#include "core/log/record.hpp"

using namespace ksim::core;
using ksim::sim::Time;
using ksim::sim::milliseconds;

namespace {
std::vector<Record> records(int count, std::uint32_t value_bytes, std::int64_t key = 7) {
  std::vector<Record> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(Record{static_cast<std::uint64_t>(i + 1), key, 8, value_bytes,
                         Time::zero() + milliseconds(i)});
  }
  return out;
}
}  // namespace

TEST_CASE("records: varints are sized as the v2 format zig-zag encodes them", "[core][log]") {
  CHECK(varint_bytes(0) == 1);
  CHECK(varint_bytes(-1) == 1);
  CHECK(varint_bytes(63) == 1);
  CHECK(varint_bytes(64) == 2);   // zig-zag 128
  CHECK(varint_bytes(-65) == 2);
  CHECK(varint_bytes(8191) == 2);
  CHECK(varint_bytes(8192) == 3);
}

TEST_CASE("records: a batch's size is its header plus its records as serialised", "[core][log]") {
  // One record: attributes(1) ts delta(1) offset delta(1) key length(1) key(8) value length(2:
  // 100 zig-zags to 200) value(100) header count(1) = 115, plus its own length: 115 zig-zags to
  // 230, two varint bytes. 117 in all.
  const auto set = make_record_set(records(1, 100), CompressionType::none);
  CHECK(set->uncompressed_bytes == 117);
  CHECK(set->stored_bytes == 117);
  RecordBatch batch;
  batch.records = set;
  CHECK(batch.size_bytes() == kBatchHeaderBytes + 117);
  CHECK(batch.record_count() == 1);

  Record null_key{1, -1, 0, 10, Time::zero()};
  const auto keyless = make_record_set({null_key}, CompressionType::none);
  CHECK(keyless->uncompressed_bytes == 1 + 1 + 1 + 1 + 1 + 1 + 10 + 1);
}

TEST_CASE("records: lz4 really compresses, and the compressed size is what is stored",
          "[core][log]") {
  const auto plain = make_record_set(records(100, 1000), CompressionType::none);
  const auto lz4 = make_record_set(records(100, 1000), CompressionType::lz4);
  CHECK(lz4->uncompressed_bytes == plain->uncompressed_bytes);
  CHECK(lz4->stored_bytes < plain->stored_bytes / 2);
  CHECK(lz4->stored_bytes > plain->stored_bytes / 20);
  // Deterministic: the same records compress to the same size.
  CHECK(make_record_set(records(100, 1000), CompressionType::lz4)->stored_bytes == lz4->stored_bytes);
  CHECK(lz4->max_timestamp == Time::zero() + milliseconds(99));
}

TEST_CASE("records: the lz4 size depends on the batch's shape (keys and sizes), not on record ids",
          "[core][log]") {
  // Two batches of the same shape, different ids and timestamps: the same compressed size, which
  // is what lets the size be looked up instead of compressed again.
  std::vector<Record> later = records(50, 300);
  for (Record& r : later) {
    r.id += 1'000'000'000;
    r.timestamp = r.timestamp + milliseconds(5000);
  }
  const auto first = make_record_set(records(50, 300), CompressionType::lz4);
  CHECK(make_record_set(later, CompressionType::lz4)->stored_bytes == first->stored_bytes);
  // A change of shape changes the size: larger values, another key, a null key.
  CHECK(make_record_set(records(50, 600), CompressionType::lz4)->stored_bytes > first->stored_bytes);
  CHECK(make_record_set(records(50, 300, -1), CompressionType::lz4)->stored_bytes < first->stored_bytes);
  std::vector<Record> other_keys = records(50, 300);
  for (std::size_t i = 0; i < other_keys.size(); ++i) other_keys[i].key = static_cast<std::int64_t>(1000 + i * 7919);
  CHECK(make_record_set(other_keys, CompressionType::lz4)->stored_bytes > first->stored_bytes);
}

TEST_CASE("records: compression names read back", "[core][log]") {
  CHECK(parse_compression("lz4") == CompressionType::lz4);
  CHECK(parse_compression(compression_name(CompressionType::none)) == CompressionType::none);
  CHECK_FALSE(parse_compression("snappy").has_value());
}
