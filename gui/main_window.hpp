// The main window: the cluster drawing on top; partitions, consumer groups and the event log in
// tabs below; the narration and the transport (play, pause, speed, step, next interesting event,
// run to, rewind) around them. Views redraw from snapshots on a frame timer, never per event.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>

#include "gui/palette.hpp"
#include "gui/session/session.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTabWidget;
class QTableWidget;
class QAction;
class QMenu;

namespace ksim::gui {

class ClusterWidget;
class PartitionInspector;
class RebalanceTimeline;
class ChartsView;
class FiguresPane;
class SequenceDiagram;

class MainWindow final : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a lab; on failure shows the loader's message and returns it (empty on success).
  QString open_file(const QString& path, const std::optional<std::string>& variant = std::nullopt);
  // Opens scenario text no file holds (the "new cluster" dialog's); `name` stands for the file.
  QString open_text(const std::string& text, const std::string& name);
  // The dialogs, as the File menu opens them (and the start without a file).
  void pick_lab();
  void new_cluster();
  // Plays another variant of the lab (nullopt: the base) to the same moment.
  QString choose_variant(const std::optional<std::string>& variant);
  Session* session() { return session_.get(); }
  // Redraws every view from the session now (the frame timer does this while playing).
  void refresh();
  // Shows one view alone ("cluster", "partitions", "inspector", "groups", "timeline", "charts",
  // "figures", "events") or all of them ("all"); false for a name it does not know.
  bool show_view(const QString& name);
  QStringList view_names() const;
  void set_large_font(bool on);
  void set_dark(bool on);
  ClusterWidget* cluster_widget() { return cluster_; }
  QTableWidget* partitions_table() { return partitions_; }
  QTableWidget* groups_table() { return groups_; }
  PartitionInspector* inspector() { return inspector_; }
  RebalanceTimeline* timeline_view() { return timeline_; }
  ChartsView* charts() { return charts_; }
  FiguresPane* figures() { return figures_; }
  SequenceDiagram* sequence() { return sequence_; }
  // The partition the inspector shows ("orders-0"); the first one when never chosen.
  void inspect(const QString& partition);

  // The transport, as the toolbar and the shortcuts call it.
  void play(bool on);
  void step();
  void step_to_interesting();
  void run_to(sim::Time t);
  // Moves to `t` the way the transport does: backward from a checkpoint, then forward a frame's
  // budget at a time, so that a long jump never freezes the window (the views show the run
  // catching up). run_to() does the same at once, for tests and pictures.
  void seek(sim::Time t);
  bool seeking() const { return seek_target_.has_value() || searching_from_.has_value(); }
  // One tick of the frame timer: a seek's next slice, or a frame of play.
  void tick();
  // What the frame timer does while playing: a frame's worth of simulated time at `speed` (0: as
  // fast as possible) within the frame's budget, stopping at a narration pause; then a refresh.
  void advance_one_frame(double speed);
  // Faults by hand, as the context menus and the Faults menu make them. Each goes into the
  // session's fault plan (see Session::inject); a refusal is shown and returned (empty: done).
  // A broker fault: "stop", "crash", "power-loss", "restart", "pause", "resume", "isolate".
  QString broker_fault(core::BrokerId id, core::FaultType type);
  // A link between two nodes ("broker:1", "controller", "consumer:billing/0"): "cut" both ways,
  // "cut-one-way" (from `a` to `b`), "slow" (200 ms), "lossy" (200 ms and 10% loss), "heal" (a
  // cut), "restore" (the network's defaults).
  QString link_fault(const std::string& a, const std::string& b, const std::string& kind);
  // A consumer fault: "crash", "restart", "pause", "resume", "slow" (ten times slower), "normal"
  // (its own speed again).
  QString consumer_fault(const std::string& member, const std::string& action);
  QString add_consumer(const std::string& group);
  // A config change while running: target "topic:T", "producer:NAME" or "group:G"; the value as
  // JSON text ("2", "true", "\"all\"").
  QString set_config(const std::string& target, const std::string& key, const std::string& value_json);

 private:
  void build_actions();
  void build_views();
  // Runs toward `to` until it is reached or the frame's budget is spent.
  void run_within_budget(sim::Time to);
  void fill_partitions(const core::ClusterView& view);
  void fill_groups();
  // Rebuilds the event log when the timeline's length changed (or the filter did).
  void fill_events(bool filter_changed);
  void fill_inspector(const core::ClusterView& view);
  void apply_palette();
  void ask_run_to();
  // Takes a freshly opened session (or the loader's message about one that did not open).
  QString adopt(std::unique_ptr<Session> session, const QString& error);
  void fill_variants();
  void save_as();
  void broker_menu(core::BrokerId id, QPoint where);
  void add_link_menu(QMenu& menu, const std::string& node);
  void add_consumer_actions(QMenu& menu, const std::string& member);
  void fill_faults_menu();
  void groups_menu(QPoint where);
  // Adds a fault by hand and reports it; `what` says it in the status bar.
  QString apply(const std::string& fault_json, const QString& what);
  QString refuse(const QString& message);

  std::unique_ptr<Session> session_;
  Palette palette_ = Palette::light(false);
  bool large_font_ = false;
  bool dark_ = false;
  bool playing_ = false;
  std::optional<sim::Time> seek_target_;
  std::optional<std::size_t> searching_from_;  // next interesting event: the timeline's length when asked
  double speed_ = 1.0;  // simulated seconds per wall second; 0: as fast as possible
  QTimer frame_;
  ClusterWidget* cluster_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QTableWidget* partitions_ = nullptr;
  QTableWidget* groups_ = nullptr;
  PartitionInspector* inspector_ = nullptr;
  RebalanceTimeline* timeline_ = nullptr;
  QWidget* timeline_page_ = nullptr;  // the scroll area around it
  ChartsView* charts_ = nullptr;
  FiguresPane* figures_ = nullptr;
  SequenceDiagram* sequence_ = nullptr;
  sim::Time figures_shown_at_ = sim::Time::max();  // the moment the figures pane shows
  QString inspected_;
  QListWidget* events_ = nullptr;
  QWidget* events_page_ = nullptr;
  std::size_t events_listed_ = SIZE_MAX;
  QLineEdit* filter_ = nullptr;
  QLabel* narration_ = nullptr;
  QLabel* clock_ = nullptr;
  QComboBox* speed_box_ = nullptr;
  QComboBox* variant_box_ = nullptr;
  QAction* play_action_ = nullptr;
  QMenu* faults_menu_ = nullptr;
};

}  // namespace ksim::gui
