#include "sim/network.hpp"

#include <algorithm>
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

Network::~Network() = default;

void Network::add_node(NodeId id, std::string_view name, Liveness& liveness) {
  KSIM_ASSERT(id.value == endpoints_.size(), "nodes join the network in id order");
  endpoints_.push_back(Endpoint{std::string(name), &liveness, false});
  if (endpoints_.size() > capacity_) grow(capacity_ == 0 ? 8 : capacity_ * 2);
  const auto n = static_cast<std::uint32_t>(endpoints_.size());
  for (std::uint32_t other = 0; other < n; ++other) {
    const NodeId peer{other};
    wire(id, peer).rng = random_.stream("net/" + endpoints_[id.value].name + "->" + endpoints_[other].name);
    wire(peer, id).rng = random_.stream("net/" + endpoints_[other].name + "->" + endpoints_[id.value].name);
  }
}

void Network::grow(std::size_t capacity) {
  std::vector<Wire> wires(capacity * capacity);
  std::vector<Connection> connections(capacity * capacity);
  for (std::size_t from = 0; from < capacity_; ++from) {
    for (std::size_t to = 0; to < capacity_; ++to) {
      wires[from * capacity + to] = std::move(wires_[from * capacity_ + to]);
      connections[from * capacity + to] = std::move(connections_[from * capacity_ + to]);
    }
  }
  wires_ = std::move(wires);
  connections_ = std::move(connections);
  capacity_ = capacity;
}

NodeId Network::sender_of(const InFlight& m) const { return m.stream == Stream::request ? m.client : m.server; }
NodeId Network::receiver_of(const InFlight& m) const { return m.stream == Stream::request ? m.server : m.client; }

bool Network::host_powered_off(NodeId node) const {
  const Endpoint& e = endpoints_[node.value];
  return !e.liveness->running && !e.process_down;
}

// ---- The handshake ----------------------------------------------------------------------------

void Network::connect(NodeId client, NodeId server) {
  KSIM_ASSERT(client != server, "a node does not connect to itself");
  Connection& c = connection(client, server);
  KSIM_ASSERT(c.state == ConnectionState::closed, "connect() needs a closed connection");
  ++c.epoch;
  c.state = ConnectionState::connecting;
  c.server_end = false;
  c.syn_attempts = 0;
  c.syn_started = scheduler_.now();
  ++stats_.connections_opened;
  send_syn(Ends{client, server});
}

void Network::send_syn(Ends e) {
  const std::uint64_t epoch = connection(e).epoch;
  scheduler_.schedule_after(link_params(e.client, e.server).latency,
                            [this, e, epoch] { syn_arrived(e, epoch); });
}

void Network::syn_arrived(Ends e, std::uint64_t epoch) {
  Connection& c = connection(e);
  if (c.epoch != epoch || c.state != ConnectionState::connecting) return;
  if (is_blocked(e.client, e.server) || host_powered_off(e.server)) return syn_lost(e);
  if (endpoints_[e.server.value].process_down) {
    // Nothing listens: the host's kernel answers with a reset, and the client hears "refused".
    scheduler_.schedule_after(link_params(e.server, e.client).latency, [this, e, epoch] {
      const Connection& now = connection(e);
      if (now.epoch != epoch || now.state != ConnectionState::connecting) return;
      if (is_blocked(e.server, e.client)) return syn_lost(e);
      ++stats_.connections_refused;
      reset_client(e, "refused");
    });
    return;
  }
  // The server's kernel completes its half of the handshake even while the process is paused.
  c.server_end = true;
  scheduler_.schedule_after(link_params(e.server, e.client).latency, [this, e, epoch] { establish(e, epoch); });
}

void Network::syn_lost(Ends e) {
  Connection& c = connection(e);
  ++c.syn_attempts;
  // SYNs go out at 0, 1, 3, 7, 15, 31 and 63 s; the last wait ends at 127 s with a give-up.
  const Duration next = TcpTimers::syn_rto * ((std::int64_t{1} << c.syn_attempts) - 1);
  const Time at = std::max(scheduler_.now(), c.syn_started + next);
  const std::uint64_t epoch = c.epoch;
  if (static_cast<int>(c.syn_attempts) > TcpTimers::syn_retries) {
    scheduler_.schedule_at(at, [this, e, epoch] {
      if (connection(e).epoch != epoch || connection(e).state != ConnectionState::connecting) return;
      ++stats_.connections_timed_out;
      reset_client(e, "timed-out");
    });
    return;
  }
  scheduler_.schedule_at(at, [this, e, epoch] {
    if (connection(e).epoch == epoch && connection(e).state == ConnectionState::connecting) send_syn(e);
  });
}

void Network::establish(Ends e, std::uint64_t epoch) {
  Connection& c = connection(e);
  if (c.epoch != epoch || c.state != ConnectionState::connecting) return;
  if (is_blocked(e.server, e.client)) return syn_lost(e);  // the SYN-ACK was lost: the client asks again
  c.state = ConnectionState::established;
  events_.report(EventStamp{scheduler_.now(), e.client}, ConnectionEstablished{e.server});
  tell_client(e, true);
}

void Network::tell_client(Ends e, bool ready) {
  // Through the scheduler under the client's guard: a paused client hears when it resumes.
  const std::uint64_t epoch = connection(e).epoch;
  scheduler_.schedule_at(
      scheduler_.now(),
      [this, e, ready, epoch] {
        if (ready) {
          if (connection(e).epoch == epoch && ready_handler_) ready_handler_(e.client, e.server);
        } else if (reset_handler_) {
          reset_handler_(e.client, e.server);
        }
      },
      Guard::of(*endpoints_[e.client.value].liveness));
}

// ---- Data -------------------------------------------------------------------------------------

void Network::send(NodeId from, NodeId to, Stream stream, std::uint32_t bytes, std::string_view label,
                   Callback on_delivery) {
  KSIM_ASSERT(from.value < endpoints_.size() && to.value < endpoints_.size(), "unknown node");
  KSIM_ASSERT(from != to, "a node does not send messages to itself");
  ++stats_.sent;
  stats_.bytes_sent += bytes;
  const Ends e = stream == Stream::request ? Ends{from, to} : Ends{to, from};
  Connection& c = connection(e);
  // A response rides its requester's connection as it is now: ksim does not tell which
  // connection a request came on, and a client ignores an answer to a request it no longer has.
  const bool sender_has_end =
      c.state == ConnectionState::established && (stream == Stream::request || c.server_end);
  if (!sender_has_end) {
    ++stats_.dropped_not_connected;
    drop(from, to, label, "not-connected");
    return;
  }
  HalfStream& h = half(c, stream);
  h.unacked_bytes += bytes;
  const std::uint32_t slot =
      store(InFlight{std::move(on_delivery), label, c.epoch, e.client, e.server, bytes, stream, scheduler_.now()});
  if (h.stalled) {
    // TCP sends it, but the receiver cannot hand it on before the lost one: it waits behind it.
    h.held.push_back(slot);
    events_.report(EventStamp{scheduler_.now(), from}, MessageSent{to, bytes, label, Time::max()});
    return;
  }
  const Time arrival = transmit(from, to, bytes, h);
  events_.report(EventStamp{scheduler_.now(), from}, MessageSent{to, bytes, label, arrival});
  scheduler_.schedule_at(arrival, Ticket(this, slot), Guard::of(*endpoints_[to.value].liveness));
}

Time Network::transmit(NodeId from, NodeId to, std::uint32_t bytes, HalfStream& h) {
  Wire& w = wire(from, to);
  const LinkParams& params = w.override_params ? *w.override_params : defaults_;
  const Time now = scheduler_.now();
  Time arrival = now;
  if (params.bandwidth_bps > 0) {
    const Time start = w.busy_until > now ? w.busy_until : now;
    const __int128 bits = static_cast<__int128>(bytes) * 8 * 1'000'000'000;
    const auto serialisation_ns = static_cast<std::int64_t>(
        (bits + params.bandwidth_bps - 1) / params.bandwidth_bps);
    w.busy_until = start + Duration::from_ns(serialisation_ns);
    arrival = w.busy_until;
  }
  arrival = arrival + params.latency;
  if (params.jitter > Duration{}) {
    arrival = arrival + Duration::from_ns(w.rng.uniform_int(0, params.jitter.ns()));
  }
  if (arrival < h.last_arrival) arrival = h.last_arrival;  // FIFO within the connection
  h.last_arrival = arrival;
  return arrival;
}

void Network::deliver(std::uint32_t slot) {
  InFlight& m = in_flight_[slot];
  Connection& c = connection(m.client, m.server);
  const NodeId from = sender_of(m);
  const NodeId to = receiver_of(m);
  if (m.epoch != c.epoch) {
    ++stats_.dropped_by_reset;
    const std::string_view label = m.label;
    release(slot);
    drop(from, to, label, "connection-reset");
    return;
  }
  HalfStream& h = half(c, m.stream);
  if (h.stalled) {
    h.held.push_back(slot);  // an earlier one was lost: this one waits for it
    return;
  }
  Wire& w = wire(from, to);
  if (w.blocked) return lose(slot, LossCause::partition);
  const LinkParams& params = w.override_params ? *w.override_params : defaults_;
  // A lost transmission has still used the wire's bandwidth, so loss is drawn on arrival.
  if (params.loss > 0.0 && w.rng.bernoulli(params.loss)) return lose(slot, LossCause::loss);
  const bool receiver_has_end = m.stream == Stream::request ? c.server_end : c.state == ConnectionState::established;
  if (!receiver_has_end) return answer_with_reset(slot);
  h.backoff = 0;
  h.unacked_bytes -= std::min<std::uint64_t>(h.unacked_bytes, m.bytes);
  ++stats_.delivered;
  Callback on_delivery = std::move(m.on_delivery);
  release(slot);
  on_delivery();
}

void Network::abandon(std::uint32_t slot) {
  // The receiver stopped (or restarted) while the message flew.
  if (shut_down_) return release(slot);
  const InFlight& m = in_flight_[slot];
  const NodeId to = receiver_of(m);
  Connection& c = connection(m.client, m.server);
  if (m.epoch != c.epoch) {
    ++stats_.dropped_by_reset;
    release(slot);
    return;
  }
  HalfStream& h = half(c, m.stream);
  if (h.stalled) {
    h.held.push_back(slot);
    return;
  }
  if (host_powered_off(to)) return lose(slot, LossCause::host_down);
  answer_with_reset(slot);  // the host is up and knows no such connection
}

std::string_view Network::loss_cause_name(LossCause cause) {
  switch (cause) {
    case LossCause::loss: return "loss";
    case LossCause::partition: return "partition";
    case LossCause::host_down: return "host-down";
  }
  return "loss";
}

void Network::lose(std::uint32_t slot, LossCause cause) {
  InFlight& m = in_flight_[slot];
  const Ends e{m.client, m.server};
  Connection& c = connection(e);
  HalfStream& h = half(c, m.stream);
  KSIM_ASSERT(!h.stalled && h.held.empty(), "only the first message of a stream is retransmitted");
  if (cause == LossCause::loss) {
    ++stats_.lost_to_loss;
  } else {
    ++stats_.lost_to_cut;
  }
  if (h.backoff == 0) h.stalled_since = m.transmitted;
  h.stalled = true;
  h.held.push_back(slot);
  const NodeId from = sender_of(m);
  const NodeId to = receiver_of(m);
  // The sender's retransmission timer runs from the lost transmission.
  const Time retry = std::max(scheduler_.now(), m.transmitted + rto(from, to, h.backoff));
  events_.report(EventStamp{scheduler_.now(), from}, MessageDelayed{to, m.label, loss_cause_name(cause), retry});
  const std::uint64_t epoch = c.epoch;
  const Stream stream = m.stream;
  const std::uint32_t stall_id = ++h.stall_id;
  scheduler_.schedule_at(retry, [this, e, stream, epoch, stall_id] { retransmit(e, stream, epoch, stall_id); });
}

Duration Network::rto(NodeId from, NodeId to, std::uint32_t backoff) const {
  // Linux: the smoothed round trip plus a variance term floored at TCP_RTO_MIN.
  const Duration base = TcpTimers::rto_min + link_params(from, to).latency + link_params(to, from).latency;
  Duration r = base;
  for (std::uint32_t i = 0; i < backoff && r < TcpTimers::rto_max; ++i) r = r * 2;
  return std::min(r, TcpTimers::rto_max);
}

void Network::retransmit(Ends e, Stream stream, std::uint64_t epoch, std::uint32_t stall_id) {
  Connection& c = connection(e);
  HalfStream& h = half(c, stream);
  if (c.epoch != epoch || !h.stalled || h.stall_id != stall_id) return;
  const NodeId from = stream == Stream::request ? e.client : e.server;
  const NodeId to = stream == Stream::request ? e.server : e.client;
  const Time now = scheduler_.now();
  if (now - h.stalled_since >= TcpTimers::give_up) {
    // tcp_retries2: the sender's kernel gives up and the connection ends on its side.
    ++stats_.connections_timed_out;
    if (stream == Stream::request) {
      reset_client(e, "timed-out");
    } else {
      c.server_end = false;
      drop_held(c.down);
    }
    return;
  }
  ++h.backoff;
  ++stats_.retransmissions;
  const InFlight& head = in_flight_[h.held.front()];
  if (is_blocked(from, to) || host_powered_off(to)) {
    // Still nothing gets through: wait twice as long.
    ++stats_.lost_to_cut;
    const Time retry = now + rto(from, to, h.backoff);
    events_.report(EventStamp{now, from}, MessageDelayed{to, head.label, "partition", retry});
    const std::uint32_t next_id = ++h.stall_id;
    scheduler_.schedule_at(retry, [this, e, stream, epoch, next_id] { retransmit(e, stream, epoch, next_id); });
    return;
  }
  // Everything waiting goes again, in order; the first arrival decides whether it worked.
  std::vector<std::uint32_t> held;
  held.swap(h.held);
  h.stalled = false;
  for (const std::uint32_t slot : held) {
    InFlight& m = in_flight_[slot];
    m.transmitted = now;
    const Time arrival = transmit(from, to, m.bytes, h);
    events_.report(EventStamp{now, from}, MessageRetransmitted{to, m.label, arrival});
    scheduler_.schedule_at(arrival, Ticket(this, slot), Guard::of(*endpoints_[to.value].liveness));
  }
  held.clear();
  if (h.held.empty()) h.held.swap(held);  // keep the capacity for the next stall
}

void Network::answer_with_reset(std::uint32_t slot) {
  const InFlight& m = in_flight_[slot];
  const Ends e{m.client, m.server};
  // Only a server loses its end while its client keeps one (a client's end goes with the whole
  // connection), so the reset always travels back to a client.
  KSIM_ASSERT(m.stream == Stream::request, "a reset answers a request");
  if (is_blocked(e.server, e.client)) return lose(slot, LossCause::partition);  // the reset is lost: try again
  ++stats_.dropped_by_reset;
  const std::string_view label = m.label;
  release(slot);
  drop(e.client, e.server, label, "connection-reset");
  notify_reset_later(e, "reset");
}

// ---- Ends -------------------------------------------------------------------------------------

void Network::drop_held(HalfStream& h) {
  for (const std::uint32_t slot : h.held) {
    ++stats_.dropped_by_reset;
    release(slot);
  }
  h.held.clear();
  h.stalled = false;
  h.backoff = 0;
  h.unacked_bytes = 0;
  h.last_arrival = Time::zero();
}

void Network::end_connection(Ends e) {
  Connection& c = connection(e);
  ++c.epoch;
  c.state = ConnectionState::closed;
  c.server_end = false;
  drop_held(c.up);
  drop_held(c.down);
}

void Network::reset_client(Ends e, std::string_view reason) {
  end_connection(e);
  events_.report(EventStamp{scheduler_.now(), e.client}, ConnectionReset{e.server, reason});
  if (endpoints_[e.client.value].liveness->running) tell_client(e, false);
}

void Network::notify_reset_later(Ends e, std::string_view reason) {
  // The server's reset (or FIN) reaches the client one latency later, unless a cut lies in the
  // way; then the client learns on its next transmission.
  const std::uint64_t epoch = connection(e).epoch;
  scheduler_.schedule_after(link_params(e.server, e.client).latency, [this, e, epoch, reason] {
    if (connection(e).epoch != epoch || is_blocked(e.server, e.client)) return;
    reset_client(e, reason);
  });
}

void Network::close(NodeId closer, NodeId client, NodeId server) {
  const Ends e{client, server};
  Connection& c = connection(e);
  KSIM_ASSERT(closer == client || closer == server, "only an end closes a connection");
  const NodeId peer = closer == client ? server : client;
  if (closer == client) {
    if (c.state == ConnectionState::closed) return;
    events_.report(EventStamp{scheduler_.now(), closer}, ConnectionClosed{peer});
    end_connection(e);
    return;
  }
  if (!c.server_end) return;
  events_.report(EventStamp{scheduler_.now(), closer}, ConnectionClosed{peer});
  // What the server had sent still arrives; then the client hears of the close.
  c.server_end = false;
  notify_reset_later(e, "closed");
}

void Network::node_stopped(NodeId node, bool process_ended, bool orderly) {
  endpoints_[node.value].process_down = process_ended;
  const auto n = static_cast<std::uint32_t>(endpoints_.size());
  for (std::uint32_t other = 0; other < n; ++other) {
    const NodeId peer{other};
    if (peer == node) continue;
    // What it opened goes with it.
    if (connection(node, peer).state != ConnectionState::closed) end_connection(Ends{node, peer});
    // What others opened to it loses its server end. A crashed process's kernel resets them, an
    // exiting process closes them; a machine without power says nothing.
    Connection& accepted = connection(peer, node);
    if (!accepted.server_end) continue;
    accepted.server_end = false;
    drop_held(accepted.down);
    if (process_ended) notify_reset_later(Ends{peer, node}, orderly ? "closed" : "reset");
  }
}

void Network::node_started(NodeId node) { endpoints_[node.value].process_down = false; }

// ---- Storage, faults ----------------------------------------------------------------------------

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

void Network::release(std::uint32_t slot) {
  InFlight& message = in_flight_[slot];
  message.on_delivery.reset();
  free_in_flight_.push_back(slot);
}

void Network::drop(NodeId from, NodeId to, std::string_view label, std::string_view reason) {
  events_.report(EventStamp{scheduler_.now(), from}, MessageDropped{to, label, reason});
}

void Network::block(NodeId from, NodeId to) { wire(from, to).blocked = true; }
void Network::unblock(NodeId from, NodeId to) { wire(from, to).blocked = false; }

void Network::unblock_all() {
  for (Wire& w : wires_) w.blocked = false;
}

void Network::set_link(NodeId from, NodeId to, const LinkParams& params) {
  wire(from, to).override_params = params;
}

void Network::restore_link(NodeId from, NodeId to) { wire(from, to).override_params.reset(); }

const LinkParams& Network::link_params(NodeId from, NodeId to) const {
  const Wire& w = wire(from, to);
  return w.override_params ? *w.override_params : defaults_;
}

}  // namespace ksim::sim
