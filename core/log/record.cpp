#include "core/log/record.hpp"

#include <lz4.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/assert.hpp"

namespace ksim::core {
namespace {

// The size of one record in a v2 batch: a length varint, then attributes (1 byte), timestamp
// delta, offset delta, key length and key, value length and value, header count (0: no headers).
std::uint32_t record_bytes(const Record& r, std::int64_t offset_delta, std::int64_t timestamp_delta) {
  const std::int64_t key_length = r.key < 0 ? -1 : static_cast<std::int64_t>(r.key_bytes);
  std::uint32_t body = 1 + varint_bytes(timestamp_delta) + varint_bytes(offset_delta) +
                       varint_bytes(key_length) + (r.key < 0 ? 0 : r.key_bytes) +
                       varint_bytes(r.value_bytes) + r.value_bytes + varint_bytes(0);
  return varint_bytes(body) + body;
}

// A deterministic stand-in for the application's bytes, so that lz4 has something realistic to
// compress: keys render their identity; values look like small JSON documents whose fields repeat
// from record to record while their contents vary, as event payloads tend to. The contents are
// drawn from the record's position in its batch, not from its id: the rendering, and so the
// compressed size, is then a function of the batch's shape (keys and sizes) alone, which lets
// BatchSizeCache below compress each shape once.
void render(const Record& r, std::uint32_t position, std::string& out) {
  if (r.key >= 0) out += key_text(r.key, r.key_bytes);
  // Written straight into `out` through a pointer (no string per record, no capacity check per
  // word). The slack lets the last word run past the value's end before the cut.
  static constexpr std::size_t kSlack = 16;
  const std::size_t start = out.size();
  const std::size_t end = start + r.value_bytes;
  char prefix[48] = "{\"seq\":";
  char* p = std::to_chars(prefix + 7, prefix + 32, position).ptr;
  for (const char c : std::string_view(",\"payload\":\"")) *p++ = c;
  const auto prefix_bytes = static_cast<std::size_t>(p - prefix);
  out.resize(std::max(end, start + prefix_bytes) + kSlack);
  char* cursor = std::copy(prefix, p, out.data() + start);
  const char* const stop = out.data() + end;
  std::uint64_t state = (position + 1) * 0x9e3779b97f4a7c15ULL + 1;
  while (cursor < stop) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    const auto word = static_cast<unsigned>((state * 0x2545f4914f6cdd1dULL) >> 60);
    // A small alphabet of words: repetitive enough to compress, varied enough not to vanish.
    static constexpr std::string_view kWords[16] = {
        "order", "customer", "amount", "status", "paid", "shipped", "eur", "usd",
        "item", "qty", "42", "7", "true", "false", "region", "eu-west"};
    cursor = std::copy(kWords[word].begin(), kWords[word].end(), cursor);
    *cursor++ = ',';
  }
  out.resize(end);
}

std::uint32_t lz4_compressed_size(const std::string& input) {
  const int bound = LZ4_compressBound(static_cast<int>(input.size()));
  // One scratch buffer per thread (explore runs seeds on several): only the size is kept.
  thread_local std::string output;
  if (output.size() < static_cast<std::size_t>(bound)) output.resize(static_cast<std::size_t>(bound));
  const int written = LZ4_compress_default(input.data(), output.data(),
                                           static_cast<int>(input.size()), bound);
  KSIM_ASSERT(written > 0, "lz4 compression failed");
  // Kafka wraps lz4 output in the LZ4 frame format: 7 bytes of frame header, 4 per block, 4 of
  // end mark. One block holds up to 64 KiB by default.
  const std::uint32_t blocks = static_cast<std::uint32_t>(input.size() / 65536 + 1);
  return static_cast<std::uint32_t>(written) + 7 + 4 * blocks + 4;
}

// How many bytes render() writes for these records: their keys and values.
std::uint32_t rendered_bytes(const std::vector<Record>& records) {
  std::uint32_t bytes = 0;
  for (const Record& r : records) bytes += (r.key < 0 ? 0 : r.key_bytes) + r.value_bytes;
  return bytes;
}

// The lz4 size of each batch shape met so far. A steady producer sends batches of a few shapes
// over and over (same value sizes, no keys or the same keys), so nearly every batch is a lookup
// instead of a render and a compression. The size is a pure function of the shape, so the cache
// cannot change a run: which thread or which run filled an entry does not matter. Bounded: when
// full it starts again (keyed workloads with many distinct key mixes miss more, and stay correct).
class BatchSizeCache {
 public:
  std::uint32_t compressed_size(const std::vector<Record>& records) {
    shape_.clear();
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const Record& r : records) {
      // A null key renders nothing, whatever its declared size.
      const std::uint64_t key = r.key < 0 ? ~0ULL : static_cast<std::uint64_t>(r.key);
      const std::uint64_t sizes = (r.key < 0 ? 0ULL : std::uint64_t{r.key_bytes} << 32) | r.value_bytes;
      shape_.push_back(key);
      shape_.push_back(sizes);
      hash = (hash ^ key) * 0x100000001b3ULL;
      hash = (hash ^ sizes) * 0x100000001b3ULL;
    }
    auto& bucket = entries_[hash];
    for (const Entry& e : bucket) {
      if (e.shape == shape_) return e.size;
    }
    if (size_ >= kMaxEntries) {
      entries_.clear();
      size_ = 0;
      return compressed_size(records);
    }
    rendered_.clear();
    for (std::size_t i = 0; i < records.size(); ++i) render(records[i], static_cast<std::uint32_t>(i), rendered_);
    const std::uint32_t size = lz4_compressed_size(rendered_);
    bucket.push_back(Entry{shape_, size});
    ++size_;
    return size;
  }

 private:
  static constexpr std::size_t kMaxEntries = 4096;
  struct Entry {
    std::vector<std::uint64_t> shape;
    std::uint32_t size = 0;
  };
  std::unordered_map<std::uint64_t, std::vector<Entry>> entries_;  // tidy:allow(unordered) looked up, never iterated
  std::size_t size_ = 0;
  std::vector<std::uint64_t> shape_;  // scratch
  std::string rendered_;              // scratch
};

}  // namespace

std::string key_text(std::int64_t key, std::uint32_t key_bytes) {
  std::string text = "key-" + std::to_string(key);
  text.resize(key_bytes, '.');
  return text;
}

std::string_view compression_name(CompressionType type) {
  return type == CompressionType::lz4 ? "lz4" : "none";
}

std::optional<CompressionType> parse_compression(std::string_view name) {
  if (name == "none") return CompressionType::none;
  if (name == "lz4") return CompressionType::lz4;
  return std::nullopt;
}

std::uint32_t varint_bytes(std::int64_t value) {
  auto zigzag = static_cast<std::uint64_t>((value << 1) ^ (value >> 63));
  std::uint32_t bytes = 1;
  while (zigzag >= 0x80) {
    zigzag >>= 7;
    ++bytes;
  }
  return bytes;
}

std::shared_ptr<const RecordSet> make_record_set(std::vector<Record> records,
                                                 CompressionType compression,
                                                 std::shared_ptr<const RecordPayload> payload) {
  KSIM_ASSERT(!records.empty(), "a batch holds at least one record");
  auto set = std::make_shared<RecordSet>();
  set->compression = compression;
  const sim::Time first = records.front().timestamp;
  std::uint32_t total = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    total += record_bytes(records[i], static_cast<std::int64_t>(i), (records[i].timestamp - first).ms());
    set->max_timestamp = std::max(set->max_timestamp, records[i].timestamp);
  }
  set->uncompressed_bytes = total;
  set->stored_bytes = total;
  if (compression == CompressionType::lz4) {
    // One cache per thread (explore runs seeds on several, the GUI plays in the background).
    thread_local BatchSizeCache cache;
    const std::uint32_t rendered = rendered_bytes(records);
    // The per-record framing (lengths, deltas) is counted as it is, uncompressed: a slight
    // overestimate, since lz4 would squeeze those bytes too.
    const std::uint32_t framing = total - std::min(total, rendered);
    set->stored_bytes = cache.compressed_size(records) + framing;
  }
  set->records = std::move(records);
  set->payload = std::move(payload);
  return set;
}

}  // namespace ksim::core
