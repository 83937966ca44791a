// FetchWait: what a Fetch parked in the purgatory waits for, fetch.min.bytes across the
// partitions it reads. It keeps a running total of the bytes readable, updated one partition at a
// time as appends and high-watermark moves touch them (Kafka's DelayedFetch.tryComplete), so a
// check costs one partition's read, not the whole request's. FetchPurgatory keeps one per waiting
// Fetch, of either kind.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ksim::core {

struct FetchWait {
  std::int32_t min_bytes = 1;
  std::int64_t total = 0;  // bytes readable over the partitions, as last seen

  // One partition of the fetch can now return `now_readable` bytes (-1: it would answer with an
  // error, such as a leadership lost), where `seen` were last counted. Returns whether the fetch
  // can be answered now: on an error at once, otherwise once the total reaches min_bytes.
  bool partition_changed(std::int64_t& seen, std::int64_t now_readable) {
    if (now_readable < 0) return true;
    total += now_readable - std::max<std::int64_t>(seen, 0);
    seen = now_readable;
    return total >= min_bytes;
  }
};

}  // namespace ksim::core
