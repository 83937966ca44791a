// The event scheduler: the simulated clock and the queue of everything that will happen.
//
// Events run in a total order: by time, then by the sequence number each event got when it was
// scheduled, so two events at the same instant run in the order they were scheduled and two runs
// with the same inputs execute the same events in the same order.
//
// Storage. An event's callback lives in a slot of a pool that grows in fixed chunks, so a slot
// never moves: a callback runs in place, and may schedule more events while it runs. The queue
// itself is an EventHeap of 16-byte (time, sequence and slot) entries. Freed slots are reused,
// so once the pool and the heap have reached the run's peak size, scheduling and running events
// allocate nothing.
//
// Cancellation is lazy: cancelling frees the slot at once and leaves the heap entry behind as a
// tombstone, recognised later because the slot no longer holds that sequence number. Tombstones
// are swept out when they outnumber the live events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "sim/assert.hpp"
#include "sim/callback.hpp"
#include "sim/event_heap.hpp"
#include "sim/time.hpp"

namespace ksim::sim {

// The life of whoever owns events, usually a node. An event scheduled under a Liveness's guard
// fires only while its owner is running in the incarnation it was scheduled in; while the owner
// is paused (a stop-the-world pause), the event waits in `deferred` until it resumes. A Liveness
// is registered with the scheduler once (Scheduler::register_owner) and must not move after.
struct Liveness {
  std::uint32_t owner_id = 0;  // given by register_owner; 0 means unregistered
  std::uint32_t incarnation = 0;
  bool running = false;
  bool paused = false;
  std::vector<Callback> deferred;
};

// Which owner and incarnation an event belongs to. Eight bytes, so that a whole slot fits a cache
// line; the default guard (owner 0) belongs to nobody and always fires.
struct Guard {
  std::uint32_t owner_id = 0;
  std::uint32_t incarnation = 0;

  static Guard of(const Liveness& owner) { return Guard{owner.owner_id, owner.incarnation}; }
};

// Names one scheduled event, to cancel it. Stays safe to use after the event ran or was
// cancelled: cancelling it then does nothing.
struct TimerId {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;  // 0 means "no timer"
  bool valid() const { return seq != 0; }
};

class Scheduler {
 public:
  Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  Time now() const { return now_; }

  // Makes `owner` usable in guards. It must outlive every event scheduled under it.
  void register_owner(Liveness& owner);

  // `callback` is a lambda (built straight into its slot) or a Callback (moved there).
  template <typename F>
  TimerId schedule_at(Time at, F&& callback, Guard guard = {}) {
    const TimerId id = enqueue(at, guard);
    Callback& stored = slot(id.slot).callback;
    if constexpr (std::is_same_v<std::decay_t<F>, Callback>) {
      KSIM_ASSERT(static_cast<bool>(callback), "an event needs a callback");
      stored = std::move(callback);
    } else {
      stored.emplace(std::forward<F>(callback));
    }
    return id;
  }
  template <typename F>
  TimerId schedule_after(Duration delay, F&& callback, Guard guard = {}) {
    return schedule_at(now_ + delay, std::forward<F>(callback), guard);
  }

  // Returns true when the event was still pending and will now never run.
  bool cancel(TimerId id);

  // Runs exactly one event (skipping cancelled ones and those whose owner died or is paused) and
  // returns true, or returns false when nothing is left to run.
  bool step();

  // Runs every event due at or before `until`, then moves the clock to `until`.
  void run_until(Time until);

  // Runs events one at a time for as long as `keep_going()` holds and events remain.
  template <typename Predicate>
  void run_while(Predicate&& keep_going) {
    while (keep_going() && step()) {
    }
  }

  // Drops every pending event without running it (their callbacks are destroyed).
  void clear();

  // The time of the next event that would run, if any.
  std::optional<Time> next_event_time();

  std::uint64_t executed_events() const { return executed_; }
  // Events that came due but were dropped because their owner had crashed or restarted.
  std::uint64_t dropped_events() const { return dropped_; }
  std::size_t pending_events() const { return live_; }

 private:
  // The heap entry's tie-breaker holds the sequence number and the slot: ordering by it orders by
  // sequence, since sequence numbers are unique. This caps a run at 2^40 scheduled events and
  // 2^24 pending at once.
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (1ULL << kSlotBits) - 1;
  static constexpr std::uint64_t kMaxSeq = (1ULL << (64 - kSlotBits)) - 1;
  static constexpr int kChunkBits = 10;  // slots are allocated 1024 at a time

  struct alignas(64) Slot {
    std::uint64_t seq = 0;  // the event this slot holds; 0 when free or running
    Guard guard;
    Callback callback;
  };
  static_assert(sizeof(Slot) == 64, "a slot is one cache line");

  static std::uint64_t seq_of(const HeapEntry& e) { return e.order() >> kSlotBits; }
  static std::uint32_t slot_of(const HeapEntry& e) {
    return static_cast<std::uint32_t>(e.order() & kSlotMask);
  }
  Slot& slot(std::uint32_t index) const {
    return chunks_[index >> kChunkBits][index & ((1U << kChunkBits) - 1)];
  }
  bool is_tombstone(const HeapEntry& e) const { return slot(slot_of(e)).seq != seq_of(e); }

  // Takes a slot, stamps it with a fresh sequence number and the guard, and queues it.
  TimerId enqueue(Time at, Guard guard);
  // Runs the next event due at or before `limit`; false when there is none.
  bool run_next(Time limit);
  // Makes the heap's root the next pending event (closing the hole the last run event left and
  // dropping tombstones); false when nothing is pending.
  bool settle();
  std::uint32_t take_slot();
  void release_slot(std::uint32_t index);

  Time now_ = Time::zero();
  std::uint64_t next_seq_ = 1;
  std::uint64_t executed_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t live_ = 0;
  std::size_t tombstones_ = 0;
  EventHeap heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Liveness*> owners_{nullptr};  // owner id -> liveness; id 0 is nobody
};

}  // namespace ksim::sim
