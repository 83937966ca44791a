// The simulated network: ordered connections between nodes, with latency, jitter, bandwidth,
// loss and partitions.
//
// Every directed pair of nodes (from -> to) is one link carrying one connection, which behaves
// like TCP where it matters to Kafka:
//   - FIFO: messages arrive in the order they were sent, even when jitter would reorder them
//     (a message never overtakes the one sent before it on the same link);
//   - bandwidth: with a rate set, a message occupies the link for bytes * 8 / rate and queues
//     behind the messages still being serialised;
//   - loss: a lost message is gone; the sender learns only when its own timeout fires;
//   - partitions block directed links: a message sent or arriving across a cut is dropped
//     silently, so again only timeouts tell;
//   - a process crash resets the crashed node's connections: messages still in flight to or from
//     it are dropped, and each peer it was talking to is told "connection reset" one link latency
//     later (unless a cut eats the notice). A power loss drops the messages the same way but
//     tells nobody: peers learn by timeout, as with a pulled plug.
//   - an endpoint may close a connection (close_connection): the same as a reset, for that one
//     pair: messages in flight either way are dropped, and the peer is told one latency later;
//   - while a crashed process is down, its host refuses connections: a message sent to it is
//     answered with a reset one link latency after it arrives (a client then tries another
//     broker at once, as Java's clients do after "connection refused"). A powered-off host
//     answers nothing.
//
// Randomness (jitter, loss) comes from one stream per directed link, named after its two nodes, so
// traffic on one link never changes what another link draws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/callback.hpp"
#include "sim/node_id.hpp"
#include "sim/random.hpp"
#include "sim/scheduler.hpp"
#include "sim/time.hpp"
#include "sim/world_events.hpp"

namespace ksim::sim {

struct LinkParams {
  Duration latency = milliseconds(1);
  Duration jitter = Duration{};     // extra delay drawn uniformly from [0, jitter]
  std::uint64_t bandwidth_bps = 0;  // bits per second; 0 means unlimited
  double loss = 0.0;                // probability that a message is lost, 0..1
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t dropped_by_partition = 0;
  std::uint64_t dropped_by_loss = 0;
  std::uint64_t dropped_by_reset = 0;     // the connection was reset while the message flew
  std::uint64_t dropped_receiver_down = 0;
};

class Network {
 public:
  // Told when `node` learns that its connection to `peer` was reset.
  using ResetHandler = std::function<void(NodeId node, NodeId peer)>;

  Network(Scheduler& scheduler, WorldEvents& events, const RandomSource& random, LinkParams defaults);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Registers a node; ids must be added densely, 0, 1, 2, ...
  void add_node(NodeId id, std::string_view name, Liveness& liveness);
  void set_reset_handler(ResetHandler handler) { reset_handler_ = std::move(handler); }

  // Sends `bytes` from `from` to `to`. `on_delivery` runs on the receiver when (if) the message
  // arrives. `label` names the message in the trace ("Produce", "ping") and must outlive the run.
  void send(NodeId from, NodeId to, std::uint32_t bytes, std::string_view label,
            Callback on_delivery);

  // Directed cuts: block(a, b) drops what a sends to b, not what b sends to a.
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);
  void unblock_all();
  bool is_blocked(NodeId from, NodeId to) const { return link(from, to).blocked; }

  // Per-link overrides of the defaults (a slow or lossy link), and their removal.
  void set_link(NodeId from, NodeId to, const LinkParams& params);
  void restore_link(NodeId from, NodeId to);
  const LinkParams& link_params(NodeId from, NodeId to) const;
  const LinkParams& defaults() const { return defaults_; }

  // `closer` closes its connection to `peer` (Kafka's broker does so rather than answer an acks=0
  // produce it could not take): what is in flight either way is gone, and `peer` is told
  // "connection reset" one link latency later, unless a cut lies in the way. Until then the peer
  // does not know, and what it sends meanwhile arrives as on a new connection.
  void close_connection(NodeId closer, NodeId peer);
  // Called by the simulation when a node stops. `process_crash` decides whether peers are told.
  void node_stopped(NodeId node, bool process_crash);
  void node_started(NodeId node);

 private:
  void notify_reset(NodeId node, NodeId peer);
  // Ends the connection between a and b: both directions start a new epoch. Returns whether it
  // had carried anything since it was last ended.
  bool end_connection(NodeId a, NodeId b);

 public:

  const NetworkStats& stats() const { return stats_; }
  std::size_t node_count() const { return endpoints_.size(); }
  std::size_t messages_in_flight() const { return in_flight_.size() - free_in_flight_.size(); }

 private:
  struct Link {
    std::optional<LinkParams> override_params;
    Time busy_until;    // the link serialises the next message from here (bandwidth)
    Time last_arrival;  // FIFO: nothing sent later may arrive before this
    std::uint64_t epoch = 0;  // bumped on reset: messages of an older epoch are dropped
    bool blocked = false;
    bool open = false;  // has carried a message since the last reset
    Rng rng{0};
  };
  struct Endpoint {
    std::string name;
    Liveness* liveness = nullptr;
    bool refusing = false;  // a crashed process: its host answers with resets
  };
  struct InFlight {
    Callback on_delivery;
    std::string_view label;
    std::uint64_t epoch = 0;
    NodeId from;
    NodeId to;
  };
  // Rides in the scheduled delivery event. If the scheduler drops the event because the receiver
  // crashed, the ticket's destructor returns the message's slot to the pool.
  class Ticket;

  Link& link(NodeId from, NodeId to) { return links_[from.value * capacity_ + to.value]; }
  const Link& link(NodeId from, NodeId to) const {
    return links_[from.value * capacity_ + to.value];
  }
  void grow(std::size_t capacity);
  std::uint32_t store(InFlight message);
  void deliver(std::uint32_t slot);
  void abandon(std::uint32_t slot);
  void release(std::uint32_t slot);
  void drop(NodeId from, NodeId to, std::string_view label, std::string_view reason);

  Scheduler& scheduler_;
  WorldEvents& events_;
  const RandomSource& random_;
  LinkParams defaults_;
  ResetHandler reset_handler_;
  std::vector<Endpoint> endpoints_;
  std::size_t capacity_ = 0;
  std::vector<Link> links_;  // capacity_ x capacity_, row = sender
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_in_flight_;
  NetworkStats stats_;
};

}  // namespace ksim::sim
