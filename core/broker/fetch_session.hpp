// KIP-227 incremental fetch sessions, between a follower's replica fetcher and a leader.
//
// Without a session, every Fetch names every partition the follower has on that leader, and every
// answer lists them all, data or not: a broker following the 50 partitions of __consumer_offsets
// sends and reads back mostly partitions where nothing happens. With a session (Kafka's replica
// fetchers have had them since 1.1) the leader remembers the session's partitions and their fetch
// positions. An incremental Fetch names only the partitions whose position or leader epoch
// changed, and the ones to forget; its answer lists only the partitions with records, a new high
// watermark or log start offset, or an error. The leader still reads every partition of the
// session and records the follower's position in each at every fetch, so the high watermark and
// the ISR move exactly as without sessions.
//
// Epochs: a full Fetch (epoch 0) opens a session, and its answer carries the session's id; each
// incremental Fetch carries the next epoch, 1, 2, ... A leader that does not know the id (it
// restarted: sessions live in memory) answers FETCH_SESSION_ID_NOT_FOUND, and one that expected
// another epoch (a request lost, or given up by the follower) INVALID_FETCH_SESSION_EPOCH; either
// way the follower starts over with a full Fetch. A leader keeps one session per follower broker:
// a new full Fetch from a follower closes its older ones (Kafka bounds its cache differently, by
// max.incremental.fetch.session.cache.slots and eviction, which a few brokers never reach).
//
// Consumers fetch without a session here (epoch -1); their fetches name only their assigned
// partitions, so sessions would save them little.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/broker/partition.hpp"
#include "core/protocol/messages.hpp"
#include "sim/node_id.hpp"
#include "sim/scheduler.hpp"

namespace ksim::core {

// The leader's side: one follower's session.
struct FetchSession {
  struct Entry {
    TopicPartition tp;
    Partition* partition = nullptr;  // this broker's replica, once it has one
    LeaderEpoch current_leader_epoch = kNoLeaderEpoch;
    Offset fetch_offset = 0;
    LeaderEpoch last_fetched_epoch = kNoLeaderEpoch;
    std::int32_t max_bytes = 0;
    // What the follower last heard, so that an unchanged partition can be left out.
    Offset high_watermark_sent = -1;
    Offset log_start_sent = -1;
    std::int64_t readable = 0;  // bytes readable at the last read (-1: an error); a waiting Fetch starts from it
  };
  // A Fetch of the session waiting for data (fetch.min.bytes / fetch.max.wait.ms).
  struct Waiting {
    sim::NodeId from;
    std::int32_t correlation_id = 0;
    bool full = false;
    sim::TimerId timeout;
  };

  std::int32_t id = 0;
  BrokerId replica = kNoBroker;
  std::int32_t next_epoch = 1;
  std::vector<Entry> entries;  // ordered by partition
  std::optional<Waiting> waiting;

  Entry* find(const TopicPartition& tp);
  // Where `tp` is, or would go, in the ordered entries.
  std::vector<Entry>::iterator position(const TopicPartition& tp);
  // A Fetch's partitions join the session or update their position; forgotten ones leave.
  void apply(const FetchRequest& request);
};

// The follower's side: its session with one leader.
struct FetchSessionHandler {
  struct Sent {
    Offset fetch_offset = 0;
    LeaderEpoch leader_epoch = kNoLeaderEpoch;
    LeaderEpoch last_fetched_epoch = kNoLeaderEpoch;
  };
  std::int32_t id = 0;         // 0: none yet
  std::int32_t next_epoch = 0;  // 0: the next Fetch is a full one
  std::int32_t in_flight_epoch = 0;
  std::map<TopicPartition, Sent> sent;  // what the leader's session holds, as far as we know

  // After a lost or refused request the two sides may disagree: the next Fetch is a full one
  // (naming the old id, which the leader then closes).
  void start_over() {
    next_epoch = 0;
    sent.clear();
  }
};

// The epoch after `epoch`: 1, 2, ..., INT32_MAX, then 1 again.
std::int32_t next_fetch_session_epoch(std::int32_t epoch);

}  // namespace ksim::core
