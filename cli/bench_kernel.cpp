#include "cli/bench_kernel.hpp"

#include <chrono>
#include <functional>
#include <queue>
#include <vector>

#include "sim/random.hpp"
#include "sim/scheduler.hpp"

namespace ksim::cli {
namespace {

constexpr double kMeanDelayNs = 1'000'000.0;  // 1ms

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t draw_delay(sim::Rng& rng) {
  return static_cast<std::int64_t>(rng.exponential(kMeanDelayNs));
}

struct KsimHold {
  sim::Scheduler* scheduler;
  sim::Rng* rng;
  std::uint64_t checksum = 0;

  void schedule_next() {
    scheduler->schedule_after(sim::Duration::from_ns(draw_delay(*rng)), [this] { run(); });
  }
  void run() {
    checksum += static_cast<std::uint64_t>(scheduler->now().ns());
    schedule_next();
  }
};

}  // namespace

HoldRun hold_ksim(std::uint64_t pending, std::uint64_t events, std::uint64_t seed) {
  sim::Scheduler scheduler;
  sim::Rng rng(seed);
  KsimHold hold{&scheduler, &rng};
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < pending; ++i) hold.schedule_next();
  for (std::uint64_t i = 0; i < events; ++i) scheduler.step();
  return HoldRun{seconds_since(start), events, hold.checksum};
}

HoldRun hold_baseline(std::uint64_t pending, std::uint64_t events, std::uint64_t seed) {
  struct Event {
    std::int64_t at;
    std::uint64_t seq;
    std::function<void()> action;
    bool operator>(const Event& o) const { return at > o.at || (at == o.at && seq > o.seq); }
  };
  // The action captures one pointer, so std::function keeps it inline and never allocates:
  // the baseline is a fair, allocation-free hand-written loop.
  struct State {
    std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
    sim::Rng rng;
    std::int64_t now = 0;
    std::uint64_t seq = 0;
    std::uint64_t checksum = 0;
    void schedule_next() {
      queue.push(Event{now + draw_delay(rng), seq++, [this] { run(); }});
    }
    void run() {
      checksum += static_cast<std::uint64_t>(now);
      schedule_next();
    }
  };
  State state{{}, sim::Rng(seed)};
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < pending; ++i) state.schedule_next();
  for (std::uint64_t i = 0; i < events; ++i) {
    Event next = state.queue.top();
    state.queue.pop();
    state.now = next.at;
    next.action();
  }
  return HoldRun{seconds_since(start), events, state.checksum};
}

HoldRun hold_bare(std::uint64_t pending, std::uint64_t events, std::uint64_t seed) {
  struct Event {
    std::int64_t at;
    std::uint64_t seq;
    bool operator>(const Event& o) const { return at > o.at || (at == o.at && seq > o.seq); }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
  sim::Rng rng(seed);
  std::uint64_t seq = 0;
  std::uint64_t checksum = 0;
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < pending; ++i) queue.push(Event{draw_delay(rng), seq++});
  for (std::uint64_t i = 0; i < events; ++i) {
    const Event next = queue.top();
    queue.pop();
    checksum += static_cast<std::uint64_t>(next.at);
    queue.push(Event{next.at + draw_delay(rng), seq++});
  }
  return HoldRun{seconds_since(start), events, checksum};
}

}  // namespace ksim::cli
