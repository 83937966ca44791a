#include "gui/session/checkpoints.hpp"

#include <algorithm>

namespace ksim::gui {

Checkpoints::Checkpoints() : worker_([this] { work(); }) {}

Checkpoints::~Checkpoints() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    ++generation_;
  }
  changed_.notify_all();
  worker_.join();
}

void Checkpoints::reset(const core::Scenario& scenario) {
  auto copy = std::make_shared<const core::Scenario>(scenario);
  std::map<sim::Time, std::unique_ptr<Play>> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    scenario_ = std::move(copy);
    wanted_.clear();
    dropped.swap(parked_);
  }
  changed_.notify_all();
}

void Checkpoints::want(std::vector<sim::Time> moments) {
  std::sort(moments.begin(), moments.end());
  std::vector<std::unique_ptr<Play>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (moments == wanted_) return;
    wanted_ = std::move(moments);
    for (auto it = parked_.begin(); it != parked_.end();) {
      if (std::binary_search(wanted_.begin(), wanted_.end(), it->first)) {
        ++it;
      } else {
        dropped.push_back(std::move(it->second));
        it = parked_.erase(it);
      }
    }
  }
  changed_.notify_all();
}

std::unique_ptr<Play> Checkpoints::take(sim::Time t) {
  std::lock_guard lock(mutex_);
  auto it = parked_.upper_bound(t);
  if (it == parked_.begin()) return nullptr;
  --it;
  std::unique_ptr<Play> play = std::move(it->second);
  parked_.erase(it);
  return play;
}

Checkpoints::Hold::Hold(Checkpoints& checkpoints) : checkpoints_(checkpoints) {
  std::lock_guard lock(checkpoints_.mutex_);
  ++checkpoints_.holds_;
}

Checkpoints::Hold::~Hold() {
  {
    std::lock_guard lock(checkpoints_.mutex_);
    --checkpoints_.holds_;
  }
  checkpoints_.changed_.notify_all();
}

void Checkpoints::wait_while_held(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return holds_ == 0 || stopping_; });
}

void Checkpoints::dispose(std::unique_ptr<Play> play) {
  if (!play) return;
  {
    std::lock_guard lock(mutex_);
    disposed_.push_back(std::move(play));
  }
  changed_.notify_all();
}

std::vector<sim::Time> Checkpoints::parked() const {
  std::lock_guard lock(mutex_);
  std::vector<sim::Time> out;
  for (const auto& [at, play] : parked_) out.push_back(at);
  return out;
}

void Checkpoints::wait_until_ready() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] {
    return stopping_ || (!building_ && std::all_of(wanted_.begin(), wanted_.end(), [this](sim::Time t) { return parked_.count(t) != 0U; }));
  });
}

void Checkpoints::work() {
  // How often a build looks whether it is still wanted and whether the UI thread is running.
  constexpr sim::Duration kSlice = sim::milliseconds(100);
  std::unique_lock lock(mutex_);
  while (true) {
    // The latest wanted moment not parked yet: the nearest to now, the likeliest rewind.
    std::optional<sim::Time> target;
    changed_.wait(lock, [&] {
      if (!disposed_.empty()) return true;
      target.reset();
      for (auto it = wanted_.rbegin(); it != wanted_.rend() && !target; ++it) {
        if (parked_.count(*it) == 0U) target = *it;
      }
      return stopping_ || (target && scenario_);
    });
    wait_while_held(lock);
    if (stopping_) return;
    if (!disposed_.empty()) {
      std::vector<std::unique_ptr<Play>> freeing;
      freeing.swap(disposed_);
      lock.unlock();
      freeing.clear();
      lock.lock();
      continue;
    }
    const std::uint64_t generation = generation_;
    const std::shared_ptr<const core::Scenario> scenario = scenario_;
    building_ = true;
    lock.unlock();
    auto play = std::make_unique<Play>(*scenario);
    while (play->run().now() < *target && generation_ == generation) {
      play->run().run_until(std::min(*target, play->run().now() + kSlice));
      lock.lock();
      wait_while_held(lock);
      lock.unlock();
    }
    lock.lock();
    building_ = false;
    const bool still_wanted = generation_ == generation && std::binary_search(wanted_.begin(), wanted_.end(), *target);
    if (still_wanted) parked_[*target] = std::move(play);
    changed_.notify_all();
    if (!still_wanted) {  // a stale play is destroyed without holding the lock
      lock.unlock();
      play.reset();
      lock.lock();
    }
  }
}

}  // namespace ksim::gui
