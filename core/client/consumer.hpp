// Consumer: the Java KafkaConsumer's fetching side, for partitions assigned by hand
// (consumer.assign). Group membership, commits and rebalances come with the group coordinator.
//
// For every assigned partition the consumer keeps a position. A partition without one asks its
// leader where it starts or ends (ListOffsets), as auto.offset.reset says; a position that falls
// outside the log (OFFSET_OUT_OF_RANGE, for example after retention) is reset the same way, or
// becomes an error with auto.offset.reset=none. The fetcher keeps one Fetch in flight per leader
// broker for the partitions that have no buffered records (fetch.min.bytes, fetch.max.wait.ms,
// max.partition.fetch.bytes, fetch.max.bytes); poll() hands out up to max.poll.records buffered
// records and moves the positions past them.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/kafka_client.hpp"

namespace ksim::core {

enum class OffsetReset : std::uint8_t { earliest, latest, none };

struct ConsumerConfig {
  std::int32_t fetch_min_bytes = 1;                            // fetch.min.bytes
  sim::Duration fetch_max_wait = sim::milliseconds(500);       // fetch.max.wait.ms
  std::int32_t max_partition_fetch_bytes = 1'048'576;          // max.partition.fetch.bytes
  std::int32_t fetch_max_bytes = 52'428'800;                   // fetch.max.bytes
  std::int32_t max_poll_records = 500;                         // max.poll.records
  OffsetReset auto_offset_reset = OffsetReset::latest;         // auto.offset.reset
  sim::Duration request_timeout = sim::milliseconds(30000);    // request.timeout.ms
  sim::Duration retry_backoff = sim::milliseconds(100);        // retry.backoff.ms
  sim::Duration metadata_max_age = sim::milliseconds(300000);  // metadata.max.age.ms
};

struct ConsumedRecord {
  TopicPartition tp;
  Offset offset = -1;
  Record record;
};

class Consumer final : public KafkaClient {
 public:
  Consumer(std::string name, ConsumerConfig config, std::vector<sim::NodeId> bootstrap);

  const ConsumerConfig& config() const { return config_; }
  using sim::Node::simulation;

  // consumer.assign: replaces the set of partitions; kept positions of partitions still assigned.
  void assign(const std::vector<TopicPartition>& partitions);
  void seek(const TopicPartition& tp, Offset offset);
  void seek_to_beginning(const TopicPartition& tp);
  void seek_to_end(const TopicPartition& tp);
  std::optional<Offset> position(const TopicPartition& tp) const;
  void pause(const TopicPartition& tp);
  void resume(const TopicPartition& tp);

  // Up to max.poll.records buffered records, in fetch order; the positions move past them.
  std::vector<ConsumedRecord> poll();
  // Partitions with no usable position while auto.offset.reset=none: none was ever set
  // (NoOffsetForPartitionException in Java) or it left the log (OffsetOutOfRangeException).
  // The consumer stops fetching them until seek() gives them one.
  const std::vector<TopicPartition>& position_errors() const { return position_errors_; }

  using KafkaClient::handle;
  void handle(sim::NodeId from, const MetadataResponse& m) override;
  void handle(sim::NodeId from, const ListOffsetsResponse& m) override;
  void handle(sim::NodeId from, const FetchResponse& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;
  void on_connection_reset(sim::NodeId peer) override;

 private:
  struct PartitionFetch {
    std::optional<Offset> position;
    std::optional<OffsetReset> reset;  // a ListOffsets to send or waiting for its answer
    bool reset_in_flight = false;
    bool paused = false;
    bool failed = false;  // out of range with auto.offset.reset=none
    std::deque<ConsumedRecord> buffered;
  };
  struct FetchInFlight {
    std::int32_t correlation_id = 0;
    sim::TimerId timeout;
  };

  void reset_position(const TopicPartition& tp, OffsetReset where);  // seek_to_beginning / _end
  void work();  // send what can be sent: resets, fetches
  void send_resets();
  void send_fetches();
  void schedule_work(sim::Duration after_delay);

  ConsumerConfig config_;
  std::map<TopicPartition, PartitionFetch> assigned_;
  std::map<BrokerId, FetchInFlight> fetches_;  // one fetch in flight per leader broker
  std::vector<TopicPartition> position_errors_;
  bool work_scheduled_ = false;
};

}  // namespace ksim::core
