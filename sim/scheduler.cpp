#include "sim/scheduler.hpp"

#include <utility>

namespace ksim::sim {
namespace {
// Tombstones are swept only when there are many and they outnumber live events, so the sweep
// costs O(1) amortised per cancellation.
constexpr std::size_t kSweepThreshold = 1024;
}  // namespace

TimerId Scheduler::enqueue(Time at, Guard guard) {
  KSIM_ASSERT(at >= now_, "an event cannot be scheduled in the past");
  KSIM_ASSERT(next_seq_ <= kMaxSeq, "a run cannot schedule more than 2^40 events");
  const std::uint32_t index = take_slot();
  const std::uint64_t seq = next_seq_++;
  Slot& s = slot(index);
  s.seq = seq;
  s.guard = guard;
  heap_.push(HeapEntry{at.ns(), (seq << kSlotBits) | index});
  ++live_;
  return TimerId{index, seq};
}

void Scheduler::register_owner(Liveness& owner) {
  KSIM_ASSERT(owner.owner_id == 0, "a liveness is registered once");
  owner.owner_id = static_cast<std::uint32_t>(owners_.size());
  owners_.push_back(&owner);
}

bool Scheduler::cancel(TimerId id) {
  if (!id.valid() || id.slot >= slot_count_ || slot(id.slot).seq != id.seq) return false;
  release_slot(id.slot);
  --live_;
  ++tombstones_;
  if (tombstones_ > kSweepThreshold && tombstones_ > live_) {
    heap_.remove_if([this](const HeapEntry& e) { return is_tombstone(e); });
    tombstones_ = 0;
  }
  return true;
}

bool Scheduler::step() { return run_next(Time::max()); }

void Scheduler::run_until(Time until) {
  while (run_next(until)) {
  }
  if (now_ < until) now_ = until;
}

void Scheduler::clear() {
  for (std::uint32_t index = 0; index < slot_count_; ++index) {
    if (slot(index).seq != 0) release_slot(index);
  }
  heap_.clear();
  live_ = 0;
  tombstones_ = 0;
}

std::optional<Time> Scheduler::next_event_time() {
  // A due event whose owner is dead still counts here; run_next() drops it when it gets there.
  if (!settle()) return std::nullopt;
  return Time::from_ns(heap_.top().at_ns());
}

bool Scheduler::run_next(Time limit) {
  while (settle()) {
    const HeapEntry top = heap_.top();
    if (top.at_ns() > limit.ns()) return false;
    heap_.consume_top();  // the next push or settle fills the root's place
    // The event after this one is most likely the root's earliest child: start loading its slot
    // now, so that the cache miss (a slot is touched when scheduled and again, a whole queue
    // later, when run) overlaps with running this event instead of stalling the next.
    if (const HeapEntry* next = heap_.runner_up()) __builtin_prefetch(&slot(slot_of(*next)));

    const std::uint32_t index = slot_of(top);
    Slot& s = slot(index);
    s.seq = 0;  // the event is no longer pending: cancelling it from now on does nothing
    --live_;
    now_ = Time::from_ns(top.at_ns());

    if (s.guard.owner_id != 0) {
      Liveness& owner = *owners_[s.guard.owner_id];
      if (!owner.running || owner.incarnation != s.guard.incarnation) {
        ++dropped_;
        release_slot(index);
        continue;
      }
      if (owner.paused) {
        owner.deferred.push_back(std::move(s.callback));
        release_slot(index);
        continue;
      }
    }
    ++executed_;
    s.callback();  // in place: slots never move, even if the callback schedules more events
    release_slot(index);
    return true;
  }
  return false;
}

bool Scheduler::settle() {
  heap_.settle();
  while (!heap_.empty()) {
    if (!is_tombstone(heap_.top())) return true;
    --tombstones_;
    heap_.consume_top();
    heap_.settle();
  }
  return false;
}

std::uint32_t Scheduler::take_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t index = free_slots_.back();
    free_slots_.pop_back();
    return index;
  }
  KSIM_ASSERT(slot_count_ <= kSlotMask, "more than 2^24 events pending at once");
  if ((slot_count_ >> kChunkBits) == chunks_.size()) {
    chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
  }
  return slot_count_++;
}

void Scheduler::release_slot(std::uint32_t index) {
  Slot& s = slot(index);
  s.seq = 0;
  s.guard = Guard{};
  s.callback.reset();
  free_slots_.push_back(index);
}

}  // namespace ksim::sim
