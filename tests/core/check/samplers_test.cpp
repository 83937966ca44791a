#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "core/check/samplers.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;

TEST_CASE("availability: a partition whose leader is down and not replaced counts every sample", "[core][check]") {
  Lab lab;
  AvailabilitySampler sampler(milliseconds(10));
  sampler.sample(lab.cluster);
  CHECK(sampler.unavailable().empty());  // a live leader
  // With the controller down nobody elects a new leader: the dead one stays named.
  lab.cluster.sim().stop(lab.cluster.controller().id(), StopKind::process_crash);
  lab.stop(1, StopKind::process_crash);
  for (int i = 0; i < 5; ++i) sampler.sample(lab.cluster);
  CHECK(sampler.unavailable().at(kOrders) == milliseconds(50));
  lab.cluster.sim().start(lab.cluster.controller().id());
  lab.run(seconds(15));  // broker 2 or 3 elected
  REQUIRE(lab.state().leader != 1);
  sampler.sample(lab.cluster);
  CHECK(sampler.unavailable().at(kOrders) == milliseconds(50));
  // __consumer_offsets is never counted: its partitions would drown the lab's own.
  for (const auto& [tp, d] : sampler.unavailable()) CHECK(tp.topic == "orders");
}
