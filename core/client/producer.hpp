// Producer: the Java KafkaProducer as a node of the simulation.
//
// send() partitions a record (explicit partition, key hash, or for records without a key the
// built-in partitioner of KIP-794, see built_in_partitioner.hpp) and appends it to the
// accumulator: one open batch per partition, closed at batch.size and sent when full or after
// linger.ms. The sender drains ready batches into one Produce request per broker (one batch per
// partition per request), keeps up to max.in.flight.requests.per.connection requests in flight
// per broker, and retries retriable failures with exponential backoff until retries or
// delivery.timeout.ms run out. A request unanswered after request.timeout.ms counts as failed and
// is retried: if the broker had in fact appended it, a non-idempotent producer writes it twice.
// With idempotence the producer takes a producer id from a broker and numbers its batches per
// partition; a resent batch keeps its sequence, so the broker recognises it. When the numbering
// breaks (a gap the broker refuses, a batch given up on after it was sent) the producer bumps its
// epoch and numbers the partition afresh, as the Java client's TransactionManager does
// (producer_idempotence.cpp).
//
// Memory: batches hold buffer.memory; when it is full, send() waits (the application blocks)
// and fails after max.block.ms.
//
// Every outcome goes to the history: per batch, its partition, offset, records and error.
#pragma once

#include <boost/container/deque.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/client/built_in_partitioner.hpp"
#include "core/client/kafka_client.hpp"
#include "core/client/producer_config.hpp"
#include "core/node/kafka_node.hpp"
#include "sim/random.hpp"

namespace ksim::core {

struct ProducerRecord {
  std::string topic;
  std::uint64_t id = 0;  // the message id checkers follow
  std::int64_t key = -1;  // -1: no key
  std::uint32_t key_bytes = 8;
  std::uint32_t value_bytes = 100;
  std::optional<std::int32_t> partition;  // explicit partition
};

// One batch's fate, as the history keeps it.
struct BatchReport {
  TopicPartition tp;
  Offset base_offset = -1;  // -1 when not acknowledged (or acks=0)
  std::size_t first_record = 0;  // index into ProducerHistory::record_ids
  std::uint32_t records = 0;
  std::int32_t attempts = 0;
  ClientError client_error = ClientError::none;
  ErrorCode error = ErrorCode::NONE;
  sim::Time created_at;
  sim::Time completed_at;
  bool ok() const { return client_error == ClientError::none; }
};

struct ProducerHistory {
  std::uint64_t sent = 0;       // records handed to send()
  // By batch, in the order batches completed: one id per record sent, so a deque of large blocks
  // that grows without copying what it holds.
  boost::container::deque<std::uint64_t, void, boost::container::deque_options_t<boost::container::block_size<8192U>>>
      record_ids;
  std::vector<BatchReport> batches;
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
};

// What a record adds to a batch, as the v2 format encodes it (its deltas taken as one byte each).
std::int64_t record_size(std::int64_t key, std::uint32_t key_bytes, std::uint32_t value_bytes);

class Producer final : public KafkaClient {
 public:
  // Called once per record when its fate is known (a Java send() callback).
  // As Java's onCompletion(metadata, exception): the record as the batch holds it (its offset is
  // the report's base_offset plus its place in the batch) and the batch's outcome.
  using Callback = std::function<void(const Record&, const BatchReport&)>;

  Producer(KafkaEvents& events, std::string name, ProducerConfig config, std::vector<sim::NodeId> bootstrap);

  const ProducerConfig& config() const { return config_; }
  using sim::Node::simulation;
  bool idempotent() const { return idempotent_; }
  ProducerId producer_id() const { return producer_id_; }
  ProducerEpoch producer_epoch() const { return producer_epoch_; }
  const ProducerHistory& history() const { return history_; }
  std::size_t buffered_bytes() const { return buffered_bytes_; }
  // Records waiting: in batches, blocked on memory, or waiting for metadata.
  std::size_t pending_records() const;
  // Each record still waiting: its id, topic, and the moment its wait is counted from (its batch's
  // creation, as a completed record's latency is; or when send() got it, if it is not in a batch
  // yet). In no particular order.
  void visit_pending(const std::function<void(std::uint64_t id, const std::string& topic, sim::Time since)>& visit) const;
  // The moment the longest-waiting record's wait is counted from; none when nothing waits.
  std::optional<sim::Time> oldest_pending() const;

  // Hands a record to the producer. If memory is full, the record (and every later one) waits
  // until there is room or max.block.ms passes. `callback` runs when the record's batch completes.
  // New configs from now on (a scenario's set-config, a GUI's live change). Kafka fixes a
  // producer's configs when it is created, so a real application would close this producer and
  // open another; ksim keeps the instance, its buffered records and its history, and applies the
  // configs to what it sends next. Idempotence follows the new configs: turned on, the producer
  // asks for a producer id before sending again; turned off, it stops numbering batches.
  void reconfigure(const ProducerConfig& config);
  void send(ProducerRecord record, Callback callback = {});
  // Sends every batch now, without waiting for linger.ms.
  void flush();

  using KafkaClient::handle;
  void handle(sim::NodeId from, const MetadataResponse& m) override;
  void handle(sim::NodeId from, const InitProducerIdResponse& m) override;
  void handle(sim::NodeId from, const ProduceResponse& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;
  void connection_lost(sim::NodeId peer) override;
  void connection_ready(sim::NodeId peer) override;

 private:
  struct Batch {
    std::uint64_t id = 0;
    TopicPartition tp;
    std::vector<Record> records;
    std::vector<Callback> callbacks;  // one per record, possibly empty
    std::int64_t bytes = 0;       // estimated size while open
    std::int64_t reserved = 0;    // what it holds of buffer.memory
    sim::Time created_at;
    bool closed = false;          // no more records fit
    std::int32_t attempts = 0;
    ErrorCode last_error = ErrorCode::NONE;  // reported if the batch finally expires
    sim::Time retry_at;
    bool retried = false;         // sent and put back for another attempt (Java's inRetry())
    bool split_part = false;      // a part of a batch the broker found too large (isSplitBatch())
    std::int32_t base_sequence = -1;
    ProducerEpoch epoch = -1;
    bool sequence_reset = false;  // renumbered by an epoch bump (Java's sequenceHasBeenReset())
    std::shared_ptr<const RecordSet> built;  // the records set, built when first sent
    bool in_flight = false;
    // The records: gathered in `records` while open, moved into `built` when first sent.
    const std::vector<Record>& contents() const { return built ? built->records : records; }
    std::int32_t last_sequence() const { return base_sequence + static_cast<std::int32_t>(contents().size()) - 1; }
  };
  // A partition's sequence numbers, as the Java client's TxnPartitionEntry keeps them: the producer
  // id and epoch they count in, the next one to give out, the last one acknowledged, and, after a
  // batch that had been sent was given up on, the sequence that follows it (the broker may or may
  // not have that batch, so nothing new goes out until the batches in flight settle the question).
  struct PartitionSequences {
    ProducerId producer_id = kNoProducerId;
    ProducerEpoch epoch = -1;
    std::int32_t next = 0;
    std::int32_t last_acked = -1;
    std::optional<std::int32_t> unresolved_next;
  };
  using BatchQueue = std::deque<std::unique_ptr<Batch>>;
  struct InFlight {
    sim::NodeId broker;
    BrokerId broker_id = kNoBroker;
    std::vector<std::uint64_t> batches;
    sim::TimerId timeout;
    bool awaiting_write = false;  // acks=0: not yet wholly in the socket's send buffer
  };
  struct Waiting {
    ProducerRecord record;
    Callback callback;
    sim::Time since;
  };

  // How often a producer whose socket buffer is full looks again (Java's selector is told).
  static constexpr sim::Duration kSendBufferPoll = sim::milliseconds(5);
  void check_writes();
  void init_producer_id();
  std::optional<std::int32_t> choose_partition(const ProducerRecord& record);
  std::int32_t choose_built_in(const std::string& topic, std::int32_t count);
  std::int32_t choose_legacy_sticky(const ProducerRecord& record, std::int32_t count);
  // After a record the built-in partitioner placed was appended (`bytes` more in its partition's
  // batches): it may move on.
  void built_in_appended(const std::string& topic, std::int64_t bytes, const BatchQueue& queue);
  // The partitions of `topic` whose leader is known, ascending (in available_).
  std::span<const std::int32_t> available_partitions(const std::string& topic, std::int32_t count);
  // The partition's batch still taking records: its last, unless that one is closed or sent.
  static Batch* open_batch(const BatchQueue& queue);
  // Whether a partition's last unsent batch is full, or it has none (allBatchesFull).
  static bool all_batches_full(const BatchQueue& queue) { return open_batch(queue) == nullptr; }
  // The built-in partitioners' load statistics from the queues, at each sender pass
  // (RecordAccumulator.partitionReady).
  void update_load_stats();
  // A batch of a partition led by `broker` was ready to go; `taken`: the broker could take it.
  void note_node_latency(BrokerId broker, bool taken);
  // At a sender pass, for partitioner.availability.timeout.ms: whether `queue` has a batch ready
  // to go to its leader, and whether the leader could take it.
  void note_leader_latency(const BatchQueue& queue, BrokerId leader, sim::NodeId leader_node);
  bool try_append(Waiting& waiting);
  void drain_waiting();
  void wake_sender(sim::Time at);
  void run_sender();
  void send_to(BrokerId broker, std::vector<Batch*> batches);
  void expire_batches();
  void complete(Batch& batch, ClientError client_error, ErrorCode error, Offset base_offset);
  // MESSAGE_TOO_LARGE on a batch of several records: it is split and its parts sent in its place.
  void split_and_requeue(Batch& big);
  // A batch the broker answered with an error (or whose request failed): retried, or failed.
  void retry_or_fail(Batch& batch, ErrorCode error, Offset log_start_offset = -1);

  // Idempotence (producer_idempotence.cpp), in the Java TransactionManager's terms.
  // Sequenced batches (sent at least once, not yet completed) always form the front of their
  // partition's queue, in sequence order.
  bool has_sequenced_batches(const TopicPartition& tp) const;
  // Whether `batch`, the first unsent batch of its partition, may go now (the negation of Java's
  // shouldStopDrainBatchesForPartition).
  bool may_send(const Batch& batch) const;
  void assign_sequence(Batch& batch);
  // canRetry for an idempotent producer: OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID are
  // retried, with an epoch bump when they show a real gap.
  bool may_retry_idempotent(const Batch& batch, ErrorCode error, Offset log_start_offset);
  void sequence_acknowledged(const Batch& batch);
  // handleFailedBatch, once the batch has left its queue.
  void sequence_failed(const TopicPartition& tp, ErrorCode error, bool adjust_sequences);
  void mark_sequence_unresolved(const TopicPartition& tp, std::int32_t next_sequence);
  // maybeResolveSequences and bumpIdempotentEpochAndResetIdIfNeeded, at the start of each sender run.
  void resolve_sequences();
  void bump_epoch_if_required();
  void request_epoch_bump(const TopicPartition& tp);
  // Renumbers the partition's sequenced batches from 0 in the current id and epoch.
  void start_sequences_at_beginning(const TopicPartition& tp);
  void forget_sequences();
  // The request's batches go back for a retry (or fail, past delivery.timeout.ms): the producer
  // cannot tell whether the broker appended them.
  void fail_request(std::int32_t correlation_id);
  // Every request in flight to `broker` fails: its connection ended.
  void fail_requests_to(sim::NodeId broker);
  void request_timed_out(std::int32_t correlation_id);
  std::optional<InFlight> take_in_flight(std::int32_t correlation_id);
  Batch* find_batch(std::uint64_t id);
  // A partition's batches, oldest first (an empty queue when it has none yet).
  BatchQueue& queue_of(const std::string& topic, std::int32_t partition);

  ProducerConfig config_;
  bool idempotent_;

  // Everything is volatile: a producer that crashes loses what it had not sent.

  ProducerId producer_id_ = kNoProducerId;
  ProducerEpoch producer_epoch_ = -1;
  sim::NodeId init_target_;  // where the pending InitProducerId went
  std::map<TopicPartition, PartitionSequences> sequences_;
  bool epoch_bump_required_ = false;
  std::set<TopicPartition> partitions_to_rewrite_;  // renumbered at the next epoch bump

  std::map<TopicPartition, BatchQueue> batches_;
  // The queue queue_of() found last. Records come in runs to one partition (the sticky
  // partitioner fills a batch before it moves on), so most records find their queue here with
  // one comparison instead of a walk down the map; map entries never move, and are removed only
  // all at once, when the producer crashes.
  const TopicPartition* last_queue_tp_ = nullptr;
  BatchQueue* last_queue_ = nullptr;
  std::deque<Waiting> waiting_;  // blocked on memory or metadata, in send order
  std::int64_t buffered_bytes_ = 0;
  std::uint64_t next_batch_id_ = 1;
  std::map<std::int32_t, InFlight> in_flight_;
  std::map<BrokerId, std::int32_t> in_flight_per_broker_;
  bool flushing_ = false;

  // Partitioning (producer_partitioning.cpp).
  struct LegacySticky {
    std::int32_t partition = -1;
    std::uint64_t batch_id = 0;  // the batch being filled there
  };
  std::map<std::string, LegacySticky, std::less<>> legacy_sticky_;
  std::map<std::string, BuiltInPartitioner, std::less<>> built_in_;
  std::map<std::string, std::int32_t, std::less<>> round_robin_;
  // How the record being appended was placed: by the legacy sticky partitioner, by the built-in
  // one (this one), or otherwise (null).
  bool legacy_sticky_choice_ = false;
  BuiltInPartitioner* built_in_choice_ = nullptr;
  // When each broker last had a batch ready to go, and last could take it (Java's
  // NodeLatencyStats): a leader that could not take one for partitioner.availability.timeout.ms
  // has its partitions left out of the built-in partitioner's draw.
  struct NodeLatency {
    sim::Time ready;
    sim::Time drain;
  };
  std::map<BrokerId, NodeLatency> node_latency_;
  std::vector<std::int32_t> available_;    // scratch: partitions with a leader
  std::vector<std::int32_t> queue_sizes_;  // scratch: a topic's queues for the load statistics
  std::vector<std::int32_t> queue_ids_;

  sim::TimerId sender_timer_;
  sim::Time sender_at_ = sim::Time::max();

  ProducerHistory history_;
};

}  // namespace ksim::core
