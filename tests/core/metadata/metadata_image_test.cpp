// The metadata image as the metadata log's records build it.
#include <catch2/catch.hpp>

#include "core/metadata/metadata_image.hpp"

using namespace ksim::core;

namespace {

PartitionState partition(std::int32_t index, BrokerId leader, std::vector<BrokerId> isr) {
  PartitionState p;
  p.tp = TopicPartition{"orders", index};
  p.replicas = {1, 2, 3};
  p.isr = std::move(isr);
  p.leader = leader;
  return p;
}

}  // namespace

TEST_CASE("metadata image: a registration's broker epoch is its record's offset, and it starts fenced",
          "[core][metadata]") {
  MetadataImage image;
  image.apply(0, LeaderChangeRecord{1001, {1001, 1002}});
  image.apply(1, RegisterBrokerRecord{1, 77, "rack-a"});
  const BrokerRegistration* b = image.broker(1);
  REQUIRE(b != nullptr);
  CHECK(b->epoch == 1);
  CHECK(b->incarnation_id == 77);
  CHECK(b->rack == "rack-a");
  CHECK(b->fenced);
  CHECK_FALSE(image.usable(1));
  image.apply(2, BrokerRegistrationChangeRecord{1, 1, false, std::nullopt});
  CHECK(image.usable(1));
  image.apply(3, BrokerRegistrationChangeRecord{1, 1, std::nullopt, true});
  CHECK_FALSE(image.broker(1)->fenced);
  CHECK_FALSE(image.usable(1));  // in controlled shutdown
  CHECK(image.offset() == 3);
}

TEST_CASE("metadata image: a change for a replaced registration is ignored; a new one starts fenced again",
          "[core][metadata]") {
  MetadataImage image;
  image.apply(0, RegisterBrokerRecord{2, 1, ""});
  image.apply(1, BrokerRegistrationChangeRecord{2, 0, false, std::nullopt});
  REQUIRE(image.usable(2));
  image.apply(2, RegisterBrokerRecord{2, 2, ""});  // the next run of broker 2
  CHECK(image.broker(2)->epoch == 2);
  CHECK(image.broker(2)->fenced);
  image.apply(3, BrokerRegistrationChangeRecord{2, 0, false, std::nullopt});  // about the old run
  CHECK(image.broker(2)->fenced);
}

TEST_CASE("metadata image: topics, their partitions and their changes replay in log order", "[core][metadata]") {
  MetadataImage image;
  TopicConfig config;
  config.min_insync_replicas = 2;
  image.apply(0, TopicRecord{"orders", config});
  image.apply(1, PartitionRecord{partition(0, 1, {1, 2, 3})});
  image.apply(2, PartitionRecord{partition(1, 2, {2, 3, 1})});
  REQUIRE(image.topic("orders") != nullptr);
  CHECK(image.topic("orders")->partitions.size() == 2);
  CHECK(image.topic("orders")->config.min_insync_replicas == 2);
  PartitionState changed = partition(0, 2, {2, 3});
  changed.leader_epoch = 1;
  changed.partition_epoch = 1;
  image.apply(3, PartitionChangeRecord{changed});
  CHECK(*image.partition({"orders", 0}) == changed);
  config.unclean_leader_election = true;
  image.apply(4, ConfigRecord{"orders", config});
  CHECK(image.topic("orders")->config.unclean_leader_election);
  CHECK(image.partition({"orders", 2}) == nullptr);
  CHECK(image.partition({"payments", 0}) == nullptr);
}

TEST_CASE("metadata records: each names its kind and has a size on the wire", "[core][metadata]") {
  CHECK(std::string(metadata_record_name(PartitionChangeRecord{})) == "PartitionChangeRecord");
  CHECK(std::string(metadata_record_name(LeaderChangeRecord{})) == "LeaderChangeMessage");
  CHECK(metadata_record_bytes(PartitionRecord{partition(0, 1, {1, 2, 3})}) >
        metadata_record_bytes(PartitionRecord{partition(0, 1, {1})}));
  CHECK(metadata_record_bytes(NoOpRecord{}) < metadata_record_bytes(RegisterBrokerRecord{1, 1, "rack"}));
}
