// ProducerWorkload: the application in front of a producer, as scenarios describe it.
//
// It generates records at a rate (constant, Poisson, or bursts), with keys (none, uniform over N
// keys, one hot key taking a share, zipf, or a sequence cycling through N keys), value sizes
// drawn from a range, and a unique message id per record; and sends them asynchronously (with a
// callback) or synchronously (waiting for each record's answer before the next). To schedule per
// burst of records rather than per record, records that come due within one `tick` are sent
// together when the tick fires.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/client/producer.hpp"
#include "sim/random.hpp"

namespace ksim::core {

enum class RateKind : std::uint8_t { constant, poisson, burst };
enum class KeyKind : std::uint8_t { none, uniform, hot, zipf, sequence };

struct WorkloadSpec {
  std::string topic;
  RateKind rate_kind = RateKind::constant;
  double rate = 1000;                        // records per simulated second
  sim::Duration burst_every = sim::seconds(5);  // burst: a burst starts this often...
  sim::Duration burst_for = sim::seconds(1);    // ...and lasts this long
  KeyKind key_kind = KeyKind::none;
  std::int64_t key_count = 100;
  double hot_share = 0.5;                    // hot: the share of records with key 0
  // hot: salting, the usual fix for a hot key. Its records take one of this many salted keys at
  // random ("key-0#1", "key-0#2", ... in an application; here the key ids key_count,
  // key_count + 1, ...), which spreads them over several partitions and gives up their order.
  std::int64_t hot_salts = 1;
  double zipf_exponent = 1.0;
  std::uint32_t key_bytes = 8;
  std::uint32_t value_min_bytes = 100;
  std::uint32_t value_max_bytes = 100;
  bool synchronous = false;
  sim::Time start;
  sim::Time stop = sim::Time::max();
  sim::Duration tick = sim::milliseconds(1);
  std::uint64_t first_id = 1;               // message ids are first_id, first_id + 1, ...
};

// The layout of record ids: the producer with index n (0, 1, ... in the order a scenario lists
// them) writes ids from first_record_id(n) on, a billion apart, so that every record is unique
// across producers and a checker finds any record's producer from its id alone.
inline constexpr std::uint64_t kRecordIdsPerProducer = 1'000'000'000ULL;
constexpr std::uint64_t first_record_id(std::uint64_t producer_index) {
  return 1 + producer_index * kRecordIdsPerProducer;
}
constexpr std::uint64_t producer_index_of_record(std::uint64_t id) { return id / kRecordIdsPerProducer; }

class ProducerWorkload {
 public:
  // Drives `producer` from `spec.start`; the workload must outlive the run.
  ProducerWorkload(Producer& producer, WorkloadSpec spec, sim::Rng rng);

  std::uint64_t generated() const { return next_id_ - spec_.first_id; }
  std::uint64_t answered() const { return answered_; }

 private:
  void tick();
  ProducerRecord next_record();
  sim::Duration gap();
  bool in_burst(sim::Time t) const;

  Producer& producer_;
  WorkloadSpec spec_;
  sim::Rng rng_;
  std::optional<sim::Zipf> zipf_;
  std::uint64_t next_id_;
  std::int64_t next_sequence_key_ = 0;
  sim::Time next_due_;
  bool waiting_for_answer_ = false;
  std::uint64_t answered_ = 0;
};

}  // namespace ksim::core
