// The hold model, run three ways so the kernel can be compared against what it replaces.
//
// The classic benchmark for event queues: N events are pending; each event, when it runs,
// schedules one new event an exponentially distributed delay later, so the queue stays at N.
//   - ksim:     sim::Scheduler, the callback being a lambda that reschedules itself;
//   - baseline: std::priority_queue of (time, seq, std::function), what a hand-written simulator
//               usually is;
//   - bare:     std::priority_queue of plain (time, seq) structs with no callback at all: the
//               floor, the cost of the ordering alone.
// All three draw the same delays from the same seed, so they run the same events in the same
// order; the checksum of event times proves it.
#pragma once

#include <cstdint>

namespace ksim::cli {

struct HoldRun {
  double seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t checksum = 0;  // sum of executed event times; equal across the three loops
  double events_per_second() const { return seconds > 0 ? static_cast<double>(events) / seconds : 0; }
};

HoldRun hold_ksim(std::uint64_t pending, std::uint64_t events, std::uint64_t seed);
HoldRun hold_baseline(std::uint64_t pending, std::uint64_t events, std::uint64_t seed);
HoldRun hold_bare(std::uint64_t pending, std::uint64_t events, std::uint64_t seed);

}  // namespace ksim::cli
