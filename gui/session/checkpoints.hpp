// Checkpoints: plays of the session's scenario parked at earlier moments by a background thread,
// so that a rewind goes on from the nearest one instead of re-running from zero. A run cannot be
// copied (its nodes hold timers and callbacks into one another), but the same scenario and seed
// replay the same events, so a play built separately and run to 20 s IS the session at 20 s.
// The thread builds the moments the session wants (the few checkpoints just behind now) while
// the UI thread plays on; nothing is shared between plays. Nothing here touches Qt.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "gui/session/play.hpp"

namespace ksim::gui {

class Checkpoints {
 public:
  Checkpoints();
  ~Checkpoints();  // stops the thread (a play being built is abandoned at its next slice)
  Checkpoints(const Checkpoints&) = delete;
  Checkpoints& operator=(const Checkpoints&) = delete;

  // The scenario changed (opened, a hand-made fault, another variant): every parked play is
  // dropped and nothing is wanted until want() says so.
  void reset(const core::Scenario& scenario);
  // The moments to keep plays parked at; parked plays at other moments are dropped.
  void want(std::vector<sim::Time> moments);
  // The parked play at the latest moment at or before `t`, taken out; nullptr when none is.
  std::unique_ptr<Play> take(sim::Time t);
  // Takes a play the session no longer needs and destroys it on the background thread: a long
  // run's logs and histories take tens of milliseconds to free, too long for the UI thread.
  void dispose(std::unique_ptr<Play> play);
  // While a Hold lives, the background thread stays out of the way (no building, no freeing):
  // the session is running on the UI thread, and on two cores the thread's allocations and frees
  // would slow it more than they help.
  class Hold {
   public:
    explicit Hold(Checkpoints& checkpoints);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    Checkpoints& checkpoints_;
  };
  // The moments parked now.
  std::vector<sim::Time> parked() const;
  // Waits until every wanted moment is parked (tests, and benchmarks that must not measure the
  // thread's work).
  void wait_until_ready();

 private:
  void work();
  // Waits, with `lock` held, until no Hold is alive (or the thread stops).
  void wait_while_held(std::unique_lock<std::mutex>& lock);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const core::Scenario> scenario_;
  std::atomic<std::uint64_t> generation_{0};  // bumped by reset(): a play being built is stale
  std::vector<sim::Time> wanted_;
  std::map<sim::Time, std::unique_ptr<Play>> parked_;
  std::vector<std::unique_ptr<Play>> disposed_;
  bool stopping_ = false;
  bool building_ = false;
  int holds_ = 0;
  std::thread worker_;
};

}  // namespace ksim::gui
