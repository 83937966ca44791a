// FiguresWorker: the checkers' figures of the session's moment, computed on a background thread.
// Figures read every log and history (tens of milliseconds for tens of thousands of records,
// growing with the run), too slow for the UI thread at frame rate. The worker keeps a shadow run
// of the same scenario and seed, which replays the same events, follows the requested moment
// forward (a new run when asked for an earlier one or when the scenario changed), and computes
// the figures there. Nothing here touches Qt.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/scenario/figures.hpp"
#include "core/scenario/runner.hpp"
#include "core/scenario/scenario.hpp"

namespace ksim::gui {

struct FiguresAt {
  sim::Time at;
  core::Figures figures;
};

class FiguresWorker {
 public:
  FiguresWorker();
  ~FiguresWorker();
  FiguresWorker(const FiguresWorker&) = delete;
  FiguresWorker& operator=(const FiguresWorker&) = delete;

  // The scenario changed: forget the shadow run and what it computed.
  void reset(const core::Scenario& scenario);
  // The figures of moment `t` are wanted (the latest request wins).
  void request(sim::Time t);
  // The latest figures computed, and for which moment; nullopt before the first.
  std::optional<FiguresAt> latest() const;
  // Waits until the figures of `t` are computed (tests).
  void wait_for(sim::Time t);

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const core::Scenario> scenario_;
  std::uint64_t generation_ = 0;  // bumped by reset()
  std::atomic<bool> interrupted_{false};
  std::optional<sim::Time> wanted_;
  std::optional<FiguresAt> latest_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ksim::gui
