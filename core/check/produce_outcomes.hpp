// ProduceOutcomes: the producers' side of the figures, fed from each producer's history as it
// grows (catch_up() reads only the batches completed since the last call):
//
//   sent, batches, retries           the histories' own counts
//   failed_sends, produce_errors[E]  records of failed batches, by the last error a broker gave
//   acked, produce_latency_p50/p99   records acknowledged with an offset, and send-to-ack time;
//   acked[T-P]                       ... by the partition they were acknowledged in;
//                                    a record still waiting in a producer counts at its wait so far
//   unresolved                       records sent but neither completed nor failed (waiting in a
//                                    producer, or gone with a producer's crash)
//   acked_lost, sent_lost            acknowledged (or, for sent_lost, successfully sent, acks=0
//                                    included) records that no final log holds: kept up to date
//                                    as the logs change, by hearing CommittedRecords
//
// It also keeps, per partition, the acknowledged records by offset (AckedOffsets: what skipped[G]
// compares a group's commits with) and tells EndToEndLatency when each record was sent.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/check/committed_records.hpp"
#include "core/check/percentile_samples.hpp"
#include "core/check/end_to_end_latency.hpp"
#include "core/check/record_table.hpp"
#include "core/client/producer.hpp"

namespace ksim::core {

// A partition's acknowledged records by offset; of two acknowledged at one offset (the second
// written after a truncation), the later. Appended in acknowledgement order, sorted when read.
class AckedOffsets {
 public:
  void add(Offset offset, std::uint64_t record_id);
  // By offset, one record per offset.
  const std::vector<std::pair<Offset, std::uint64_t>>& by_offset() const;
  // Changes whenever an entry moved or went (not when one is appended at the end): positions
  // into by_offset() taken under another version no longer hold.
  std::uint64_t version() const { return version_; }

 private:
  mutable std::vector<std::pair<Offset, std::uint64_t>> entries_;
  mutable bool sorted_ = true;
  mutable std::uint64_t version_ = 0;
};

class ProduceOutcomes final : public HoldListener {
 public:
  // `awaited`: the topics some consumer reads (a record written there waits to be processed).
  ProduceOutcomes(const CommittedRecords& logs, EndToEndLatency& latency, std::set<std::string> awaited)
      : logs_(logs), latency_(latency), awaited_(std::move(awaited)) {}

  void add_producer(const Producer& producer) { followed_.push_back(Followed{&producer, 0}); }
  void catch_up();

  std::int64_t sent() const;
  std::int64_t batches() const;
  std::int64_t retries() const;
  std::int64_t failed() const { return failed_; }
  const std::map<ErrorCode, std::int64_t>& errors() const { return errors_; }
  std::int64_t acked() const { return acked_; }
  // Records acknowledged into each partition (a partition with none is absent).
  const std::map<TopicPartition, std::int64_t>& acked_by_partition() const { return acked_by_partition_; }
  std::int64_t acked_lost() const { return acked_ - acked_held_; }
  std::int64_t sent_lost() const { return delivered_ - delivered_held_; }
  std::int64_t unresolved() const { return sent() - delivered_ - failed_; }
  // Send-to-acknowledgement p50 and p99, the records still waiting in the producers counted at
  // their wait.
  Quantiles latency_ms(sim::Time now) const;
  // The records still in the producers that some consumer waits for (on an awaited topic, not
  // processed yet: a record can be read before its producer hears the acknowledgement), as
  // (wait in ms, records): EndToEndLatency's `pending`.
  std::vector<std::pair<double, std::int64_t>> awaited_pending(sim::Time now) const;
  // The partition's acknowledged records, or null when none was acknowledged there.
  const AckedOffsets* acked_at(const TopicPartition& tp) const;

  void on_hold_changed(std::uint64_t record_id, bool held) override;

 private:
  struct Followed {
    const Producer* producer;
    std::size_t batches_read;
  };
  // What became of a record, as far as lost counting needs.
  enum Fate : std::uint8_t { kDelivered = 1, kAcknowledged = 2 };

  void read(const ProducerHistory& h, const BatchReport& batch);

  const CommittedRecords& logs_;
  EndToEndLatency& latency_;
  std::set<std::string> awaited_;
  std::vector<Followed> followed_;
  RecordTable<std::uint8_t> fate_;  // Fate bits
  std::int64_t failed_ = 0;
  std::map<ErrorCode, std::int64_t> errors_;
  std::int64_t delivered_ = 0;       // records of successful batches
  std::int64_t delivered_held_ = 0;  // ... that a final log holds
  std::int64_t acked_ = 0;           // records acknowledged with an offset
  std::int64_t acked_held_ = 0;      // ... that a final log holds
  PercentileSamples latencies_;
  std::map<TopicPartition, AckedOffsets> acked_at_;
  std::map<TopicPartition, std::int64_t> acked_by_partition_;
};

}  // namespace ksim::core
