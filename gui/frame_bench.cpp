#include "gui/frame_bench.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>

#include "core/scenario/figures.hpp"
#include "gui/main_window.hpp"
#include "gui/session/session.hpp"

namespace ksim::gui {

std::vector<FrameTimes> measure_frames(const NewCluster& cluster, int warm_up_seconds, int frames) {
  MainWindow window;
  window.resize(1280, 800);
  window.show();
  const QString error = window.open_text(new_cluster_scenario(cluster), "frame-bench.json");
  if (!error.isEmpty()) return {};
  window.run_to(sim::Time::zero() + sim::seconds(warm_up_seconds));
  QApplication::processEvents();
  std::vector<FrameTimes> out;
  const QStringList views = window.view_names();
  for (const QString& view : views) {
    if (view == "all") continue;
    window.show_view(view);
    QApplication::processEvents();
    std::vector<double> times;
    for (int f = 0; f < frames; ++f) {
      QElapsedTimer clock;
      clock.start();
      window.advance_one_frame(1.0);  // what the frame timer does at 1x
      QApplication::processEvents();  // the paint
      times.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
    }
    FrameTimes t;
    t.view = view;
    t.frames = frames;
    t.p50_ms = core::percentile(times, 0.50);
    t.p99_ms = core::percentile(times, 0.99);
    t.max_ms = *std::max_element(times.begin(), times.end());
    out.push_back(t);
  }
  window.show_view("all");
  return out;
}

std::vector<RewindTimes> measure_rewinds(const std::string& path) {
  std::vector<RewindTimes> out;
  for (const double fraction : {0.95, 0.70, 0.45, 0.20}) {
    auto session = Session::open(path);
    session->run_to(session->end());
    session->wait_for_checkpoints();
    RewindTimes r;
    r.from = session->now();
    r.to = sim::Time::zero() + sim::Duration::from_ns(static_cast<std::int64_t>(static_cast<double>(r.from.ns()) * fraction));
    QElapsedTimer clock;
    clock.start();
    session->run_to(r.to);
    r.checkpoint_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    clock.restart();
    Play fresh(session->scenario());
    fresh.run().run_until(r.to);
    r.rerun_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    out.push_back(r);
  }
  return out;
}

}  // namespace ksim::gui
