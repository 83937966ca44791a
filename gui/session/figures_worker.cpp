#include "gui/session/figures_worker.hpp"

namespace ksim::gui {

FiguresWorker::FiguresWorker() : worker_([this] { work(); }) {}

FiguresWorker::~FiguresWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    interrupted_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void FiguresWorker::reset(const core::Scenario& scenario) {
  auto copy = std::make_shared<const core::Scenario>(scenario);
  {
    std::lock_guard lock(mutex_);
    scenario_ = std::move(copy);
    ++generation_;
    interrupted_ = true;
    wanted_.reset();
    latest_.reset();
  }
  changed_.notify_all();
}

void FiguresWorker::request(sim::Time t) {
  {
    std::lock_guard lock(mutex_);
    if (wanted_ == t || (latest_ && latest_->at == t && !wanted_)) return;
    // An earlier moment than the one being run to needs a new run: stop the current one.
    if (wanted_ && t < *wanted_) interrupted_ = true;
    wanted_ = t;
  }
  changed_.notify_all();
}

std::optional<FiguresAt> FiguresWorker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

void FiguresWorker::wait_for(sim::Time t) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stopping_ || (latest_ && latest_->at == t); });
}

void FiguresWorker::work() {
  constexpr sim::Duration kSlice = sim::milliseconds(200);  // how often a run looks for news
  std::unique_ptr<core::ScenarioRun> shadow;
  std::uint64_t shadow_generation = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || (wanted_ && scenario_); });
    if (stopping_) return;
    const sim::Time target = *wanted_;
    const std::uint64_t generation = generation_;
    const std::shared_ptr<const core::Scenario> scenario = scenario_;
    interrupted_ = false;
    lock.unlock();
    if (!shadow || shadow_generation != generation || shadow->now() > target) {
      shadow = std::make_unique<core::ScenarioRun>(*scenario, core::RunOptions{});
      shadow_generation = generation;
    }
    while (shadow->now() < target && !interrupted_) {
      const sim::Time before = shadow->now();
      shadow->run_until(std::min(target, shadow->now() + kSlice));
      if (shadow->now() == before) break;  // the run's end: it goes no further
    }
    std::optional<FiguresAt> result;
    if (!interrupted_) result = FiguresAt{target, shadow->figures()};
    lock.lock();
    if (result && generation == generation_) {
      latest_ = std::move(result);
      if (wanted_ == target) wanted_.reset();
    }
    changed_.notify_all();
  }
}

}  // namespace ksim::gui
