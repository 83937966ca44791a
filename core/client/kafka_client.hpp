// KafkaClient: what producers and consumers share: the bootstrap brokers and the metadata they
// learn from them, one Metadata request at a time, retried on the next bootstrap broker when it
// goes unanswered.
#pragma once

#include <string>
#include <vector>

#include "core/client/client_metadata.hpp"
#include "core/protocol/kafka_node.hpp"

namespace ksim::core {

class KafkaClient : public KafkaNode {
 protected:
  KafkaClient(std::string name, std::vector<sim::NodeId> bootstrap, sim::Duration request_timeout)
      : KafkaNode(std::move(name)), bootstrap_(std::move(bootstrap)), request_timeout_(request_timeout) {}

  // Asks a bootstrap broker for the cluster's metadata, unless a request is already out.
  void request_metadata() {
    if (metadata_.in_flight || bootstrap_.empty()) return;
    metadata_.in_flight = true;
    send_message(next_bootstrap(), MetadataRequest{next_correlation_++, {}});
    after(request_timeout_, [this] {
      if (!metadata_.in_flight) return;
      metadata_.in_flight = false;  // unanswered: ask another broker
      request_metadata();
    });
  }
  // The bootstrap brokers in turn, for requests any broker can answer.
  sim::NodeId next_bootstrap() { return bootstrap_[next_bootstrap_++ % bootstrap_.size()]; }
  bool has_bootstrap() const { return !bootstrap_.empty(); }

  ClientMetadata metadata_;
  std::int32_t next_correlation_ = 1;

 private:
  std::vector<sim::NodeId> bootstrap_;
  std::size_t next_bootstrap_ = 0;
  sim::Duration request_timeout_;
};

}  // namespace ksim::core
