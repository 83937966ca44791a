#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "core/check/final_logs.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;

TEST_CASE("final logs: the committed records of each partition, and nothing above the high watermark",
          "[core][check]") {
  Lab lab;
  const int committed = lab.client->produce(kOrders, 5, -1);
  lab.run(seconds(1));
  // The followers die: the leader appends, but its high watermark waits for an ISR that has not
  // shrunk yet, so these records are not committed.
  lab.stop(2, StopKind::process_crash);
  lab.stop(3, StopKind::process_crash);
  const int pending = lab.client->produce(kOrders, 3, 1);
  lab.run(milliseconds(100));
  REQUIRE(lab.replica(1).log().log_end_offset() == 8);
  const FinalLogs logs(lab.cluster, {"orders"});
  REQUIRE(logs.records().at(kOrders).size() == 5);
  for (const std::uint64_t id : lab.client->outcome(committed).record_ids) CHECK(logs.holds(id));
  for (const std::uint64_t id : lab.client->outcome(pending).record_ids) CHECK_FALSE(logs.holds(id));
  CHECK(logs.duplicated_records() == 0);
}

TEST_CASE("final logs: ids held twice count once each", "[core][check]") {
  std::vector<std::uint64_t> ids{7, 3, 7, 9, 3, 7, 1};
  CHECK(count_duplicated_ids(ids) == 2);  // 3 and 7
  CHECK(ids.front() == 1);                // sorted as a side effect
}
