// KafkaClient: what producers and consumers share: the bootstrap brokers and the metadata they
// learn from them, one Metadata request at a time, retried on the next bootstrap broker when it
// goes unanswered.
#pragma once

#include <string>
#include <vector>

#include "core/client/client_metadata.hpp"
#include "core/node/kafka_node.hpp"

namespace ksim::core {

class KafkaClient : public KafkaNode {
 protected:
  KafkaClient(KafkaEvents& events, std::string name, std::vector<sim::NodeId> bootstrap, sim::Duration request_timeout)
      : KafkaNode(std::move(name), events), bootstrap_(std::move(bootstrap)), request_timeout_(request_timeout) {}

  // Asks a bootstrap broker for the cluster's metadata, unless a request is already out.
  void request_metadata() {
    if (metadata_.in_flight || bootstrap_.empty()) return;
    metadata_.in_flight = true;
    metadata_target_ = next_bootstrap();
    const std::int32_t correlation = next_correlation_++;
    metadata_correlation_ = correlation;
    send_message(metadata_target_, MetadataRequest{correlation, {}}, [this, correlation] {
      after(request_timeout_, [this, correlation] {
        if (!metadata_.in_flight || metadata_correlation_ != correlation) return;
        metadata_.in_flight = false;  // unanswered: close that connection and ask another broker
        disconnect(metadata_target_);
        request_metadata();
      });
    });
  }
  // Closes the connection to `peer` (a request on it timed out). A Metadata request on it dies
  // with it and goes to the next broker; the client's other requests to `peer` are its own to
  // ask again.
  void disconnect(sim::NodeId peer) {
    KafkaNode::disconnect(peer);
    metadata_peer_reset(peer);
  }
  // A connection to `peer` was reset (it crashed, or refused us): a Metadata request waiting on
  // it goes to the next broker at once.
  void metadata_peer_reset(sim::NodeId peer) {
    if (!metadata_.in_flight || metadata_target_ != peer) return;
    metadata_.in_flight = false;
    request_metadata();
  }
  // The bootstrap brokers in turn, for requests any broker can answer.
  sim::NodeId next_bootstrap() { return bootstrap_[next_bootstrap_++ % bootstrap_.size()]; }
  // For requests any broker can answer: the live brokers of the latest metadata in turn (as
  // Java's least-loaded node avoids brokers it cannot reach), or a bootstrap broker.
  sim::NodeId any_broker() {
    const std::vector<sim::NodeId> live = metadata_.broker_nodes();
    if (live.empty()) return next_bootstrap();
    return live[next_bootstrap_++ % live.size()];
  }
  bool has_bootstrap() const { return !bootstrap_.empty(); }

  ClientMetadata metadata_;
  std::int32_t next_correlation_ = 1;

 private:
  std::vector<sim::NodeId> bootstrap_;
  std::size_t next_bootstrap_ = 0;
  sim::NodeId metadata_target_;
  std::int32_t metadata_correlation_ = 0;
  sim::Duration request_timeout_;
};

}  // namespace ksim::core
