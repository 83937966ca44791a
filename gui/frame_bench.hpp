// The frame-time measurement: a window on a cluster built by the "new cluster" form, played at
// real time (one frame's worth of simulated time per frame), each view in turn shown and drawn.
// A frame is what the UI thread does in one tick of its timer: advance the run, refresh the
// views from their snapshots, paint. `ksim-gui --bench-frames` prints it (docs/benchmarks.md).
#pragma once

#include <QString>
#include <vector>

#include "gui/new_cluster.hpp"

namespace ksim::gui {

struct FrameTimes {
  QString view;
  int frames = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Plays `cluster` to `warm_up_seconds`, then `frames` frames per view. Needs a QApplication.
std::vector<FrameTimes> measure_frames(const NewCluster& cluster, int warm_up_seconds, int frames);

}  // namespace ksim::gui
