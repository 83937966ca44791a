#include "gui/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>

#include "core/scenario/lab_library.hpp"
#include "core/scenario/loader.hpp"
#include "gui/charts_view.hpp"
#include "gui/cluster_widget.hpp"
#include "gui/dialogs.hpp"
#include "gui/figures_pane.hpp"
#include "gui/format.hpp"
#include "gui/partition_inspector.hpp"
#include "gui/sequence_diagram.hpp"
#include "gui/rebalance_timeline.hpp"

namespace ksim::gui {
namespace {

constexpr int kFrameMs = 33;       // about 30 frames a second
constexpr int kRunBudgetMs = 20;   // of a frame, for running the simulation; the rest draws
constexpr sim::Duration kRunSlice = sim::milliseconds(10);

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("ksim-gui");
  resize(1280, 800);
  setMinimumSize(1280, 800);
  build_views();
  build_actions();
  fill_variants();
  apply_palette();
  connect(&frame_, &QTimer::timeout, this, &MainWindow::tick);
  frame_.start(kFrameMs);
  refresh();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_views() {
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  narration_ = new QLabel(central);
  narration_->setObjectName("narration");
  narration_->setWordWrap(true);
  narration_->setMinimumHeight(48);
  layout->addWidget(narration_);

  auto* split = new QSplitter(Qt::Vertical, central);
  cluster_ = new ClusterWidget(split);
  connect(cluster_, &ClusterWidget::broker_menu_requested, this, &MainWindow::broker_menu);
  tabs_ = new QTabWidget(split);

  partitions_ = new QTableWidget(0, 9, tabs_);
  partitions_->setObjectName("partitions");
  partitions_->setHorizontalHeaderLabels({"partition", "leader", "epoch", "replicas", "ISR", "ELR", "high watermark",
                                          "log end per replica (* leader, ! out of ISR, Z zombie)", "status"});
  partitions_->horizontalHeader()->setStretchLastSection(true);
  partitions_->verticalHeader()->hide();
  tabs_->addTab(partitions_, "Partitions");
  connect(partitions_, &QTableWidget::cellClicked, this, [this](int row, int) {
    if (QTableWidgetItem* item = partitions_->item(row, 0)) inspect(item->text());
  });

  inspector_ = new PartitionInspector(tabs_);
  inspector_->setObjectName("inspector");
  tabs_->addTab(inspector_, "Partition inspector");

  groups_ = new QTableWidget(0, 8, tabs_);
  groups_->setObjectName("groups");
  groups_->setHorizontalHeaderLabels({"group", "state", "generation / epoch", "partition", "committed", "lag", "member", "group leader (runs the assignor)"});
  groups_->horizontalHeader()->setStretchLastSection(true);
  groups_->verticalHeader()->hide();
  groups_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(groups_, &QTableWidget::customContextMenuRequested, this, &MainWindow::groups_menu);
  tabs_->addTab(groups_, "Consumer groups");

  // In a scroll area: a strip per partition, and a cluster may have a thousand.
  auto* timeline_scroll = new QScrollArea(tabs_);
  timeline_scroll->setObjectName("timeline");
  timeline_scroll->setWidgetResizable(true);
  timeline_ = new RebalanceTimeline(timeline_scroll);
  timeline_->setObjectName("timeline-strips");
  timeline_scroll->setWidget(timeline_);
  tabs_->addTab(timeline_scroll, "Rebalance timeline");
  timeline_page_ = timeline_scroll;

  charts_ = new ChartsView(tabs_);
  tabs_->addTab(charts_, "Charts");

  sequence_ = new SequenceDiagram(tabs_);
  tabs_->addTab(sequence_, "Message sequence");

  figures_ = new FiguresPane(tabs_);
  tabs_->addTab(figures_, "Figures");
  connect(tabs_, &QTabWidget::currentChanged, this, [this] { refresh(); });

  auto* log = new QWidget(tabs_);
  events_page_ = log;
  log->setObjectName("events");
  auto* log_layout = new QVBoxLayout(log);
  filter_ = new QLineEdit(log);
  filter_->setPlaceholderText("filter: a node, a kind (fault, election, isr, rebalance, error, narration) or any text");
  connect(filter_, &QLineEdit::textChanged, this, [this] { fill_events(true); });
  events_ = new QListWidget(log);
  connect(events_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
    seek(sim::Time::zero() + sim::Duration::from_ns(item->data(Qt::UserRole).toLongLong()));
  });
  log_layout->addWidget(filter_);
  log_layout->addWidget(events_);
  tabs_->addTab(log, "Event log");

  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);
  setCentralWidget(central);
  clock_ = new QLabel(this);
  statusBar()->addPermanentWidget(clock_);
}

void MainWindow::build_actions() {
  QMenu* file = menuBar()->addMenu("&File");
  QAction* labs = file->addAction("&Open a lab...", this, [this] { pick_lab(); });
  labs->setShortcut(QKeySequence::Open);
  QAction* open = file->addAction("Open a scenario &file...", this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, "Open a scenario file", QString::fromStdString(core::labs_directory().string()),
                                                      "Scenarios (*.json)");
    if (!path.isEmpty()) open_file(path);
  });
  open->setShortcut(QKeySequence("Ctrl+Shift+O"));
  QAction* fresh = file->addAction("&New cluster...", this, [this] { new_cluster(); });
  fresh->setShortcut(QKeySequence::New);
  QAction* save = file->addAction("&Save as scenario...", this, [this] { save_as(); });
  save->setShortcut(QKeySequence::SaveAs);
  file->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);

  QToolBar* bar = addToolBar("Transport");
  bar->setObjectName("transport");
  QAction* restart = bar->addAction("|◀ Start", this, [this] { seek(sim::Time::zero()); });
  restart->setShortcut(Qt::Key_Home);
  QAction* back = bar->addAction("◀ 1 s", this, [this] {
    if (session_) seek(seek_target_.value_or(session_->now()) - sim::seconds(1));
  });
  back->setShortcut(Qt::Key_Left);
  play_action_ = bar->addAction("▶ Play", this, [this] { play(!playing_); });
  play_action_->setShortcut(Qt::Key_Space);
  QAction* one = bar->addAction("Step", this, [this] { step(); });
  one->setShortcut(Qt::Key_Period);
  QAction* next = bar->addAction("Next interesting ▶|", this, [this] { step_to_interesting(); });
  next->setShortcut(Qt::Key_N);
  QAction* forward = bar->addAction("1 s ▶", this, [this] {
    if (session_) seek(seek_target_.value_or(session_->now()) + sim::seconds(1));
  });
  forward->setShortcut(Qt::Key_Right);
  QAction* to = bar->addAction("Run to...", this, [this] { ask_run_to(); });
  to->setShortcut(QKeySequence("Ctrl+G"));
  speed_box_ = new QComboBox(bar);
  for (const char* s : {"0.01x", "0.1x", "1x", "10x", "100x", "1000x", "max"}) speed_box_->addItem(s);
  speed_box_->setCurrentText("1x");
  connect(speed_box_, &QComboBox::currentTextChanged, this, [this](const QString& text) {
    speed_ = text == "max" ? 0 : text.chopped(1).toDouble();
  });
  bar->addWidget(speed_box_);
  bar->addSeparator();
  bar->addWidget(new QLabel(" Variant: ", bar));
  variant_box_ = new QComboBox(bar);
  variant_box_->setObjectName("variants");
  variant_box_->setMinimumContentsLength(16);
  connect(variant_box_, &QComboBox::activated, this, [this](int index) {
    choose_variant(index <= 0 ? std::nullopt : std::optional<std::string>(variant_box_->itemText(index).toStdString()));
  });
  bar->addWidget(variant_box_);

  faults_menu_ = menuBar()->addMenu("F&aults");
  connect(faults_menu_, &QMenu::aboutToShow, this, &MainWindow::fill_faults_menu);
  fill_faults_menu();

  QMenu* view = menuBar()->addMenu("&View");
  QAction* large = view->addAction("&Large fonts (projector)", this, [this](bool on) { set_large_font(on); });
  large->setCheckable(true);
  large->setShortcut(QKeySequence("Ctrl+L"));
  QAction* dark = view->addAction("&Dark theme", this, [this](bool on) { set_dark(on); });
  dark->setCheckable(true);
  dark->setShortcut(QKeySequence("Ctrl+D"));
}

QString MainWindow::open_file(const QString& path, const std::optional<std::string>& variant) {
  try {
    return adopt(Session::open(path.toStdString(), variant), {});
  } catch (const core::ScenarioError& e) {
    return adopt(nullptr, QString::fromStdString(e.what()));
  }
}

QString MainWindow::open_text(const std::string& text, const std::string& name) {
  try {
    return adopt(std::make_unique<Session>(text, name), {});
  } catch (const core::ScenarioError& e) {
    return adopt(nullptr, QString::fromStdString(e.what()));
  }
}

QString MainWindow::adopt(std::unique_ptr<Session> session, const QString& error) {
  if (!session) {
    statusBar()->showMessage(error);
    if (isVisible()) QMessageBox::warning(this, "Cannot open the lab", error);
    return error;
  }
  session_ = std::move(session);
  seek_target_.reset();
  searching_from_.reset();
  events_listed_ = SIZE_MAX;
  figures_shown_at_ = sim::Time::max();
  play(false);
  setWindowTitle(QString("ksim-gui: %1").arg(QString::fromStdString(session_->scenario().name)));
  fill_variants();
  refresh();
  return {};
}

void MainWindow::fill_variants() {
  variant_box_->clear();
  variant_box_->addItem("(base scenario)");
  if (!session_) return;
  for (const std::string& v : session_->scenario().variant_names) variant_box_->addItem(QString::fromStdString(v));
  if (session_->variant()) variant_box_->setCurrentText(QString::fromStdString(*session_->variant()));
  variant_box_->setEnabled(variant_box_->count() > 1);
}

QString MainWindow::choose_variant(const std::optional<std::string>& variant) {
  if (!session_) return refuse("open a lab first");
  const sim::Time at = seek_target_.value_or(session_->now());
  const std::string error = session_->reload(variant);
  if (!error.empty()) return refuse(QString::fromStdString(error));
  seek(at);  // replayed to the same moment a frame's budget at a time
  events_listed_ = SIZE_MAX;
  figures_shown_at_ = sim::Time::max();
  fill_variants();
  refresh();
  return {};
}

void MainWindow::pick_lab() {
  std::vector<core::LabEntry> labs;
  try {
    labs = core::list_labs(core::labs_directory());
  } catch (const std::filesystem::filesystem_error& e) {
    refuse(QString("cannot read the labs in %1 (%2); set KSIM_SCENARIOS or open a file")
               .arg(QString::fromStdString(core::labs_directory().string()), QString::fromStdString(e.code().message())));
    return;
  }
  LabPicker picker(std::move(labs), this);
  if (picker.exec() == QDialog::Accepted && !picker.file().empty()) open_file(QString::fromStdString(picker.file()), picker.variant());
}

void MainWindow::new_cluster() {
  NewClusterDialog dialog(this);
  if (dialog.exec() == QDialog::Accepted) open_text(new_cluster_scenario(dialog.cluster()), "new-cluster.json");
}

void MainWindow::play(bool on) {
  if (on) {
    seek_target_.reset();
    searching_from_.reset();
  }
  playing_ = on && session_ != nullptr;
  if (play_action_ != nullptr) play_action_->setText(playing_ ? "Pause" : "▶ Play");
}

void MainWindow::step() {
  if (!session_) return;
  play(false);
  seek_target_.reset();
  searching_from_.reset();
  session_->step();
  refresh();
}

void MainWindow::step_to_interesting() {
  if (!session_) return;
  play(false);
  seek_target_.reset();
  // Searched a frame's budget at a time: nothing may happen for a long stretch of simulated time.
  searching_from_ = session_->timeline_size();
  tick();
}

void MainWindow::run_to(sim::Time t) {
  if (!session_) return;
  seek_target_.reset();
  searching_from_.reset();
  session_->run_to(t);
  refresh();
}

void MainWindow::seek(sim::Time t) {
  if (!session_) return;
  play(false);
  searching_from_.reset();
  t = std::clamp(t, sim::Time::zero(), session_->end());
  session_->go_back_to(t);
  seek_target_ = t;
  tick();
}

void MainWindow::ask_run_to() {
  if (!session_) return;
  bool ok = false;
  const double seconds = QInputDialog::getDouble(this, "Run to", "Simulated time (seconds):",
                                                 static_cast<double>(session_->now().ns()) / 1e9, 0,
                                                 static_cast<double>(session_->end().ns()) / 1e9, 3, &ok);
  if (ok) seek(sim::Time::zero() + sim::Duration::from_ns(static_cast<std::int64_t>(seconds * 1e9)));
}

void MainWindow::tick() {
  if (!session_) return;
  if (searching_from_) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRunBudgetMs);
    if (session_->step_until_timeline_exceeds(*searching_from_, deadline) != Session::Search::out_of_time) searching_from_.reset();
    statusBar()->showMessage(searching_from_ ? QString("looking for the next interesting event... (%1)").arg(seconds_text(session_->now()))
                                             : QString());
    refresh();
    return;
  }
  if (seek_target_) {
    run_within_budget(*seek_target_);
    if (session_->now() >= *seek_target_) seek_target_.reset();
    statusBar()->showMessage(seek_target_ ? QString("running to %1...").arg(seconds_text(*seek_target_)) : QString());
    refresh();
    return;
  }
  if (playing_) advance_one_frame(speed_);
}

void MainWindow::run_within_budget(sim::Time to) {
  // The run gets a share of the frame, in small slices: at high speeds (and "max"), and on a long
  // jump, a frame runs what fits in the budget, so the window stays responsive and the clock
  // shows the real pace.
  QElapsedTimer clock;
  clock.start();
  do {
    session_->run_to(std::min(to, session_->now() + kRunSlice));
  } while (session_->now() < to && clock.elapsed() < kRunBudgetMs);
}

void MainWindow::advance_one_frame(double speed) {
  if (!session_) return;
  const sim::Time from = session_->now();
  sim::Time to = speed == 0 ? session_->end()
                            : std::min(session_->end(), from + std::max(sim::Duration::from_ns(static_cast<std::int64_t>(speed * kFrameMs * 1e6)),
                                                                        sim::Duration::from_ns(1)));
  const core::NarrationEntry* pause = session_->pause_between(from, to);
  if (pause != nullptr) to = pause->at;  // a narration pause: stop there
  run_within_budget(to);
  if ((pause != nullptr && session_->now() >= pause->at) || session_->now() >= session_->end()) play(false);
  refresh();
}

void MainWindow::refresh() {
  if (!session_) {
    narration_->setText("Open a lab (File → Open a lab, Ctrl+O), build a cluster (File → New cluster, Ctrl+N), or start ksim-gui with a scenario file.");
    clock_->setText("");
    cluster_->set_snapshot({}, {});
    cluster_->update();
    return;
  }
  // One snapshot per frame, shared by every view that draws the cluster; of the tabs, only the
  // one showing is filled (the others catch up when chosen: changing tabs refreshes).
  const QWidget* tab = tabs_->currentWidget();
  core::ClusterView view = session_->cluster();
  if (tab == partitions_) fill_partitions(view);
  if (tab == inspector_) fill_inspector(view);
  cluster_->set_snapshot(std::move(view), session_->links());
  cluster_->update();
  const core::NarrationEntry* n = session_->narration();
  narration_->setText(n != nullptr ? QString::fromStdString(n->text) : QString::fromStdString(session_->scenario().summary));
  clock_->setText(QString("%1 / %2").arg(seconds_text(session_->now()), seconds_text(session_->end())));
  if (tab == groups_) fill_groups();
  if (tab == events_page_) fill_events(false);
  if (tab == timeline_page_) {
    const std::map<std::string, std::size_t> index = session_->consumer_indices();
    std::vector<std::size_t> colours;
    for (const Ownership& o : session_->ownership()) {
      const auto colour = index.find(session_->node_name(o.member));
      colours.push_back(colour != index.end() ? colour->second : 0);
    }
    timeline_->set_snapshot(session_->ownership(), std::move(colours), session_->group_epochs(), session_->now(),
                            session_->end());
    timeline_->update();
  }
  if (tab == sequence_) sequence_->set_snapshot(*session_);
  if (tab == charts_) charts_->set_snapshot(session_->series(), session_->fault_marks(), session_->now(), session_->end());
  // The figures read every log and history: a background thread computes them
  // (figures_worker.hpp), and the pane shows the latest that came.
  if (tab == figures_) {
    session_->request_figures();
    if (const std::optional<FiguresAt> latest = session_->latest_figures(); latest && latest->at != figures_shown_at_) {
      figures_shown_at_ = latest->at;
      figures_->set_snapshot(latest->figures, session_->expectations(latest->figures), latest->at, session_->now());
    }
  }
}

void MainWindow::inspect(const QString& partition) {
  inspected_ = partition;
  refresh();
}

bool MainWindow::show_view(const QString& name) {
  if (name == "all") {
    cluster_->show();
    tabs_->show();
    return true;
  }
  if (name == "cluster") {
    tabs_->hide();
    cluster_->show();
    return true;
  }
  for (int i = 0; i < tabs_->count(); ++i) {
    if (tabs_->widget(i)->objectName() != name) continue;
    cluster_->hide();
    tabs_->show();
    tabs_->setCurrentIndex(i);
    return true;
  }
  return false;
}

QStringList MainWindow::view_names() const {
  QStringList names{"all", "cluster"};
  for (int i = 0; i < tabs_->count(); ++i) names << tabs_->widget(i)->objectName();
  return names;
}

void MainWindow::set_large_font(bool on) {
  large_font_ = on;
  apply_palette();
}

void MainWindow::set_dark(bool on) {
  dark_ = on;
  apply_palette();
}

void MainWindow::apply_palette() {
  palette_ = dark_ ? Palette::dark(large_font_) : Palette::light(large_font_);
  QPalette qt;
  qt.setColor(QPalette::Window, palette_.background);
  qt.setColor(QPalette::Base, palette_.panel);
  qt.setColor(QPalette::AlternateBase, palette_.background);
  qt.setColor(QPalette::Text, palette_.text);
  qt.setColor(QPalette::WindowText, palette_.text);
  qt.setColor(QPalette::Button, palette_.panel);
  qt.setColor(QPalette::ButtonText, palette_.text);
  setPalette(qt);
  QFont f = palette_.font();
  setFont(f);
  narration_->setFont(palette_.font(2, true));
  QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);  // the log's columns line up
  fixed.setPointSize(palette_.font_points);
  events_->setFont(fixed);
  cluster_->set_palette(palette_);
  inspector_->set_palette(palette_);
  timeline_->set_palette(palette_);
  charts_->set_palette(palette_);
  sequence_->set_palette(palette_);
  figures_->set_palette(palette_);
  refresh();
}

void MainWindow::save_as() {
  if (!session_) return;
  const QString path = QFileDialog::getSaveFileName(this, "Save as scenario", "", "Scenarios (*.json)");
  if (path.isEmpty()) return;
  const std::string error = session_->save_as(path.toStdString());
  if (!error.empty()) {
    QMessageBox::warning(this, "Cannot save", QString::fromStdString(error));
  } else {
    statusBar()->showMessage("saved " + path + ": `ksim run` replays it to this session's trace hash");
  }
}

}  // namespace ksim::gui
