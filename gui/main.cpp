// ksim-gui [FILE] [--variant NAME] [--at T] [--screenshot OUT.png [--view NAME]] [--large-font] [--dark]
// ksim-gui --bench-frames [--brokers N] [--partitions P] [--frames F]
//
// With --screenshot it renders the moment T of FILE offscreen to a PNG and exits: the pictures in
// docs/ and the GUI tests come from this. --bench-frames measures the frame time of each view.
// Bad arguments exit 2 with a message, as `ksim` does.
#include <QApplication>
#include <QImage>
#include <QPixmap>
#include <QSaveFile>
#include <QStringList>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/loader.hpp"
#include "gui/cluster_widget.hpp"
#include "gui/frame_bench.hpp"
#include "gui/main_window.hpp"

namespace {

constexpr const char* kUsage =
    "usage: ksim-gui [FILE] [--variant NAME] [--at T] [--screenshot OUT.png [--view NAME]] [--large-font] [--dark]\n"
    "       ksim-gui --bench-frames [--brokers N] [--partitions P] [--frames F]\n"
    "       ksim-gui --bench-rewind FILE\n"
    "  --view: all, cluster, partitions, inspector, groups, timeline, charts, sequence, figures or events\n"
    "  --bench-frames: the frame time of each view on a new cluster played at real time (offscreen)\n"
    "  --bench-rewind: rewinds from the end of FILE, from checkpoints and by re-running, timed\n";

// A whole number in [low, high] from an option's text, or nullopt.
std::optional<int> whole_number(const std::string& text, int low, int high) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int n = std::stoi(text);
  if (n < low || n > high) return std::nullopt;
  return n;
}

int bench_frames(int brokers, int partitions, int frames) {
  ksim::gui::NewCluster cluster;
  cluster.brokers = brokers;
  cluster.partitions = partitions;
  cluster.replication_factor = std::min(3, brokers);
  cluster.min_insync_replicas = std::min(2, cluster.replication_factor);
  cluster.producers = 3;
  cluster.rate = 1000;
  cluster.groups = 1;
  cluster.members = 6;
  cluster.duration_seconds = 60;
  const std::vector<ksim::gui::FrameTimes> times = ksim::gui::measure_frames(cluster, 10, frames);
  if (times.empty()) return 1;
  std::printf("%-12s %7s %9s %9s %9s\n", "view", "frames", "p50 ms", "p99 ms", "max ms");
  const ksim::gui::FrameTimes* worst = &times.front();
  for (const ksim::gui::FrameTimes& t : times) {
    std::printf("%-12s %7d %9.2f %9.2f %9.2f\n", t.view.toStdString().c_str(), t.frames, t.p50_ms, t.p99_ms, t.max_ms);
    if (t.p99_ms > worst->p99_ms) worst = &t;
  }
  std::printf("gui_frames brokers=%d partitions=%d worst_view=%s worst_p99_ms=%.2f\n", brokers, partitions,
              worst->view.toStdString().c_str(), worst->p99_ms);
  return 0;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ksim-gui: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, at_text, screenshot, view = "all", variant;
  bool large_font = false, dark = false, bench = false, bench_rewind = false;
  std::string brokers_text = "3", partitions_text = "30", frames_text = "60";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    if (arg == "--at") {
      if (!value(at_text)) return usage_error("--at needs a time, e.g. --at 12s");
    } else if (arg == "--screenshot") {
      if (!value(screenshot)) return usage_error("--screenshot needs a file name, e.g. --screenshot out.png");
    } else if (arg == "--variant") {
      if (!value(variant)) return usage_error("--variant needs a name (ksim list shows each lab's variants)");
    } else if (arg == "--view") {
      if (!value(view)) return usage_error("--view needs a name");
    } else if (arg == "--bench-frames") {
      bench = true;
    } else if (arg == "--bench-rewind") {
      bench_rewind = true;
    } else if (arg == "--brokers") {
      if (!value(brokers_text)) return usage_error("--brokers needs a number");
    } else if (arg == "--partitions") {
      if (!value(partitions_text)) return usage_error("--partitions needs a number");
    } else if (arg == "--frames") {
      if (!value(frames_text)) return usage_error("--frames needs a number");
    } else if (arg == "--large-font") {
      large_font = true;
    } else if (arg == "--dark") {
      dark = true;
    } else if (arg == "-h" || arg == "--help") {
      std::printf("%s", kUsage);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option " + arg);
    } else if (file.empty()) {
      file = arg;
    } else {
      return usage_error("one scenario file at a time (got " + file + " and " + arg + ")");
    }
  }
  if (bench) {
    const std::optional<int> brokers = whole_number(brokers_text, 1, 100);
    const std::optional<int> partitions = whole_number(partitions_text, 1, 10000);
    const std::optional<int> frames = whole_number(frames_text, 1, 100000);
    if (!brokers) return usage_error("--brokers: a whole number from 1 to 100 (got \"" + brokers_text + "\")");
    if (!partitions) return usage_error("--partitions: a whole number from 1 to 10000 (got \"" + partitions_text + "\")");
    if (!frames) return usage_error("--frames: a whole number from 1 to 100000 (got \"" + frames_text + "\")");
    if (!file.empty() || !screenshot.empty()) return usage_error("--bench-frames builds its own cluster: no FILE or --screenshot with it");
    if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    QApplication app(argc, argv);
    return bench_frames(*brokers, *partitions, *frames);
  }
  if (bench_rewind) {
    if (file.empty()) return usage_error("--bench-rewind needs a scenario file");
    try {
      double sum_checkpoint = 0, sum_rerun = 0;
      std::printf("%-10s %-10s %14s %12s\n", "from", "to", "checkpoint ms", "re-run ms");
      for (const ksim::gui::RewindTimes& r : ksim::gui::measure_rewinds(file)) {
        std::printf("%-10.3f %-10.3f %14.1f %12.1f\n", static_cast<double>(r.from.ns()) / 1e9, static_cast<double>(r.to.ns()) / 1e9,
                    r.checkpoint_ms, r.rerun_ms);
        sum_checkpoint += r.checkpoint_ms;
        sum_rerun += r.rerun_ms;
      }
      std::printf("gui_rewind checkpoint_ms=%.1f rerun_ms=%.1f speedup=%.1f\n", sum_checkpoint / 4, sum_rerun / 4, sum_rerun / std::max(0.001, sum_checkpoint));
    } catch (const ksim::core::ScenarioError& e) {
      std::fprintf(stderr, "ksim-gui: %s\n", e.what());
      return 2;
    }
    return 0;
  }
  ksim::sim::Duration at{};
  if (!at_text.empty()) {
    std::string error;
    if (!ksim::sim::parse_duration(at_text, at, error)) return usage_error("--at: " + error);
  }
  if (!screenshot.empty() && file.empty()) return usage_error("--screenshot needs a scenario file to render");
  // A screenshot needs no display: render offscreen unless the caller chose a platform.
  if (!screenshot.empty() && std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);

  // Without a display Qt would abort; say what to do instead.
  if (screenshot.empty() && std::getenv("QT_QPA_PLATFORM") == nullptr && std::getenv("DISPLAY") == nullptr &&
      std::getenv("WAYLAND_DISPLAY") == nullptr) {
    return usage_error("no display to open a window on; run it through ./lab gui (which uses Xvfb), or render a picture with --screenshot");
  }
  QApplication app(argc, argv);
  ksim::gui::MainWindow window;
  window.set_large_font(large_font);
  window.set_dark(dark);
  if (!window.show_view(QString::fromStdString(view))) {
    return usage_error("--view: unknown view \"" + view + "\"; the views are " + window.view_names().join(", ").toStdString());
  }
  if (!file.empty()) {
    const QString error = window.open_file(QString::fromStdString(file), variant.empty() ? std::nullopt : std::optional<std::string>(variant));
    if (!error.isEmpty()) {
      std::fprintf(stderr, "ksim-gui: %s\n", error.toStdString().c_str());
      return 2;
    }
    window.run_to(ksim::sim::Time::zero() + at);
  }
  if (screenshot.empty()) {
    window.show();
    if (file.empty()) QTimer::singleShot(0, &window, [&window] { window.pick_lab(); });  // no file: choose a lab
    return QApplication::exec();
  }
  window.resize(1280, 800);
  window.show();
  if (view == "figures" && window.session() != nullptr) {
    window.session()->wait_for_figures();  // computed in the background: the picture waits for them
    window.refresh();
  }
  QApplication::processEvents();
  const QPixmap picture = window.grab();
  QSaveFile out(QString::fromStdString(screenshot));  // whole or not at all
  if (!out.open(QIODevice::WriteOnly) || !picture.save(&out, "PNG") || !out.commit()) {
    std::fprintf(stderr, "ksim-gui: cannot write %s\n", screenshot.c_str());
    return 1;
  }
  return 0;
}
