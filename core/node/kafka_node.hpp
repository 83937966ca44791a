// KafkaNode: a node that speaks the Kafka model's messages (broker, controller, client).
//
// send_message() puts a message on the simulated network with its wire size; when it arrives the
// receiver's handle() overload for that type runs. A node overrides the handlers for what it
// serves; a message it does not expect is a bug in the model and stops the run loudly.
//
// emit() reports a typed Kafka event (core/event/kafka_events.hpp) to the run's observers, the
// trace among them; a Kafka node has no way to emit untyped text.
#pragma once

#include <memory>
#include <utility>

#include "core/event/kafka_observer.hpp"
#include "core/protocol/group_messages.hpp"
#include "core/protocol/messages.hpp"
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
  virtual void handle(sim::NodeId from, const MetadataUpdate& m) { unexpected(from, m); }
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
  virtual void handle(sim::NodeId from, const OffsetCommitRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetCommitResponse& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetFetchRequest& m) { unexpected(from, m); }
  virtual void handle(sim::NodeId from, const OffsetFetchResponse& m) { unexpected(from, m); }

 protected:
  KafkaNode(std::string name, KafkaEvents& events) : sim::Node(std::move(name)), events_(events) {}

  // Reports an event of this node's to the run's observers, stamped with now and this node.
  template <typename Event>
  void emit(const Event& event) {
    events_.report(id(), event);
  }

  template <typename Message>
  void send_message(sim::NodeId to, Message message) {
    // Every node of a Kafka cluster is a KafkaNode; the cluster builder guarantees it.
    auto& target = static_cast<KafkaNode&>(simulation().node(to));
    const std::uint32_t bytes = wire_size(message);
    send(to, bytes, Message::kName,
         [&target, from = id(), m = std::make_unique<Message>(std::move(message))] {
           target.handle(from, *m);
         });
  }

 private:
  KafkaEvents& events_;

  template <typename Message>
  [[noreturn]] void unexpected(sim::NodeId, const Message&) {
    KSIM_ASSERT(false, Message::kName);
    __builtin_unreachable();
  }
};

}  // namespace ksim::core
