// The simulated network: TCP connections between nodes, over wires with latency, jitter,
// bandwidth, loss and cuts.
//
// A connection is opened by one node (its client) to another (its server), and carries requests
// one way and responses the other. It behaves as TCP does where it matters to Kafka
// (docs/architecture.md, "Connections", gives the Linux and Kafka facts behind each number):
//   - Opening takes a handshake round trip. A host whose process is down answers at once with a
//     reset ("connection refused"); a host without power, or one across a cut, answers nothing,
//     and the SYN is retransmitted (1 s, doubling; tcp_syn_retries = 6 gives up after 127 s). A
//     Kafka client gives up long before, by its own socket.connection.setup.timeout.ms.
//   - An open connection delivers every message, in order, exactly once, unless it ends. A
//     transmission lost to the link's loss rate, to a cut or to a host without power is
//     retransmitted by the sender's kernel: first after the retransmission timeout (RTO: 200 ms
//     plus the round trip), then doubling up to 120 s; what was sent after it waits behind it
//     (TCP delivers in order). Loss and short cuts are delays, never missing messages. After about
//     15 minutes of failed retransmission (tcp_retries2 = 15) the sender gives up and the
//     connection ends.
//   - A connection ends when its client closes it (the server keeps no state ksim models, and is
//     not told), when its server closes it or its server's process dies (the client hears after a
//     latency, if the path is open; otherwise on its next transmission, which the host answers
//     with a reset), when its client's process dies or loses power (the connection goes with it),
//     or when TCP gives up. A server that lost power tells nobody: the client's transmissions go
//     unanswered and are retransmitted until the host is back (it answers with a reset) or
//     someone's timeout ends it. Messages still flying or waiting on an ended connection are gone.
//   - FIFO and bandwidth are per wire direction: a message never overtakes an earlier one on its
//     connection, and with a rate set a message occupies the wire for bytes * 8 / rate.
//
// Randomness (jitter, loss) comes from one stream per wire direction, named after its two nodes, so
// traffic on one wire never changes what another draws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/callback.hpp"
#include "sim/connection_state.hpp"
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
  double loss = 0.0;                // probability that a transmission is lost, 0..1
};

// The kernel's TCP timers (Linux defaults; docs/architecture.md cites them).
struct TcpTimers {
  static constexpr Duration rto_min = milliseconds(200);  // TCP_RTO_MIN
  static constexpr Duration rto_max = seconds(120);       // TCP_RTO_MAX
  // tcp_retries2 = 15: the give-up time Linux derives from it with RTO_MIN (0.2 s doubling to
  // 120 s over 16 timeouts), about 15 minutes.
  static constexpr Duration give_up = milliseconds(924'600);
  static constexpr Duration syn_rto = seconds(1);  // TCP_TIMEOUT_INIT
  static constexpr int syn_retries = 6;            // tcp_syn_retries: gives up after 127 s
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t lost_to_cut = 0;   // transmissions a cut or a host without power swallowed
  std::uint64_t lost_to_loss = 0;  // transmissions the loss rate took
  std::uint64_t retransmissions = 0;
  std::uint64_t dropped_by_reset = 0;       // died with their connection
  std::uint64_t dropped_not_connected = 0;  // sent on a connection that had ended
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_refused = 0;
  std::uint64_t connections_timed_out = 0;  // TCP gave up (SYN or data retransmission)
};

class Network {
 public:
  // Told on the client's side: its connection to `server` is ready, or ended from afar (refused,
  // reset, closed by the server, or given up by TCP).
  using ReadyHandler = std::function<void(NodeId client, NodeId server)>;
  using ResetHandler = std::function<void(NodeId client, NodeId server)>;

  Network(Scheduler& scheduler, WorldEvents& events, const RandomSource& random, LinkParams defaults);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  // Registers a node; ids must be added densely, 0, 1, 2, ...
  void add_node(NodeId id, std::string_view name, Liveness& liveness);
  void set_ready_handler(ReadyHandler handler) { ready_handler_ = std::move(handler); }
  void set_reset_handler(ResetHandler handler) { reset_handler_ = std::move(handler); }

  // Starts the handshake of a new connection from `client` to `server`; the connection must be
  // closed. The ready or reset handler says how it went, unless the client closes it first.
  void connect(NodeId client, NodeId server);
  ConnectionState state(NodeId client, NodeId server) const { return connection(client, server).state; }
  // Bytes the client wrote on its connection that have not reached the server yet: what its
  // socket send buffer holds.
  std::uint64_t unacknowledged_bytes(NodeId client, NodeId server) const {
    return connection(client, server).up.unacked_bytes;
  }

  // Sends `bytes` from `from` to `to` on the connection `stream` names. `on_delivery` runs on the
  // receiver when the message arrives. A message on a connection its sender no longer has is
  // dropped. `label` names the message in the trace ("Produce", "ping") and must outlive the run.
  void send(NodeId from, NodeId to, Stream stream, std::uint32_t bytes, std::string_view label,
            Callback on_delivery);

  // `closer` (the client or the server) closes the connection from `client` to `server`.
  void close(NodeId closer, NodeId client, NodeId server);

  // Directed cuts: block(a, b) stops what a sends to b, not what b sends to a.
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);
  void unblock_all();
  bool is_blocked(NodeId from, NodeId to) const { return wire(from, to).blocked; }

  // Per-wire overrides of the defaults (a slow or lossy link), and their removal.
  void set_link(NodeId from, NodeId to, const LinkParams& params);
  void restore_link(NodeId from, NodeId to);
  const LinkParams& link_params(NodeId from, NodeId to) const;
  const LinkParams& defaults() const { return defaults_; }

  // Called by the simulation before it drops every pending event: a message destroyed from then
  // on is simply gone.
  void shut_down() { shut_down_ = true; }
  // Called by the simulation when a node stops or starts. `process_ended`: the host lives on (a
  // crash or an exit; otherwise it lost power); `orderly`: the process exited on its own.
  void node_stopped(NodeId node, bool process_ended, bool orderly = false);
  void node_started(NodeId node);

  const NetworkStats& stats() const { return stats_; }
  std::size_t node_count() const { return endpoints_.size(); }
  std::size_t messages_in_flight() const { return in_flight_.size() - free_in_flight_.size(); }

 private:
  struct Wire {
    std::optional<LinkParams> override_params;
    Time busy_until;  // the wire serialises the next message from here (bandwidth)
    bool blocked = false;
    Rng rng{0};
  };
  // One direction of one connection.
  struct HalfStream {
    Time last_arrival;                 // FIFO: nothing sent later may arrive before this
    std::uint64_t unacked_bytes = 0;   // sent, not yet arrived
    std::vector<std::uint32_t> held;   // waiting for a lost transmission's retry, oldest first
    bool stalled = false;
    std::uint32_t backoff = 0;         // RTO doublings since the last delivery
    std::uint32_t stall_id = 0;        // names the armed retransmission timer
    Time stalled_since;
  };
  struct Connection {
    ConnectionState state = ConnectionState::closed;  // the client's view
    bool server_end = false;  // the server has its end (it saw the handshake and has not lost it)
    std::uint64_t epoch = 0;  // bumped when it ends: older messages and timers are void
    std::uint32_t syn_attempts = 0;
    Time syn_started;
    HalfStream up;    // client -> server
    HalfStream down;  // server -> client
  };
  struct Endpoint {
    std::string name;
    Liveness* liveness = nullptr;
    bool process_down = false;  // crashed, the host still up: it answers with resets
  };
  struct InFlight {
    Callback on_delivery;
    std::string_view label;
    std::uint64_t epoch = 0;
    NodeId client;
    NodeId server;
    std::uint32_t bytes = 0;
    Stream stream = Stream::request;
    Time transmitted;  // the latest (re)transmission
  };
  // Rides in the scheduled delivery event. If the scheduler drops the event because the receiver
  // stopped, the ticket's destructor hands the message to abandon().
  class Ticket;

  // A connection named by its two ends; indices into the tables change when they grow, names do not.
  struct Ends {
    NodeId client;
    NodeId server;
  };
  std::size_t index(NodeId client, NodeId server) const { return client.value * capacity_ + server.value; }
  Connection& connection(NodeId client, NodeId server) { return connections_[index(client, server)]; }
  const Connection& connection(NodeId client, NodeId server) const { return connections_[index(client, server)]; }
  Wire& wire(NodeId from, NodeId to) { return wires_[index(from, to)]; }
  const Wire& wire(NodeId from, NodeId to) const { return wires_[index(from, to)]; }
  static HalfStream& half(Connection& c, Stream s) { return s == Stream::request ? c.up : c.down; }
  NodeId sender_of(const InFlight& m) const;
  NodeId receiver_of(const InFlight& m) const;
  bool host_powered_off(NodeId node) const;
  void grow(std::size_t capacity);

  Connection& connection(Ends e) { return connection(e.client, e.server); }

  // The handshake.
  void send_syn(Ends e);
  void syn_arrived(Ends e, std::uint64_t epoch);
  void syn_lost(Ends e);
  void establish(Ends e, std::uint64_t epoch);

  // Data.
  Time transmit(NodeId from, NodeId to, std::uint32_t bytes, HalfStream& h);
  void dispatch(std::uint32_t slot);
  void deliver(std::uint32_t slot);
  void abandon(std::uint32_t slot);
  // Why a transmission did not arrive: the link's loss rate, a cut, or a receiving host without
  // power. The first counts as lost to loss, the others as lost to a cut.
  enum class LossCause : std::uint8_t { loss, partition, host_down };
  static std::string_view loss_cause_name(LossCause cause);  // as MessageDelayed's reason says it
  void lose(std::uint32_t slot, LossCause cause);
  void retransmit(Ends e, Stream stream, std::uint64_t epoch, std::uint32_t stall_id);
  Duration rto(NodeId from, NodeId to, std::uint32_t backoff) const;
  void answer_with_reset(std::uint32_t slot);

  // Ends.
  void end_connection(Ends e);
  void drop_held(HalfStream& h);
  void notify_reset_later(Ends e, std::string_view reason);
  void reset_client(Ends e, std::string_view reason);
  void tell_client(Ends e, bool ready);

  std::uint32_t store(InFlight message);
  void release(std::uint32_t slot);
  void drop(NodeId from, NodeId to, std::string_view label, std::string_view reason);

  Scheduler& scheduler_;
  WorldEvents& events_;
  const RandomSource& random_;
  LinkParams defaults_;
  ReadyHandler ready_handler_;
  ResetHandler reset_handler_;
  std::vector<Endpoint> endpoints_;
  std::size_t capacity_ = 0;
  std::vector<Wire> wires_;              // capacity_ x capacity_, row = sender
  std::vector<Connection> connections_;  // capacity_ x capacity_, row = client
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_in_flight_;
  NetworkStats stats_;
  bool shut_down_ = false;
};

}  // namespace ksim::sim
