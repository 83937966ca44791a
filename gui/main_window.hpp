// The main window: the cluster drawing on top; partitions, consumer groups and the event log in
// tabs below; the narration and the transport (play, pause, speed, step, next interesting event,
// run to, rewind) around them. Views redraw from snapshots on a frame timer, never per event.
#pragma once

#include <QMainWindow>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>

#include "gui/palette.hpp"
#include "gui/session.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTabWidget;
class QTableWidget;
class QAction;

namespace ksim::gui {

class ClusterWidget;
class PartitionInspector;
class RebalanceTimeline;

class MainWindow final : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a lab; on failure shows the loader's message and returns it (empty on success).
  QString open_file(const QString& path, const std::optional<std::string>& variant = std::nullopt);
  Session* session() { return session_.get(); }
  // Redraws every view from the session now (the frame timer does this while playing).
  void refresh();
  // Shows one view alone ("cluster", "partitions", "groups", "events") or all of them ("all").
  bool show_view(const QString& name);
  void set_large_font(bool on);
  void set_dark(bool on);
  ClusterWidget* cluster_widget() { return cluster_; }
  QTableWidget* partitions_table() { return partitions_; }
  PartitionInspector* inspector() { return inspector_; }
  RebalanceTimeline* timeline_view() { return timeline_; }
  // The partition the inspector shows ("orders-0"); the first one when never chosen.
  void inspect(const QString& partition);

  // The transport, as the toolbar and the shortcuts call it.
  void play(bool on);
  void step();
  void step_to_interesting();
  void run_to(sim::Time t);
  // A broker fault by hand: "crash", "power-loss", "restart", "pause", "resume", "isolate".
  void broker_fault(core::BrokerId id, const std::string& action);

 private:
  void build_actions();
  void build_views();
  void on_frame();
  void fill_partitions(const core::ClusterView& view);
  void fill_groups();
  void fill_events();
  void fill_inspector(const core::ClusterView& view);
  void apply_palette();
  void ask_run_to();
  void save_as();
  void broker_menu(core::BrokerId id, QPoint where);

  std::unique_ptr<Session> session_;
  Palette palette_ = Palette::light(false);
  bool large_font_ = false;
  bool dark_ = false;
  bool playing_ = false;
  double speed_ = 1.0;  // simulated seconds per wall second; 0: as fast as possible
  QTimer frame_;
  ClusterWidget* cluster_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QTableWidget* partitions_ = nullptr;
  QTableWidget* groups_ = nullptr;
  PartitionInspector* inspector_ = nullptr;
  RebalanceTimeline* timeline_ = nullptr;
  QString inspected_;
  QListWidget* events_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QLabel* narration_ = nullptr;
  QLabel* clock_ = nullptr;
  QComboBox* speed_box_ = nullptr;
  QAction* play_action_ = nullptr;
};

}  // namespace ksim::gui
