// KafkaNode: a node that speaks the Kafka model's messages (broker, controller, client).
//
// send_message() puts a message on the simulated network with its wire size; when it arrives the
// receiver's handle() overload for that type runs. A node overrides the handlers for what it
// serves; a message it does not expect is a bug in the model and stops the run loudly.
//
// Requests travel on a connection the node opens to their receiver, responses on the one the
// requester opened. The node's network client keeps those connections as Java's NetworkClient
// and ClusterConnectionStates do: a request for a peer without a ready connection waits while one
// is opened (as ConsumerNetworkClient's unsent requests do); an attempt that is refused, reset or
// not finished within socket.connection.setup.timeout.ms (doubling per failed attempt, up to
// socket.connection.setup.timeout.max.ms, +-20%) fails, drops what waited for it and tells the
// node (connection_lost); the next attempt waits reconnect.backoff.ms, doubling per failure up to
// reconnect.backoff.max.ms, +-20%. A node that must not queue (the producer keeps its batches in
// the accumulator) asks ready() first.
//
// emit() reports a typed Kafka event (core/event/kafka_events.hpp) to the run's observers, the
// trace among them; a Kafka node has no way to emit untyped text.
#pragma once

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/node/connection_config.hpp"

#include "core/event/kafka_observer.hpp"
#include "core/protocol/group_messages.hpp"
#include "core/protocol/messages.hpp"
#include "core/protocol/raft_messages.hpp"
#include "sim/assert.hpp"
#include "sim/node.hpp"
#include "sim/simulation.hpp"

namespace ksim::core {

class KafkaNode : public sim::Node {
 public:
  virtual void handle(sim::NodeId from, const ProduceRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ProduceResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const FetchRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const FetchResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ListOffsetsRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ListOffsetsResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetsForLeaderEpochRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetsForLeaderEpochResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const MetadataRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const MetadataResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BrokerRegistrationRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BrokerRegistrationResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BrokerHeartbeatRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BrokerHeartbeatResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const AlterPartitionRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const AlterPartitionResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const InitProducerIdRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const InitProducerIdResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const CreateTopicRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const CreatePartitionsRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ElectLeadersRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const AdminResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const FindCoordinatorRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const FindCoordinatorResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const JoinGroupRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const JoinGroupResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const SyncGroupRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const SyncGroupResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const HeartbeatRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const HeartbeatResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const LeaveGroupRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const LeaveGroupResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ConsumerGroupHeartbeatRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const ConsumerGroupHeartbeatResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetCommitRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetCommitResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetFetchRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetFetchResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const VoteRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const VoteResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BeginQuorumEpochRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const BeginQuorumEpochResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const EndQuorumEpochRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const EndQuorumEpochResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const MetadataFetchRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const MetadataFetchResponse& m) { unexpected(from, m); }

 protected:
  KafkaNode(std::string name, KafkaEvents& events) : sim::Node(std::move(name)), events_(events) {}

  void set_connection_config(const ConnectionConfig& config) { connection_config_ = config; }

  // Reports an event of this node's to the run's observers, stamped with now and this node.
  template <typename Event>
  void emit(const Event& event) {
    events_.report(id(), event);
  }

  // A request whose `on_written` runs once it is written to a ready connection: where Java's
  // NetworkClient starts the request's timeout, which does not run while the connection is
  // being opened (socket.connection.setup.timeout.ms does). If the connection fails first it
  // never runs, and the node hears of it in connection_lost().
  template <typename Message>
  void send_message(sim::NodeId to, Message message, sim::Callback on_written) {
    static_assert(!std::string_view(Message::kName).ends_with("Response"), "only requests wait to be written");
    const std::uint32_t bytes = wire_size(message);
    send_request(to, bytes, Message::kName, delivery(to, std::move(message)), std::move(on_written));
  }

  // A request goes on this node's connection to `to`, a response on the one `to` opened to it.
  template <typename Message>
  void send_message(sim::NodeId to, Message message) {
    const std::uint32_t bytes = wire_size(message);
    if constexpr (std::string_view(Message::kName).ends_with("Response")) {
      reply(to, bytes, Message::kName, delivery(to, std::move(message)));
    } else {
      send_request(to, bytes, Message::kName, delivery(to, std::move(message)));
    }
  }

  // Sends a message on the connection `to` opened to this node, as an answer: what a KRaft
  // broker fetches from the controller on its own connection, here pushed back on it.
  template <typename Message>
  void reply_message(sim::NodeId to, Message message) {
    const std::uint32_t bytes = wire_size(message);
    reply(to, bytes, Message::kName, delivery(to, std::move(message)));
  }

  // Whether the connection to `peer` is ready for a request; if it is not, starts opening it
  // (after the reconnect backoff), as NetworkClient.ready() does. connection_ready() says when.
  bool ready(sim::NodeId peer);
  // Closes this node's connection to `peer` (a request timed out on it): what waited for it is
  // dropped, and the next attempt waits the reconnect backoff.
  void disconnect(sim::NodeId peer);

  // Told when a connection this node opened becomes ready, or fails or ends from afar.
  virtual void connection_ready(sim::NodeId /*peer*/) {}
  virtual void connection_lost(sim::NodeId /*peer*/) {}

 private:
  // What the network runs when `message` arrives at `to`: that node's handler for it, told who
  // sent it. Every node of a Kafka cluster is a KafkaNode; the cluster builder guarantees it.
  template <typename Message>
  sim::Callback delivery(sim::NodeId to, Message message) {
    auto& target = static_cast<KafkaNode&>(simulation().node(to));
    return [&target, from = id(), m = std::make_unique<Message>(std::move(message))] { target.handle(from, *m); };
  }

  struct Waiting {
    std::uint32_t bytes = 0;
    std::string_view label;
    sim::Callback deliver;
    sim::Callback on_written;
  };
  // ClusterConnectionStates' NodeConnectionState, with the requests that wait for the connection.
  struct PeerConnection {
    sim::Time last_attempt;
    std::uint32_t failed_attempts = 0;          // sets the reconnect backoff
    std::uint32_t failed_connect_attempts = 0;  // sets the setup timeout
    sim::Duration reconnect_backoff;
    sim::Duration setup_timeout;
    bool attempted = false;
    bool wanted = false;  // someone asked for it: reconnect when the backoff is over
    sim::TimerId setup_timer;
    sim::TimerId reconnect_timer;
    std::vector<Waiting> waiting;
  };

  void send_request(sim::NodeId to, std::uint32_t bytes, std::string_view label, sim::Callback deliver,
                    sim::Callback on_written = {});
  PeerConnection& peer(sim::NodeId node);
  void open(sim::NodeId node);
  // ClusterConnectionStates.disconnected(): backoffs grow, waiting requests are dropped.
  void disconnected(sim::NodeId node, bool was_connecting);
  sim::Duration jittered(sim::Duration base, std::uint32_t doublings, sim::Duration max);
  void on_connection_ready(sim::NodeId peer) final;
  void on_connection_reset(sim::NodeId peer) final;

  KafkaEvents& events_;
  ConnectionConfig connection_config_;
  std::vector<PeerConnection> peers_;  // by node id, for the incarnation below
  std::uint32_t peers_incarnation_ = 0;

  template <typename Message>
  [[noreturn]] void unexpected(sim::NodeId, const Message&) {
    KSIM_ASSERT(false, Message::kName);
    __builtin_unreachable();
  }
};

}  // namespace ksim::core
