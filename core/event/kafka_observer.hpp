// KafkaObserver: the one interface through which the checkers, the scenario runner, the GUI and
// the trace follow a run. It receives the kernel's world events (a node stopped, a fault applied,
// a message sent) and the Kafka model's events (kafka_events.hpp), each with its stamp.
//
// Every handler does nothing by default; an observer overrides those it follows and starts with
// `using KafkaObserver::on;` so that the others stay visible. Attach it to a run with
// KafkaEvents::attach (Cluster::events()).
#pragma once

#include <vector>

#include "core/event/kafka_events.hpp"
#include "sim/simulation.hpp"
#include "sim/world_events.hpp"

namespace ksim::core {

using sim::EventStamp;

class KafkaObserver : public sim::WorldObserver {
 public:
  using sim::WorldObserver::on;
  virtual void on(const EventStamp&, const RecordsAppended&) {}
  virtual void on(const EventStamp&, const ReplicaRoleChanged&) {}
  virtual void on(const EventStamp&, const HighWatermarkAdvanced&) {}
  virtual void on(const EventStamp&, const IsrChangeRequested&) {}
  virtual void on(const EventStamp&, const ReplicaFetched&) {}
  virtual void on(const EventStamp&, const FetchSessionReset&) {}
  virtual void on(const EventStamp&, const LogTruncated&) {}
  virtual void on(const EventStamp&, const LogSegmentsDeleted&) {}
  virtual void on(const EventStamp&, const QuorumStateChanged&) {}
  virtual void on(const EventStamp&, const MetadataCommitted&) {}
  virtual void on(const EventStamp&, const MetadataLogTruncated&) {}
  virtual void on(const EventStamp&, const ControllerActivated&) {}
  virtual void on(const EventStamp&, const ControllerDeactivated&) {}
  virtual void on(const EventStamp&, const BrokerRegistered&) {}
  virtual void on(const EventStamp&, const BrokerRegistrationRefused&) {}
  virtual void on(const EventStamp&, const BrokerControlledShutdown&) {}
  virtual void on(const EventStamp&, const BrokerFenced&) {}
  virtual void on(const EventStamp&, const BrokerUnfenced&) {}
  virtual void on(const EventStamp&, const TopicCreated&) {}
  virtual void on(const EventStamp&, const LeaderElected&) {}
  virtual void on(const EventStamp&, const PartitionWentOffline&) {}
  virtual void on(const EventStamp&, const IsrChanged&) {}
  virtual void on(const EventStamp&, const GroupCreated&) {}
  virtual void on(const EventStamp&, const GroupGenerationPersisted&) {}
  virtual void on(const EventStamp&, const GroupLoaded&) {}
  virtual void on(const EventStamp&, const GroupUnloaded&) {}
  virtual void on(const EventStamp&, const GroupMemberLeft&) {}
  virtual void on(const EventStamp&, const GroupMemberExpired&) {}
  virtual void on(const EventStamp&, const ConsumerGroupTargetComputed&) {}
  virtual void on(const EventStamp&, const ConsumerGroupMemberReconciled&) {}
  virtual void on(const EventStamp&, const GroupCommitRefused&) {}
  virtual void on(const EventStamp&, const GroupOffsetExpired&) {}
  virtual void on(const EventStamp&, const GroupDied&) {}
  virtual void on(const EventStamp&, const OffsetsTopicNotCreated&) {}
  virtual void on(const EventStamp&, const BatchCompleted&) {}
  virtual void on(const EventStamp&, const ProducerEpochBumped&) {}
  virtual void on(const EventStamp&, const BatchSplit&) {}
  virtual void on(const EventStamp&, const PartitionsOwnershipChanged&) {}
  virtual void on(const EventStamp&, const ConsumerTruncationDetected&) {}
  virtual void on(const EventStamp&, const CoordinatorFound&) {}
  virtual void on(const EventStamp&, const CoordinatorLost&) {}
  virtual void on(const EventStamp&, const JoinStarted&) {}
  virtual void on(const EventStamp&, const JoinFailed&) {}
  virtual void on(const EventStamp&, const GroupJoined&) {}
  virtual void on(const EventStamp&, const AssignmentComputed&) {}
  virtual void on(const EventStamp&, const SubscribedPartitionsChanged&) {}
  virtual void on(const EventStamp&, const GenerationReset&) {}
  virtual void on(const EventStamp&, const MemberEpochChanged&) {}
  virtual void on(const EventStamp&, const RebalanceNoticed&) {}
  virtual void on(const EventStamp&, const LeftGroup&) {}
  virtual void on(const EventStamp&, const PositionInitialised&) {}
  virtual void on(const EventStamp&, const CommitCompleted&) {}
};

// The trace encoding of each Kafka event (kafka_trace.cpp): the kinds and fields the fingerprint
// and the JSON Lines trace have always had. Nothing else turns an event into text.
void encode(sim::Trace& trace, const EventStamp& stamp, const RecordsAppended& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ReplicaRoleChanged& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const HighWatermarkAdvanced& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const IsrChangeRequested& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ReplicaFetched& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const FetchSessionReset& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const LogTruncated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const LogSegmentsDeleted& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const QuorumStateChanged& e);
// The metadata log's progress stays out of the trace (kafka_events.hpp says why).
inline void encode(sim::Trace& /*trace*/, const EventStamp& /*stamp*/, const MetadataCommitted& /*e*/) {}
inline void encode(sim::Trace& /*trace*/, const EventStamp& /*stamp*/, const MetadataLogTruncated& /*e*/) {}
void encode(sim::Trace& trace, const EventStamp& stamp, const ControllerActivated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ControllerDeactivated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BrokerRegistered& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BrokerRegistrationRefused& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BrokerControlledShutdown& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BrokerFenced& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BrokerUnfenced& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const TopicCreated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const LeaderElected& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const PartitionWentOffline& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const IsrChanged& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupCreated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupGenerationPersisted& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupLoaded& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupUnloaded& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupMemberLeft& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupMemberExpired& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ConsumerGroupTargetComputed& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ConsumerGroupMemberReconciled& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupCommitRefused& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupOffsetExpired& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupDied& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const OffsetsTopicNotCreated& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BatchCompleted& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ProducerEpochBumped& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const BatchSplit& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const ConsumerTruncationDetected& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const PartitionsOwnershipChanged& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const CoordinatorFound& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const CoordinatorLost& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const JoinStarted& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const JoinFailed& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GroupJoined& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const AssignmentComputed& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const SubscribedPartitionsChanged& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const GenerationReset& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const MemberEpochChanged& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const RebalanceNoticed& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const LeftGroup& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const PositionInitialised& e);
void encode(sim::Trace& trace, const EventStamp& stamp, const CommitCompleted& e);

// The Kafka model's event stream for one run (Cluster owns it). It writes each event to the trace
// when anyone listens there, then hands it to each observer in the order they were attached.
// Observers attached here also receive the kernel's world events, in the same order as the rest.
class KafkaEvents {
 public:
  explicit KafkaEvents(sim::Simulation& simulation) : simulation_(simulation) {}
  KafkaEvents(const KafkaEvents&) = delete;
  KafkaEvents& operator=(const KafkaEvents&) = delete;

  void attach(KafkaObserver& observer);
  void detach(KafkaObserver& observer);
  // Whether anything listens: emitters skip building costly fields when not.
  bool wanted() const { return simulation_.trace().enabled() || !observers_.empty(); }

  template <typename Event>
  void report(sim::NodeId node, const Event& event) {
    if (!wanted()) return;
    const EventStamp stamp{simulation_.now(), node};
    if (simulation_.trace().enabled()) encode(simulation_.trace(), stamp, event);
    for (KafkaObserver* observer : observers_) observer->on(stamp, event);
  }

 private:
  sim::Simulation& simulation_;
  std::vector<KafkaObserver*> observers_;
};

}  // namespace ksim::core
