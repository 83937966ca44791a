// ReplicaFetcher: a broker's follower side (Kafka's ReplicaFetcherManager and its fetcher
// threads). One fetcher per leader broker sends one Fetch for all the partitions followed there,
// within a fetch session (KIP-227, see fetch_session.hpp) that lets it name only what changed, and
// appends what comes back. Each partition's Fetch carries the epoch of its log's last batch; a
// leader whose log diverged from it answers with where that epoch ends there, and the follower
// truncates to that point and fetches on (Kafka's truncation on fetch, since 2.7: the
// OffsetsForLeaderEpoch round trip of KIP-101 and KIP-279 is no longer needed). With the legacy
// switch it truncates to its own high watermark when it starts following, as Kafka did before
// 0.11.
//
// It owns no partition: the broker does, and gives it what it needs through ReplicaFetcherHost.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "core/broker/fetch_session.hpp"
#include "core/broker/partition.hpp"
#include "core/event/kafka_events.hpp"
#include "core/protocol/configs.hpp"
#include "core/protocol/messages.hpp"
#include "sim/callback.hpp"
#include "sim/scheduler.hpp"

namespace ksim::core {

// What the replica fetcher needs of its broker.
class ReplicaFetcherHost {
 public:
  virtual BrokerId broker_id() const = 0;
  virtual std::int64_t broker_epoch() const = 0;
  virtual const BrokerConfig& config() const = 0;
  virtual Partition* find_partition(const TopicPartition& tp) = 0;
  // Where a peer broker runs (nothing for an unknown broker), and which broker runs at a node
  // (kNoBroker for none).
  virtual std::optional<sim::NodeId> node_of(BrokerId broker) const = 0;
  virtual BrokerId broker_at(sim::NodeId node) const = 0;
  virtual std::int32_t next_correlation_id() = 0;
  virtual void send_to_peer(BrokerId broker, FetchRequest request) = 0;
  // Closes the connection to a peer broker (a fetch went unanswered too long).
  virtual void close_connection_to(BrokerId broker) = 0;
  // Timers of the broker's current incarnation: they die with it.
  virtual sim::TimerId start_timer(sim::Duration delay, sim::Callback callback) = 0;
  virtual void stop_timer(sim::TimerId timer) = 0;
  virtual sim::Time time_now() const = 0;
  // A replica removed [range) from its log (reported as LogTruncated).
  virtual void truncated(const Partition& p, const OffsetRange& range, const char* reason) = 0;
  virtual void report(const FetchSessionReset& event) = 0;
  virtual void report(const ReplicaFetched& event) = 0;

 protected:
  ~ReplicaFetcherHost() = default;
};

class ReplicaFetcher {
 public:
  explicit ReplicaFetcher(ReplicaFetcherHost& host) : host_(host) {}
  ReplicaFetcher(const ReplicaFetcher&) = delete;
  ReplicaFetcher& operator=(const ReplicaFetcher&) = delete;

  // The broker's process stopped: all of this is volatile.
  void reset();
  // `p` became a follower (or followed a new leader epoch): fetch it.
  void follow(Partition& p);
  // `tp` changed role or leader: it no longer follows as before.
  void stop_following(const TopicPartition& tp) { following_.erase(tp); }
  // A metadata update is applied between these: the partitions it makes followers join their
  // fetchers together, as Kafka's makeFollowers adds them all before the fetcher threads go on.
  void begin_update() { deferring_fetches_ = true; }
  void end_update();
  // A leader's answer.
  void on_answer(sim::NodeId from, const FetchResponse& m);
  // The process at `peer` crashed: what was asked of it is lost.
  void on_connection_reset(sim::NodeId peer);

 private:
  struct FollowerFetch {
    Partition* partition = nullptr;  // the replica (partitions are never removed)
  };
  struct Fetcher {
    BrokerId leader = kNoBroker;
    bool in_flight = false;
    std::int32_t correlation_id = 0;
    sim::TimerId timeout;
    sim::TimerId backoff;
    FetchSessionHandler session;
  };

  void maybe_fetch(BrokerId leader);
  // The Fetch in flight is given up (its leader reset the connection, or it timed out): its
  // answer will be ignored, and the session starts over.
  void give_up_fetch(Fetcher& fetcher);
  // Kafka shuts down a fetcher thread left without partitions, abandoning its request in flight
  // and its session: a fetcher whose every partition moved away (to another leader, or offline)
  // is reset, so that a later partition on that leader fetches at once, in a new session.
  void retire_idle_fetchers();
  void backoff(BrokerId leader);
  void apply_fetched(Partition& p, const FetchResponse::Partition& part);
  // The leader says our log diverged: truncate to where the epoch ends on both sides
  // (AbstractFetcherThread.truncateOnFetchResponse).
  void truncate_diverged(Partition& p, const FetchResponse::Partition& part);

  ReplicaFetcherHost& host_;
  std::map<TopicPartition, FollowerFetch> following_;
  std::map<BrokerId, Fetcher> fetchers_;
  // While a metadata update is applied, the fetches it would start wait for its end.
  bool deferring_fetches_ = false;
  std::set<BrokerId> deferred_fetches_;
};

}  // namespace ksim::core
