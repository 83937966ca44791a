#include "sim/network.hpp"

#include <utility>

#include "sim/assert.hpp"

namespace ksim::sim {

class Network::Ticket {
 public:
  Ticket(Network* network, std::uint32_t slot) : network_(network), slot_(slot) {}
  Ticket(Ticket&& other) noexcept : network_(std::exchange(other.network_, nullptr)), slot_(other.slot_) {}
  Ticket& operator=(Ticket&&) = delete;
  ~Ticket() {
    if (network_ != nullptr) network_->abandon(slot_);
  }
  void operator()() { std::exchange(network_, nullptr)->deliver(slot_); }

 private:
  Network* network_;
  std::uint32_t slot_;
};

Network::Network(Scheduler& scheduler, WorldEvents& events, const RandomSource& random,
                 LinkParams defaults)
    : scheduler_(scheduler), events_(events), random_(random), defaults_(defaults) {}

void Network::add_node(NodeId id, std::string_view name, Liveness& liveness) {
  KSIM_ASSERT(id.value == endpoints_.size(), "nodes join the network in id order");
  endpoints_.push_back(Endpoint{std::string(name), &liveness});
  if (endpoints_.size() > capacity_) grow(capacity_ == 0 ? 8 : capacity_ * 2);
  const auto n = static_cast<std::uint32_t>(endpoints_.size());
  for (std::uint32_t other = 0; other < n; ++other) {
    const NodeId peer{other};
    link(id, peer).rng = random_.stream("net/" + endpoints_[id.value].name + "->" + endpoints_[other].name);
    link(peer, id).rng = random_.stream("net/" + endpoints_[other].name + "->" + endpoints_[id.value].name);
  }
}

void Network::grow(std::size_t capacity) {
  std::vector<Link> bigger(capacity * capacity);
  for (std::size_t from = 0; from < capacity_; ++from) {
    for (std::size_t to = 0; to < capacity_; ++to) {
      bigger[from * capacity + to] = std::move(links_[from * capacity_ + to]);
    }
  }
  links_ = std::move(bigger);
  capacity_ = capacity;
}

void Network::send(NodeId from, NodeId to, std::uint32_t bytes, std::string_view label,
                   Callback on_delivery) {
  KSIM_ASSERT(from.value < endpoints_.size() && to.value < endpoints_.size(), "unknown node");
  KSIM_ASSERT(from != to, "a node does not send messages to itself");
  ++stats_.sent;
  stats_.bytes_sent += bytes;
  Link& l = link(from, to);
  const LinkParams& params = l.override_params ? *l.override_params : defaults_;
  const Time now = scheduler_.now();

  if (l.blocked) {
    ++stats_.dropped_by_partition;
    drop(from, to, label, "partition");
    return;
  }
  Time arrival = now;
  if (params.bandwidth_bps > 0) {
    const Time start = l.busy_until > now ? l.busy_until : now;
    const __int128 bits = static_cast<__int128>(bytes) * 8 * 1'000'000'000;
    const auto serialisation_ns = static_cast<std::int64_t>(
        (bits + params.bandwidth_bps - 1) / params.bandwidth_bps);
    l.busy_until = start + Duration::from_ns(serialisation_ns);
    arrival = l.busy_until;
  }
  // A lost message has still used the link's bandwidth, so loss is drawn after serialisation.
  if (params.loss > 0.0 && l.rng.bernoulli(params.loss)) {
    ++stats_.dropped_by_loss;
    drop(from, to, label, "loss");
    return;
  }
  arrival = arrival + params.latency;
  if (params.jitter > Duration{}) {
    arrival = arrival + Duration::from_ns(l.rng.uniform_int(0, params.jitter.ns()));
  }
  if (arrival < l.last_arrival) arrival = l.last_arrival;  // FIFO within the connection
  l.last_arrival = arrival;
  l.open = true;

  events_.report(EventStamp{now, from}, MessageSent{to, bytes, label, arrival});
  const std::uint32_t slot = store(InFlight{std::move(on_delivery), label, l.epoch, from, to});
  Liveness& receiver = *endpoints_[to.value].liveness;
  scheduler_.schedule_at(arrival, Ticket(this, slot), Guard::of(receiver));
}

std::uint32_t Network::store(InFlight message) {
  if (!free_in_flight_.empty()) {
    const std::uint32_t slot = free_in_flight_.back();
    free_in_flight_.pop_back();
    in_flight_[slot] = std::move(message);
    return slot;
  }
  in_flight_.push_back(std::move(message));
  return static_cast<std::uint32_t>(in_flight_.size() - 1);
}

void Network::deliver(std::uint32_t slot) {
  InFlight& message = in_flight_[slot];
  const NodeId from = message.from;
  const NodeId to = message.to;
  const std::string_view label = message.label;
  const Link& l = link(from, to);
  if (message.epoch != l.epoch) {
    ++stats_.dropped_by_reset;
    release(slot);
    drop(from, to, label, "connection-reset");
    return;
  }
  if (l.blocked) {
    ++stats_.dropped_by_partition;
    release(slot);
    drop(from, to, label, "partition");
    return;
  }
  ++stats_.delivered;
  Callback on_delivery = std::move(message.on_delivery);
  release(slot);
  on_delivery();
}

void Network::abandon(std::uint32_t slot) {
  ++stats_.dropped_receiver_down;
  const NodeId from = in_flight_[slot].from;
  const NodeId to = in_flight_[slot].to;
  release(slot);
  if (endpoints_[to.value].refusing) notify_reset(to, from);
}

void Network::notify_reset(NodeId node, NodeId peer) {
  Liveness& peer_life = *endpoints_[peer.value].liveness;
  if (!peer_life.running) return;
  // The node's host answers with a reset; it reaches the peer one link latency later, unless a
  // cut lies in the way by then.
  scheduler_.schedule_after(
      link_params(node, peer).latency,
      [this, node, peer] {
        if (is_blocked(node, peer)) return;
        events_.report(EventStamp{scheduler_.now(), peer}, ConnectionReset{node});
        if (reset_handler_) reset_handler_(peer, node);
      },
      Guard::of(peer_life));
}

void Network::node_started(NodeId node) { endpoints_[node.value].refusing = false; }

void Network::release(std::uint32_t slot) {
  InFlight& message = in_flight_[slot];
  message.on_delivery.reset();
  free_in_flight_.push_back(slot);
}

void Network::drop(NodeId from, NodeId to, std::string_view label, std::string_view reason) {
  events_.report(EventStamp{scheduler_.now(), from}, MessageDropped{to, label, reason});
}

void Network::block(NodeId from, NodeId to) { link(from, to).blocked = true; }
void Network::unblock(NodeId from, NodeId to) { link(from, to).blocked = false; }

void Network::unblock_all() {
  for (Link& l : links_) l.blocked = false;
}

void Network::set_link(NodeId from, NodeId to, const LinkParams& params) {
  link(from, to).override_params = params;
}

void Network::restore_link(NodeId from, NodeId to) { link(from, to).override_params.reset(); }

const LinkParams& Network::link_params(NodeId from, NodeId to) const {
  const Link& l = link(from, to);
  return l.override_params ? *l.override_params : defaults_;
}

bool Network::end_connection(NodeId a, NodeId b) {
  Link& out = link(a, b);
  Link& in = link(b, a);
  const bool was_connected = out.open || in.open;
  for (Link* l : {&out, &in}) {
    ++l->epoch;
    l->open = false;
    l->busy_until = Time::zero();
    l->last_arrival = Time::zero();
  }
  return was_connected;
}

void Network::close_connection(NodeId closer, NodeId peer) {
  if (end_connection(closer, peer)) notify_reset(closer, peer);
}

void Network::node_stopped(NodeId node, bool process_crash) {
  endpoints_[node.value].refusing = process_crash;
  const auto n = static_cast<std::uint32_t>(endpoints_.size());
  for (std::uint32_t other = 0; other < n; ++other) {
    const NodeId peer{other};
    if (peer == node) continue;
    const bool was_connected = end_connection(node, peer);
    if (process_crash && was_connected) notify_reset(node, peer);
  }
}

}  // namespace ksim::sim
