#include "core/client/consumer_workload.hpp"

#include <algorithm>

#include "core/client/producer.hpp"

namespace ksim::core {
namespace {

// How often the application notices that its process came back after a crash.
constexpr sim::Duration kRestartCheck = sim::milliseconds(100);

}  // namespace

std::string_view commit_style_name(CommitStyle style) {
  switch (style) {
    case CommitStyle::automatic: return "auto";
    case CommitStyle::sync_after_processing: return "sync";
    case CommitStyle::async_after_processing: return "async";
    case CommitStyle::before_processing: return "before-processing";
  }
  return "unknown";
}

std::string_view error_handling_name(ErrorHandling handling) {
  switch (handling) {
    case ErrorHandling::stop: return "stop";
    case ErrorHandling::skip: return "skip";
    case ErrorHandling::dead_letter: return "dead-letter";
    case ErrorHandling::retry_topics: return "retry-topics";
    case ErrorHandling::retry_in_place: return "retry-in-place";
  }
  return "unknown";
}

bool ProcessingSpec::is_poison(std::uint64_t id) const {
  if (poison.count(id) != 0U) return true;
  if (poison_rate <= 0) return false;
  std::uint64_t state = id ^ poison_seed;
  // The top 53 bits as a fraction in [0, 1).
  return static_cast<double>(sim::splitmix64(state) >> 11) * 0x1.0p-53 < poison_rate;
}

ConsumerWorkload::ConsumerWorkload(Consumer& consumer, ProcessingSpec spec, sim::Rng rng, Producer* producer)
    : consumer_(consumer),
      spec_(std::move(spec)),
      rng_(rng),
      producer_(producer),
      group_(consumer.config().group_id.value_or("")) {
  sim::Scheduler& scheduler = consumer_.simulation().scheduler();
  incarnation_ = consumer_.incarnation();
  scheduler.schedule_after(sim::Duration{}, [this] { poll(); });
  // The supervisor: a process that crashed and came back runs the application afresh.
  struct Supervisor {
    static void check(ConsumerWorkload* self) {
      if (self->consumer_.running() && self->consumer_.incarnation() != self->incarnation_) {
        self->incarnation_ = self->consumer_.incarnation();
        self->in_progress_.clear();
        self->failing_.clear();
        self->resume_at_.clear();
        self->poll();
      }
      self->consumer_.simulation().scheduler().schedule_after(kRestartCheck, [self] { check(self); });
    }
  };
  scheduler.schedule_after(kRestartCheck, [this] { Supervisor::check(this); });
}

sim::Duration ConsumerWorkload::processing_time(sim::Time at) {
  std::int64_t ns = spec_.per_record_min.ns();
  if (spec_.per_record_max > spec_.per_record_min) ns = rng_.uniform_int(ns, spec_.per_record_max.ns());
  if (at >= spec_.slow_from) ns = static_cast<std::int64_t>(static_cast<double>(ns) * spec_.slow_factor);
  return sim::Duration::from_ns(ns);
}

void ConsumerWorkload::schedule_poll(sim::Duration delay) {
  consumer_.simulation().scheduler().schedule_after(delay, [this, inc = incarnation_] {
    if (consumer_.running() && consumer_.incarnation() == inc) poll();
  });
}

void ConsumerWorkload::poll() {
  if (!consumer_.running()) return;  // the application died with its process
  std::vector<ConsumedRecord> records = consumer_.poll();
  if (records.empty()) {
    schedule_poll(spec_.idle_poll);
    return;
  }
  if (spec_.commit == CommitStyle::before_processing) {
    // At most once: the positions (past this poll's records) are committed first.
    commit(true, [this, records = std::move(records)]() mutable { process(std::move(records)); });
    return;
  }
  process(std::move(records));
}

void ConsumerWorkload::process(std::vector<ConsumedRecord> records) {
  sim::Scheduler& scheduler = consumer_.simulation().scheduler();
  // The records are processed one after the other; they count as processed, each with its own
  // finishing time, once the last is done.
  sim::Time clock = scheduler.now();
  std::set<TopicPartition> stopped;  // partitions sent back to a failing or not-yet-due record
  const std::uint32_t member = intern_member(consumer_.member_id());  // one member for the whole poll
  const std::int32_t generation = consumer_.generation();
  for (const ConsumedRecord& r : records) {
    if (stopped.count(r.tp) != 0U) continue;
    const std::size_t level = retry_level(r.tp.topic);
    if (level > 0) {
      // A retry topic's record waits out its backoff: pause the partition until it is due.
      const sim::Time due = r.record.timestamp + spec_.retry_backoff * static_cast<std::int64_t>(level);
      if (due > clock) {
        stopped.insert(r.tp);
        consumer_.seek(r.tp, r.offset);
        consumer_.pause(r.tp);
        resume_at_[r.tp] = due;
        scheduler.schedule_at(due, [this, inc = incarnation_] {
          if (consumer_.running() && consumer_.incarnation() == inc) resume_due();
        });
        continue;
      }
    }
    clock = clock + processing_time(clock);
    if (spec_.is_poison(r.record.id)) {
      if (!handle_failure(r, clock)) {
        stopped.insert(r.tp);
        consumer_.seek(r.tp, r.offset);
      }
      continue;
    }
    in_progress_.push_back(ProcessedRecord{r.record.id, r.offset, clock, generation, intern_partition(r.tp), member});
  }
  scheduler.schedule_at(clock, [this, inc = incarnation_] {
    if (!consumer_.running() || consumer_.incarnation() != inc) return;  // crashed mid-poll: lost
    for (const ProcessedRecord& r : in_progress_) processed_.push_back(r);  // the deque's fast path
    failed_.insert(failed_.end(), failing_.begin(), failing_.end());
    in_progress_.clear();
    failing_.clear();
    after_processing();
  });
}

// A poll returns records partition by partition, so the partition looked up last is almost always
// the one asked for; the index finds the rest. Member ids change only with rebalances.
std::uint32_t ConsumerWorkload::intern_partition(const TopicPartition& tp) {
  if (!partitions_.empty() && partitions_[last_partition_] == tp) return last_partition_;
  const auto [it, added] = partition_index_.try_emplace(tp, static_cast<std::uint32_t>(partitions_.size()));
  if (added) partitions_.push_back(tp);
  last_partition_ = it->second;
  return last_partition_;
}

std::uint32_t ConsumerWorkload::intern_member(const std::string& member_id) {
  for (std::size_t i = member_ids_.size(); i-- > 0;) {
    if (member_ids_[i] == member_id) return static_cast<std::uint32_t>(i);
  }
  member_ids_.push_back(member_id);
  return static_cast<std::uint32_t>(member_ids_.size() - 1);
}

void ConsumerWorkload::after_processing() {
  switch (spec_.commit) {
    case CommitStyle::sync_after_processing: return commit(true, [this] { poll(); });
    case CommitStyle::async_after_processing:
      commit(false, [] {});
      return poll();
    default: return poll();
  }
}

void ConsumerWorkload::commit(bool sync, std::function<void()> then) {
  const auto done = [this, then = std::move(then), inc = incarnation_](CommitOutcome outcome) {
    ++commit_counts_[static_cast<std::size_t>(outcome)];
    if (consumer_.running() && consumer_.incarnation() == inc) then();
  };
  if (sync) {
    consumer_.commit_sync(done);
  } else {
    consumer_.commit_async(done);
  }
}

bool ConsumerWorkload::handle_failure(const ConsumedRecord& r, sim::Time& clock) {
  FailedRecord failure{r.tp, r.offset, r.record.id, clock, {}};
  switch (spec_.on_error) {
    case ErrorHandling::stop:
      // The partition stalls here: it is paused at the failing record for good.
      consumer_.pause(r.tp);
      failure.action = "stalled";
      failing_.push_back(failure);
      return false;
    case ErrorHandling::skip:
      failure.action = "skipped";
      break;
    case ErrorHandling::dead_letter:
      forward(r, spec_.dead_letter_topic);
      failure.action = "dead-lettered";
      break;
    case ErrorHandling::retry_topics: {
      const std::size_t level = retry_level(r.tp.topic);
      const std::string& next = level < spec_.retry_topics.size() ? spec_.retry_topics[level] : spec_.dead_letter_topic;
      forward(r, next);
      failure.action = level < spec_.retry_topics.size() ? "sent to " + next : "dead-lettered";
      break;
    }
    case ErrorHandling::retry_in_place:
      // Each further attempt waits the backoff and fails again; the partition waits with it.
      for (std::int32_t attempt = 1; attempt < spec_.in_place_attempts; ++attempt) {
        clock = clock + spec_.retry_backoff + processing_time(clock);
      }
      forward(r, spec_.dead_letter_topic);
      failure.action = "dead-lettered";
      break;
  }
  failing_.push_back(failure);
  return true;
}

void ConsumerWorkload::forward(const ConsumedRecord& r, const std::string& topic) {
  KSIM_ASSERT(producer_ != nullptr, "dead-letter and retry topics need a producer");
  producer_->send(ProducerRecord{topic, r.record.id, r.record.key, r.record.key_bytes, r.record.value_bytes, std::nullopt});
}

void ConsumerWorkload::resume_due() {
  const sim::Time now = consumer_.simulation().scheduler().now();
  for (auto it = resume_at_.begin(); it != resume_at_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    consumer_.resume(it->first);
    it = resume_at_.erase(it);
  }
}

std::size_t ConsumerWorkload::retry_level(const std::string& topic) const {
  for (std::size_t i = 0; i < spec_.retry_topics.size(); ++i) {
    if (spec_.retry_topics[i] == topic) return i + 1;
  }
  return 0;
}

}  // namespace ksim::core
