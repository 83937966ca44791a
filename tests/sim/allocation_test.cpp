// Proves the kernel's promise: once warmed up, scheduling and running events, timers and network
// messages allocate nothing. The global operator new is replaced to count every allocation.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>

#include "sim/random.hpp"
#include "sim/scheduler.hpp"
#include "sim/simulation.hpp"

namespace {
std::size_t g_allocations = 0;
}  // namespace

// GCC cannot see that these replace the global pair and warns about malloc/delete mismatches.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

// The event heap uses cache-line aligned storage, which comes through the aligned forms.
void* operator new(std::size_t size, std::align_val_t align) {
  ++g_allocations;
  const auto alignment = static_cast<std::size_t>(align);
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

// The other forms (nothrow, arrays), which the kernel does not use but Catch2 does: replaced too,
// so that every allocation and its release go through the same pair (under AddressSanitizer a
// pair that crossed its allocator and ours would be a mismatch).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace ksim::sim;

namespace {

struct Hold {
  Scheduler* scheduler;
  Rng rng{1};
  void schedule_next() {
    scheduler->schedule_after(nanoseconds(static_cast<std::int64_t>(rng.exponential(1e6))),
                              [this] { schedule_next(); });
  }
};

// Two nodes play ping-pong over the network forever, and each also keeps a timer running.
class Player final : public Node {
 public:
  explicit Player(std::string name) : Node(std::move(name)) {}
  Player* partner = nullptr;
  std::uint64_t hits = 0;
  void serve() { hit(); }

 protected:
  void on_start() override { tick(); }
  void on_stop(StopKind) override {}

 private:
  void hit() {
    ++hits;
    send(partner->id(), 100, "ball", [p = partner] { p->hit(); });
  }

 public:
  void open() { connect(partner->id()); }

 private:
  void tick() {
    const TimerId t = after(milliseconds(3), [this] { tick(); });
    const TimerId doomed = after(milliseconds(5), [] {});
    cancel(doomed);
    (void)t;
  }
};

}  // namespace

TEST_CASE("allocation: the scheduler runs the hold model without allocating", "[sim][alloc]") {
  Scheduler scheduler;
  Hold hold{&scheduler};
  for (int i = 0; i < 1000; ++i) hold.schedule_next();
  for (int i = 0; i < 100'000; ++i) scheduler.step();  // warm-up: pool and heap reach full size

  const std::size_t before = g_allocations;
  for (int i = 0; i < 1'000'000; ++i) scheduler.step();
  CHECK(g_allocations - before == 0);
  CHECK(scheduler.executed_events() == 1'100'000);
}

TEST_CASE("allocation: timers, cancellations and network messages allocate nothing in steady "
          "state",
          "[sim][alloc]") {
  Simulation sim(1, LinkParams{milliseconds(1), microseconds(200), 1'000'000'000, 0.0});
  Player& a = sim.add_node<Player>("node:a");
  Player& b = sim.add_node<Player>("node:b");
  a.partner = &b;
  b.partner = &a;
  sim.start(a.id());
  sim.start(b.id());
  a.open();  // each sends the ball on its own connection
  b.open();
  sim.run_for(milliseconds(10));
  a.serve();
  sim.run_for(seconds(1));  // warm-up

  const std::size_t before = g_allocations;
  const std::uint64_t hits_before = a.hits + b.hits;
  sim.run_for(seconds(10));
  CHECK(g_allocations - before == 0);
  CHECK(a.hits + b.hits - hits_before > 4'000);  // the ball really kept moving
}

TEST_CASE("allocation: the counter itself works", "[sim][alloc]") {
  const std::size_t before = g_allocations;
  // Direct calls, which unlike new-expressions the compiler may not optimise away.
  void* p = ::operator new(16);
  ::operator delete(p);
  void* q = ::operator new(16, std::align_val_t{64});
  ::operator delete(q, std::align_val_t{64});
  CHECK(g_allocations - before == 2);

  // A scheduler that must grow its heap is seen allocating.
  Scheduler scheduler;
  const std::size_t before_growth = g_allocations;
  for (int i = 0; i < 5000; ++i) scheduler.schedule_after(milliseconds(i), [] {});
  CHECK(g_allocations - before_growth > 0);
}
