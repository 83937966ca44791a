// The frame-time measurement: a window on a cluster built by the "new cluster" form, played at
// real time (one frame's worth of simulated time per frame), each view in turn shown and drawn.
// A frame is what the UI thread does in one tick of its timer: advance the run, refresh the
// views from their snapshots, paint. `ksim-gui --bench-frames` prints it (docs/benchmarks.md).
#pragma once

#include <QString>
#include <string>
#include <vector>

#include "sim/time.hpp"

#include "gui/session/new_cluster.hpp"

namespace ksim::gui {

struct FrameTimes {
  QString view;
  int frames = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

struct RewindTimes {
  sim::Time from, to;
  double checkpoint_ms = 0;  // the session's rewind (from a parked checkpoint)
  double rerun_ms = 0;       // a re-run from the start to the same moment
};

// From the end of the lab in `path`, rewinds to 95%, 70%, 45% and 20% of its length, each once
// with checkpoints ready and once as a re-run from zero. Throws core::ScenarioError.
std::vector<RewindTimes> measure_rewinds(const std::string& path);

// Plays `cluster` to `warm_up_seconds`, then `frames` frames per view. Needs a QApplication.
std::vector<FrameTimes> measure_frames(const NewCluster& cluster, int warm_up_seconds, int frames);

}  // namespace ksim::gui
