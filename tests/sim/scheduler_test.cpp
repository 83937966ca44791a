#include <catch2/catch.hpp>
#include <algorithm>
#include <memory>
#include <vector>

#include "sim/random.hpp"
#include "sim/scheduler.hpp"

using namespace ksim::sim;

TEST_CASE("scheduler: events run in time order, ties in the order they were scheduled",
          "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> order;
  s.schedule_at(Time::zero() + milliseconds(5), [&] { order.push_back(3); });
  s.schedule_at(Time::zero() + milliseconds(1), [&] { order.push_back(1); });
  s.schedule_at(Time::zero() + milliseconds(5), [&] { order.push_back(4); });
  s.schedule_at(Time::zero() + milliseconds(1), [&] { order.push_back(2); });
  s.schedule_at(Time::zero() + milliseconds(5), [&] { order.push_back(5); });
  s.run_until(Time::zero() + seconds(1));
  CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(s.executed_events() == 5);
  CHECK(s.now() == Time::zero() + seconds(1));
}

TEST_CASE("scheduler: an event scheduled for now runs after those already due now",
          "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> order;
  s.schedule_at(Time::zero() + milliseconds(1), [&] {
    order.push_back(1);
    s.schedule_after(Duration{}, [&] { order.push_back(3); });
  });
  s.schedule_at(Time::zero() + milliseconds(1), [&] { order.push_back(2); });
  s.run_until(Time::zero() + milliseconds(1));
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("scheduler: step runs exactly one event and reports when none is left",
          "[sim][scheduler]") {
  Scheduler s;
  int runs = 0;
  s.schedule_after(milliseconds(2), [&] { ++runs; });
  s.schedule_after(milliseconds(3), [&] { ++runs; });
  REQUIRE(s.step());
  CHECK(runs == 1);
  CHECK(s.now() == Time::zero() + milliseconds(2));
  CHECK(s.pending_events() == 1);
  REQUIRE(s.step());
  CHECK(runs == 2);
  CHECK_FALSE(s.step());
  CHECK(s.executed_events() == 2);
}

TEST_CASE("scheduler: run_until stops at the limit and leaves later events pending",
          "[sim][scheduler]") {
  Scheduler s;
  std::vector<std::int64_t> seen;
  for (int ms : {10, 20, 30, 40}) {
    s.schedule_at(Time::zero() + milliseconds(ms), [&] { seen.push_back(s.now().ns()); });
  }
  s.run_until(Time::zero() + milliseconds(30));
  CHECK(seen.size() == 3);
  CHECK(s.now() == Time::zero() + milliseconds(30));
  CHECK(s.pending_events() == 1);
  CHECK(s.next_event_time() == Time::zero() + milliseconds(40));
}

TEST_CASE("scheduler: run_while stops as soon as the predicate fails", "[sim][scheduler]") {
  Scheduler s;
  int runs = 0;
  for (int i = 1; i <= 10; ++i) s.schedule_after(milliseconds(i), [&] { ++runs; });
  s.run_while([&] { return runs < 4; });
  CHECK(runs == 4);
  CHECK(s.pending_events() == 6);
}

TEST_CASE("scheduler: a cancelled event never runs, and cancelling twice is harmless",
          "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> order;
  s.schedule_after(milliseconds(1), [&] { order.push_back(1); });
  const TimerId doomed = s.schedule_after(milliseconds(2), [&] { order.push_back(2); });
  s.schedule_after(milliseconds(3), [&] { order.push_back(3); });
  CHECK(s.cancel(doomed));
  CHECK_FALSE(s.cancel(doomed));
  CHECK(s.pending_events() == 2);
  s.run_until(Time::zero() + seconds(1));
  CHECK(order == std::vector<int>{1, 3});
  CHECK_FALSE(s.cancel(TimerId{}));
}

TEST_CASE("scheduler: a handle to an event that already ran cannot cancel its slot's next tenant",
          "[sim][scheduler]") {
  Scheduler s;
  int second_ran = 0;
  const TimerId first = s.schedule_after(milliseconds(1), [] {});
  s.run_until(Time::zero() + milliseconds(1));
  const TimerId second = s.schedule_after(milliseconds(1), [&] { ++second_ran; });
  CHECK(second.slot == first.slot);  // the slot is reused...
  CHECK_FALSE(s.cancel(first));      // ...but the stale handle does not touch it
  s.run_until(Time::zero() + seconds(1));
  CHECK(second_ran == 1);
}

TEST_CASE("scheduler: mass cancellation sweeps tombstones and keeps the order",
          "[sim][scheduler]") {
  Scheduler s;
  Rng rng(7);
  std::vector<TimerId> ids;
  std::vector<std::int64_t> fired;
  for (int i = 0; i < 10'000; ++i) {
    ids.push_back(s.schedule_after(nanoseconds(rng.uniform_int(1, 1'000'000)),
                                   [&] { fired.push_back(s.now().ns()); }));
  }
  std::size_t cancelled = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i % 10 != 0) cancelled += s.cancel(ids[i]) ? 1 : 0;
  }
  CHECK(cancelled == 9'000);
  CHECK(s.pending_events() == 1'000);
  s.run_until(Time::zero() + seconds(1));
  CHECK(fired.size() == 1'000);
  CHECK(std::is_sorted(fired.begin(), fired.end()));
}

TEST_CASE("scheduler: callbacks may own resources, which are released when dropped",
          "[sim][scheduler]") {
  auto token = std::make_shared<int>(1);
  {
    Scheduler s;
    s.schedule_after(milliseconds(1), [held = token] { (void)held; });
    const TimerId id = s.schedule_after(milliseconds(2), [held = token] { (void)held; });
    CHECK(token.use_count() == 3);
    s.cancel(id);
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);
}
