#include "core/node/kafka_node.hpp"

#include <algorithm>

namespace ksim::core {

KafkaNode::PeerConnection& KafkaNode::peer(sim::NodeId node) {
  if (peers_incarnation_ != incarnation()) {
    // A new process starts with no connections and no backoffs.
    peers_.clear();
    peers_incarnation_ = incarnation();
  }
  if (peers_.size() <= node.value) peers_.resize(node.value + 1);
  return peers_[node.value];
}

sim::Duration KafkaNode::jittered(sim::Duration base, std::uint32_t doublings, sim::Duration max) {
  // Kafka's ExponentialBackoff: base * 2^n, capped, then +-20%.
  sim::Duration term = base;
  for (std::uint32_t i = 0; i < doublings && term < max; ++i) term = term * 2;
  term = std::min(term, max);
  const double factor = rng().uniform_real(0.8, 1.2);
  return sim::Duration::from_ns(static_cast<std::int64_t>(static_cast<double>(term.ns()) * factor));
}

bool KafkaNode::ready(sim::NodeId node) {
  if (connection_state(node) == sim::ConnectionState::established) return true;
  PeerConnection& p = peer(node);
  p.wanted = true;
  if (connection_state(node) == sim::ConnectionState::connecting) return false;
  const sim::Time allowed = p.last_attempt + p.reconnect_backoff;
  if (!p.attempted || allowed <= now()) {
    open(node);
  } else if (!p.reconnect_timer.valid()) {
    p.reconnect_timer = at(allowed, [this, node] {
      PeerConnection& again = peer(node);
      again.reconnect_timer = sim::TimerId{};
      if (again.wanted) ready(node);
    });
  }
  return false;
}

void KafkaNode::open(sim::NodeId node) {
  PeerConnection& p = peer(node);
  if (!p.attempted) {
    p.attempted = true;
    p.reconnect_backoff = jittered(connection_config_.reconnect_backoff, 0, connection_config_.reconnect_backoff_max);
    p.setup_timeout = jittered(connection_config_.setup_timeout, 0, connection_config_.setup_timeout_max);
  }
  p.last_attempt = now();
  connect(node);
  // NetworkClient checks the attempt against socket.connection.setup.timeout.ms and gives up on
  // it: a host without power, or behind a cut, never answers.
  p.setup_timer = after(p.setup_timeout, [this, node] {
    peer(node).setup_timer = sim::TimerId{};
    if (connection_state(node) != sim::ConnectionState::connecting) return;
    close_connection(node);
    disconnected(node, true);
    connection_lost(node);
  });
}

void KafkaNode::send_request(sim::NodeId to, std::uint32_t bytes, std::string_view label, sim::Callback deliver,
                             sim::Callback on_written) {
  if (connection_state(to) == sim::ConnectionState::established) {
    send(to, bytes, label, std::move(deliver));
    if (on_written) on_written();
    return;
  }
  peer(to).waiting.push_back(Waiting{bytes, label, std::move(deliver), std::move(on_written)});
  ready(to);
}

void KafkaNode::on_connection_ready(sim::NodeId node) {
  PeerConnection& p = peer(node);
  cancel(p.setup_timer);
  p.setup_timer = sim::TimerId{};
  p.wanted = false;
  // ClusterConnectionStates.ready(): both backoffs start over.
  p.failed_attempts = 0;
  p.failed_connect_attempts = 0;
  p.reconnect_backoff = jittered(connection_config_.reconnect_backoff, 0, connection_config_.reconnect_backoff_max);
  p.setup_timeout = jittered(connection_config_.setup_timeout, 0, connection_config_.setup_timeout_max);
  std::vector<Waiting> waiting = std::move(p.waiting);
  p.waiting.clear();
  for (Waiting& w : waiting) {
    if (connection_state(node) != sim::ConnectionState::established) break;
    send(node, w.bytes, w.label, std::move(w.deliver));
    if (w.on_written) w.on_written();
  }
  connection_ready(node);
}

void KafkaNode::on_connection_reset(sim::NodeId node) {
  // The ready handler has run by the time a reset can come, unless the attempt itself failed.
  const bool was_connecting = peer(node).setup_timer.valid();
  cancel(peer(node).setup_timer);
  peer(node).setup_timer = sim::TimerId{};
  disconnected(node, was_connecting);
  connection_lost(node);
}

void KafkaNode::disconnect(sim::NodeId node) {
  const bool was_connecting = connection_state(node) == sim::ConnectionState::connecting;
  close_connection(node);
  PeerConnection& p = peer(node);
  cancel(p.setup_timer);
  p.setup_timer = sim::TimerId{};
  disconnected(node, was_connecting);
}

void KafkaNode::disconnected(sim::NodeId node, bool was_connecting) {
  PeerConnection& p = peer(node);
  p.attempted = true;
  p.last_attempt = now();
  p.reconnect_backoff = jittered(connection_config_.reconnect_backoff, p.failed_attempts,
                                 connection_config_.reconnect_backoff_max);
  ++p.failed_attempts;
  if (was_connecting) {
    ++p.failed_connect_attempts;
  } else {
    p.failed_connect_attempts = 0;
  }
  p.setup_timeout = jittered(connection_config_.setup_timeout, p.failed_connect_attempts,
                             connection_config_.setup_timeout_max);
  // What waited for this connection is gone; its senders learn from connection_lost() or their
  // own timeouts, as a Java caller learns from a DisconnectException. Nobody reconnects unless
  // asked again.
  p.waiting.clear();
  p.wanted = false;
}

}  // namespace ksim::core
