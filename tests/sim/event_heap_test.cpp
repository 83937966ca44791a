#include <catch2/catch.hpp>
#include <algorithm>
#include <vector>

#include "sim/event_heap.hpp"
#include "sim/random.hpp"

using namespace ksim::sim;

namespace {

// Pops everything, checking the heap against a sorted copy of what it should hold.
void drain_and_compare(EventHeap& heap, std::vector<HeapEntry> expected) {
  std::sort(expected.begin(), expected.end());
  for (const HeapEntry& want : expected) {
    heap.settle();
    REQUIRE_FALSE(heap.empty());
    REQUIRE(heap.top().at_ns() == want.at_ns());
    REQUIRE(heap.top().order() == want.order());
    heap.consume_top();
  }
  heap.settle();
  CHECK(heap.empty());
}

}  // namespace

TEST_CASE("event heap: entries come out by time, then by order", "[sim][heap]") {
  EventHeap heap;
  Rng rng(5);
  std::vector<HeapEntry> pushed;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    // Few distinct times, so many entries tie on time and the order must decide.
    const HeapEntry entry(rng.uniform_int(0, 50), rng.next_u64());
    heap.push(entry);
    pushed.push_back(entry);
  }
  CHECK(heap.size() == 5000);
  drain_and_compare(heap, pushed);
}

TEST_CASE("event heap: a push after consume_top fills the root's place", "[sim][heap]") {
  EventHeap heap;
  Rng rng(6);
  std::vector<HeapEntry> live;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    live.emplace_back(rng.uniform_int(0, 1'000'000), i);
    heap.push(live.back());
  }
  // The hold model: take the earliest, put one new entry in, many times over.
  for (std::uint64_t i = 1000; i < 20'000; ++i) {
    heap.settle();
    const auto earliest = std::min_element(live.begin(), live.end());
    REQUIRE(heap.top().order() == earliest->order());
    const std::int64_t now = earliest->at_ns();
    live.erase(earliest);
    heap.consume_top();
    CHECK(heap.size() == live.size());
    live.emplace_back(now + rng.uniform_int(0, 1'000'000), i);
    heap.push(live.back());
  }
  drain_and_compare(heap, live);
}

TEST_CASE("event heap: remove_if keeps exactly the survivors, in order", "[sim][heap]") {
  EventHeap heap;
  std::vector<HeapEntry> survivors;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const HeapEntry entry(static_cast<std::int64_t>((i * 7919) % 1000), i);
    heap.push(entry);
    if (i % 3 != 0) survivors.push_back(entry);
  }
  heap.consume_top();  // a pending hole must not confuse the sweep
  survivors.erase(std::remove_if(survivors.begin(), survivors.end(),
                                 [](const HeapEntry& e) { return e.at_ns() == 0 && e.order() == 0; }),
                  survivors.end());
  heap.remove_if([](const HeapEntry& e) { return e.order() % 3 == 0; });
  CHECK(heap.size() == survivors.size());
  drain_and_compare(heap, survivors);
}

// Floyd's construction sifts each parent down while the levels above it are still unordered: an
// entry sifted down from a parent must never climb above that parent (it once did, and a sweep of
// cancelled timers then ran a later event before an earlier one).
TEST_CASE("event heap: remove_if restores the order whatever survives", "[sim][heap]") {
  Rng rng(11);
  for (int round = 0; round < 200; ++round) {
    EventHeap heap;
    std::vector<HeapEntry> survivors;
    const auto count = static_cast<std::uint64_t>(rng.uniform_int(2, 400));
    for (std::uint64_t i = 0; i < count; ++i) {
      const HeapEntry entry(rng.uniform_int(0, 100), i);
      heap.push(entry);
      survivors.push_back(entry);
    }
    const std::uint64_t modulus = static_cast<std::uint64_t>(rng.uniform_int(2, 5));
    heap.remove_if([&](const HeapEntry& e) { return e.order() % modulus == 0; });
    survivors.erase(std::remove_if(survivors.begin(), survivors.end(),
                                   [&](const HeapEntry& e) { return e.order() % modulus == 0; }),
                    survivors.end());
    REQUIRE(heap.size() == survivors.size());
    drain_and_compare(heap, survivors);
  }
}
