// ProducePurgatory: the acks=all produces a leader holds until its high watermark passes their
// batches, or their request.timeout.ms fires (Kafka's DelayedProduce in the produce purgatory).
// The group coordinator's own writes to __consumer_offsets wait here too.
//
// A produce is checked again only when one of its partitions changes (an append, a high
// watermark move, a leadership change): the broker says which, and the purgatory settles that
// partition of every produce waiting on it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/broker/partition.hpp"
#include "core/protocol/messages.hpp"
#include "sim/node_id.hpp"
#include "sim/scheduler.hpp"

namespace ksim::core {

class ProducePurgatory {
 public:
  struct Produce {
    sim::NodeId client;
    ProduceResponse response;
    // Set for the broker's own writes (the group coordinator's): called instead of replying.
    std::function<void(const ProduceResponse&)> internal_done;
    std::vector<Offset> required;  // per partition: the HW that completes it; -1 when settled
    sim::TimerId timeout;
  };

  // Ids are handed out before a produce is parked, so that its timeout can name it.
  std::uint64_t next_id() { return next_id_++; }
  void park(std::uint64_t id, Produce produce) { waiting_.emplace(id, std::move(produce)); }
  // `tp` changed; `p` is this broker's replica of it (null if none). Settles that partition of
  // every produce waiting on it: committed (with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR
  // shrank below min.insync.replicas meanwhile) or NOT_LEADER_OR_FOLLOWER when this broker no
  // longer leads it. Returns the produces left with nothing to wait for, oldest first.
  std::vector<std::uint64_t> partition_changed(const TopicPartition& tp, const Partition* p);
  // Removes and returns a produce that still waits.
  std::optional<Produce> take(std::uint64_t id);
  // The process stopped: every waiting produce is forgotten with it.
  void clear() { waiting_.clear(); }

 private:
  std::map<std::uint64_t, Produce> waiting_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ksim::core
