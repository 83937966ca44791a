// ksim-gui [FILE] [--variant NAME] [--at T] [--screenshot OUT.png [--view NAME]] [--large-font] [--dark]
//
// With --screenshot it renders the moment T of FILE offscreen to a PNG and exits: the pictures in
// docs/ and the GUI tests come from this. Bad arguments exit 2 with a message, as `ksim` does.
#include <QApplication>
#include <QImage>
#include <QPixmap>
#include <QSaveFile>
#include <QStringList>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gui/cluster_widget.hpp"
#include "gui/main_window.hpp"

namespace {

constexpr const char* kUsage =
    "usage: ksim-gui [FILE] [--variant NAME] [--at T] [--screenshot OUT.png [--view NAME]] [--large-font] [--dark]\n"
    "  --view: all, cluster, partitions, inspector, groups, timeline, charts, sequence, figures or events\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ksim-gui: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, at_text, screenshot, view = "all", variant;
  bool large_font = false, dark = false;
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
  QApplication::processEvents();
  const QPixmap picture = window.grab();
  QSaveFile out(QString::fromStdString(screenshot));  // whole or not at all
  if (!out.open(QIODevice::WriteOnly) || !picture.save(&out, "PNG") || !out.commit()) {
    std::fprintf(stderr, "ksim-gui: cannot write %s\n", screenshot.c_str());
    return 1;
  }
  return 0;
}
