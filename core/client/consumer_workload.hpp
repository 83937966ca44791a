// ConsumerWorkload: the application behind a consumer: a poll loop that processes each record
// for a while (fixed, or drawn from a range), possibly slower from some time on, commits in the
// style chosen, handles records whose processing fails, and records every processed record.
//
// The records of one poll are processed back to back and accounted in one event when the last is
// done, so the simulation schedules per poll, not per record (use a small max.poll.records for a
// finer-grained account). A crash in the middle of a poll's processing loses that poll's work: it
// is not recorded, and not committed.
//
// Commit styles: automatic (enable.auto.commit, from poll()), commitSync or commitAsync after each
// poll's processing, or commitSync before processing (at-most-once: a crash then loses records).
//
// Failing ("poison") records, per the patterns of the error-handling literature:
//   stop         the partition stalls at the record (seek back, pause): nothing after it is read;
//   skip         the record is dropped and counted;
//   dead_letter  the record is produced to the dead-letter topic and the partition moves on;
//   retry_topics the record goes to retry-1, whose records are retried after a backoff, then to
//                retry-2, ..., and finally to the dead-letter topic; the application subscribes to
//                the retry topics too and waits for each record's due time (pause until then);
//   retry_in_place  the record is retried where it is, blocking its partition (key order kept),
//                then dead-lettered.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/client/consumer.hpp"
#include "core/client/processed_log.hpp"
#include "sim/random.hpp"

namespace ksim::core {

class Producer;

enum class CommitStyle : std::uint8_t { automatic, sync_after_processing, async_after_processing, before_processing };
enum class ErrorHandling : std::uint8_t { stop, skip, dead_letter, retry_topics, retry_in_place };
std::string_view commit_style_name(CommitStyle style);
std::string_view error_handling_name(ErrorHandling handling);

struct ProcessingSpec {
  sim::Duration per_record_min = sim::milliseconds(1);
  sim::Duration per_record_max = sim::milliseconds(1);
  sim::Time slow_from = sim::Time::max();  // from then on, processing takes slow_factor times longer
  double slow_factor = 1.0;
  sim::Duration idle_poll = sim::milliseconds(10);  // how soon an empty poll is tried again
  CommitStyle commit = CommitStyle::automatic;
  // Records (by message id) whose processing always fails, and what the application does then.
  std::set<std::uint64_t> poison;
  // And a share of all records (0 to 1), chosen by hashing each message id with poison_seed: the
  // same records fail for every member and every retry, as a malformed payload would.
  double poison_rate = 0;
  std::uint64_t poison_seed = 0;
  bool is_poison(std::uint64_t id) const;
  ErrorHandling on_error = ErrorHandling::stop;
  std::string dead_letter_topic;          // dead_letter, retry_topics, retry_in_place
  std::vector<std::string> retry_topics;  // retry_topics: retry-1, retry-2, ...
  sim::Duration retry_backoff = sim::seconds(1);  // per retry topic level, or per in-place attempt
  std::int32_t in_place_attempts = 3;
};

// A record whose processing failed, and what became of it.
struct FailedRecord {
  TopicPartition tp;
  Offset offset = -1;
  std::uint64_t id = 0;
  sim::Time at;
  std::string action;  // "stalled", "skipped", "dead-lettered", "sent to <retry topic>"
};

class ConsumerWorkload {
 public:
  // Starts polling now; the workload must outlive the run. It stops when the consumer stops and
  // resumes when it restarts. `producer` sends to the dead-letter and retry topics.
  ConsumerWorkload(Consumer& consumer, ProcessingSpec spec, sim::Rng rng, Producer* producer = nullptr);

  const ProcessedLog& processed() const { return processed_; }
  const TopicPartition& partition_of(const ProcessedRecord& r) const { return partitions_[r.partition]; }
  // The group member that processed it: the member id of its generation, empty outside a group.
  const std::string& member_of(const ProcessedRecord& r) const { return member_ids_[r.member]; }
  // group.id (empty without one)
  const std::string& group() const { return group_; }
  const std::vector<FailedRecord>& failed() const { return failed_; }
  std::int64_t commits(CommitOutcome outcome) const { return commit_counts_[static_cast<std::size_t>(outcome)]; }
  // From `from` on, processing takes `factor` times longer (a slow dependency, a GC-heavy host).
  void slow_down(sim::Time from, double factor) {
    spec_.slow_from = from;
    spec_.slow_factor = factor;
  }

 private:
  void poll();
  void process(std::vector<ConsumedRecord> records);
  void after_processing();
  void commit(bool sync, std::function<void()> then);
  sim::Duration processing_time(sim::Time at);
  // A failing record: what the pattern does with it. Returns false when its partition must stop
  // here (the rest of the poll's records of that partition are dropped and fetched again).
  bool handle_failure(const ConsumedRecord& r, sim::Time& clock);
  void forward(const ConsumedRecord& r, const std::string& topic);
  // The retry level a topic is (1 for retry_topics[0], ...), or 0.
  std::size_t retry_level(const std::string& topic) const;
  void schedule_poll(sim::Duration delay);
  void resume_due();  // retry-topic partitions whose next record is now due

  Consumer& consumer_;
  ProcessingSpec spec_;
  sim::Rng rng_;
  Producer* producer_;
  std::uint32_t intern_partition(const TopicPartition& tp);
  std::uint32_t intern_member(const std::string& member_id);

  std::string group_;
  std::vector<TopicPartition> partitions_;
  std::map<TopicPartition, std::uint32_t> partition_index_;
  std::uint32_t last_partition_ = 0;
  std::vector<std::string> member_ids_;
  ProcessedLog processed_;
  std::vector<ProcessedRecord> in_progress_;  // the current poll's records
  std::vector<FailedRecord> failed_;
  std::vector<FailedRecord> failing_;  // the current poll's failures
  std::array<std::int64_t, 4> commit_counts_{};
  std::map<TopicPartition, sim::Time> resume_at_;
  std::uint64_t incarnation_ = 0;  // the consumer's process the current loop belongs to
};

}  // namespace ksim::core
