#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "../broker/replication_lab.hpp"
#include "sim/trace.hpp"

using namespace ksim::core;
using ksim::sim::seconds;
using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;

namespace {

// Follows the typed events of a run.
struct Follower final : KafkaObserver {
  using KafkaObserver::on;
  void on(const EventStamp&, const RecordsAppended& e) override {
    if (e.tp == kOrders) appended_records += e.batch.record_count();
  }
  void on(const EventStamp& s, const HighWatermarkAdvanced& e) override {
    if (e.tp != kOrders) return;
    CHECK(e.from < e.to);
    last_hw = e.to;
    hw_leader = s.node;
  }
  void on(const EventStamp&, const ksim::sim::MessageSent& e) override { sent += e.label == "Produce" ? 1 : 0; }
  std::int64_t appended_records = 0;
  Offset last_hw = -1;
  ksim::sim::NodeId hw_leader;
  int sent = 0;
};

// Counts the trace's kinds, to compare with what the typed observer saw.
struct KindCounter final : ksim::sim::TraceSink {
  void on_event(const ksim::sim::TraceEvent& e) override { ++kinds[std::string(e.kind)]; }
  std::map<std::string, int> kinds;
};

}  // namespace

TEST_CASE("events: an observer sees the typed events the trace encodes, in one stream", "[core][event]") {
  Lab lab;
  Follower follower;
  KindCounter trace;
  lab.cluster.events().attach(follower);
  lab.cluster.sim().trace().attach(trace);
  lab.client->produce(kOrders, 5, -1);
  lab.client->produce(kOrders, 3, -1);
  lab.run(seconds(1));
  CHECK(follower.appended_records == 8);
  CHECK(follower.last_hw == lab.replica(1).log().high_watermark());
  CHECK(follower.last_hw == 8);
  CHECK(follower.hw_leader == lab.cluster.broker(1).id());
  CHECK(follower.sent == 2);
  CHECK(trace.kinds["log.appended"] >= 2);
  CHECK(trace.kinds["partition.hw_advanced"] >= 1);

  // Detached, it hears nothing more.
  lab.cluster.events().detach(follower);
  lab.client->produce(kOrders, 4, -1);
  lab.run(seconds(1));
  CHECK(follower.appended_records == 8);
  CHECK(lab.replica(1).log().high_watermark() == 12);
}
