// Records and record batches, as Kafka stores and sends them (message format v2).
//
// The simulator keeps what a lab can observe, not the bytes: per record its identity, key, sizes
// and timestamp; per batch the v2 header fields. Sizes are computed exactly as the v2 format
// serialises them (varints included), and with compression.type=lz4 the batch's records are
// really compressed with liblz4 (once per batch shape: see make_record_set): the compressed size
// is what crosses the network and fills the disk. The records of a batch are immutable and shared by every replica that stores the batch.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "core/log/strong_id.hpp"
#include "core/log/strong_int.hpp"
#include "sim/time.hpp"

namespace ksim::core {

// A position in a partition's log.
using Offset = StrongInt<std::int64_t, struct OffsetTag>;
// A partition leader's generation: raised at every election.
using LeaderEpoch = StrongInt<std::int32_t, struct LeaderEpochTag>;
// A producer's id, handed out by InitProducerId: a name, never a number to compute with.
using ProducerId = StrongId<std::int64_t, struct ProducerIdTag>;
using ProducerEpoch = std::int16_t;

inline constexpr ProducerId kNoProducerId{-1};
inline constexpr LeaderEpoch kNoLeaderEpoch{-1};

enum class CompressionType : std::uint8_t { none, lz4 };
std::string_view compression_name(CompressionType type);
std::optional<CompressionType> parse_compression(std::string_view name);

// Record headers are not modelled: every record serialises an empty header list. 32 bytes, as
// logs keep millions of them.
struct Record {
  std::uint64_t id = 0;  // unique per produced record; how checkers follow it (not on the wire)
  std::int64_t key = -1;  // the key's identity; -1 is a null key
  std::uint32_t key_bytes = 0;
  std::uint32_t value_bytes = 0;
  sim::Time timestamp;
};

// Internal topics (__consumer_offsets) store typed values the broker itself reads back, where
// application topics store opaque bytes. A batch of such records carries them here, one value
// per record in record order; the sizes above still describe the bytes.
struct RecordPayload {
  virtual ~RecordPayload() = default;
};

// The records of one batch, immutable once built.
struct RecordSet {
  std::vector<Record> records;
  CompressionType compression = CompressionType::none;
  std::uint32_t uncompressed_bytes = 0;  // the records section as v2 serialises it
  std::uint32_t stored_bytes = 0;        // after compression: on the wire and on disk
  sim::Time max_timestamp;
  std::shared_ptr<const RecordPayload> payload;  // internal topics only
};

// Builds a record set: computes the serialised size and, for lz4, compresses a deterministic
// rendering of the records' keys and values to measure the compressed size. The rendering is a
// function of the batch's shape (each record's key and sizes, in order), so the size of a shape
// met before is looked up rather than compressed again.
std::shared_ptr<const RecordSet> make_record_set(std::vector<Record> records,
                                                 CompressionType compression,
                                                 std::shared_ptr<const RecordPayload> payload = nullptr);

// The v2 batch header: base offset, length, epoch, magic, crc, attributes, deltas, timestamps,
// producer id, producer epoch, base sequence, record count.
inline constexpr std::uint32_t kBatchHeaderBytes = 61;

struct RecordBatch {
  Offset base_offset = 0;
  LeaderEpoch partition_leader_epoch = kNoLeaderEpoch;
  ProducerId producer_id = kNoProducerId;
  ProducerEpoch producer_epoch = -1;
  std::int32_t base_sequence = -1;
  bool transactional = false;
  bool control = false;
  std::shared_ptr<const RecordSet> records;

  std::int32_t record_count() const { return static_cast<std::int32_t>(records->records.size()); }
  Offset last_offset() const { return base_offset + record_count() - 1; }
  Offset next_offset() const { return base_offset + record_count(); }
  std::int32_t last_sequence() const { return base_sequence + record_count() - 1; }
  std::uint32_t size_bytes() const { return kBatchHeaderBytes + records->stored_bytes; }
  sim::Time max_timestamp() const { return records->max_timestamp; }
};

// The bytes of a record's key: its identity rendered as "key-<n>", padded with '.' (or cut) to
// key_bytes. The partitioner hashes these bytes, and lz4 compresses them.
std::string key_text(std::int64_t key, std::uint32_t key_bytes);

// Bytes of a zig-zag varint, as v2 records encode their lengths and deltas.
std::uint32_t varint_bytes(std::int64_t value);

}  // namespace ksim::core
