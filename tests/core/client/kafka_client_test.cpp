// The client's metadata requests (core/client/kafka_client.hpp), seen through a bare client.
#include <catch2/catch.hpp>

#include "core/client/kafka_client.hpp"
#include "core/cluster/cluster.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace {

// A client that only asks for metadata and counts the answers.
class MetadataProbe final : public KafkaClient {
 public:
  MetadataProbe(KafkaEvents& events, std::string name, std::vector<NodeId> bootstrap)
      : KafkaClient(events, std::move(name), std::move(bootstrap), seconds(30)) {}
  using KafkaClient::handle;
  void handle(NodeId, const MetadataResponse& m) override {
    metadata_.apply(m, simulation(), now());
    ++answers;
  }
  void ask() { request_metadata(); }
  void close_connection(NodeId peer) { disconnect(peer); }
  int answers = 0;

 protected:
  void on_start() override {}
  void on_stop(StopKind) override {}
};

}  // namespace

TEST_CASE("client: a Metadata request on a connection the client closes goes to the next broker",
          "[core][client]") {
  // A request that timed out makes the client close its connection; a Metadata request waiting on
  // that connection must not be left "in flight" forever (found by the consumer-protocol
  // campaign: a consumer stuck on stale metadata for the rest of the run).
  Cluster cluster{ClusterSpec{}};
  REQUIRE(cluster.start());
  cluster.sim().run_for(seconds(1));
  std::vector<NodeId> bootstrap;
  for (BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
  MetadataProbe& probe = cluster.add_node<MetadataProbe>("client:probe", bootstrap);
  cluster.sim().start(probe.id());
  probe.ask();                          // to broker 1, waiting for the connection to open
  probe.close_connection(bootstrap[0]);  // ... which the client closes at once
  cluster.sim().run_for(seconds(1));
  CHECK(probe.answers == 1);
  probe.ask();
  cluster.sim().run_for(seconds(1));
  CHECK(probe.answers == 2);
}
