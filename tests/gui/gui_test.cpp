// ksim-gui's tests (QTest, offscreen): the session's transport (step, next interesting event,
// rewind by re-execution), faults by hand and the save-as-scenario round trip, variants, the new
// cluster dialog and the lab picker, and what the views draw (cluster, inspector, timeline,
// charts, sequence, figures).
#include <QComboBox>
#include <QImage>
#include <QLineSeries>
#include <QListWidget>
#include <QSet>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <map>
#include <optional>

#include "core/group/offsets_records.hpp"
#include "core/scenario/lab_library.hpp"
#include "core/scenario/runner.hpp"
#include "gui/charts_view.hpp"
#include "gui/cluster_widget.hpp"
#include "gui/dialogs.hpp"
#include "gui/figures_pane.hpp"
#include "gui/session/hand_faults.hpp"
#include "gui/main_window.hpp"
#include "gui/partition_inspector.hpp"
#include "gui/rebalance_timeline.hpp"
#include "gui/sequence_diagram.hpp"
#include "gui/session/session.hpp"

using namespace ksim;

namespace {

const std::string kLab = std::string(KSIM_SOURCE_DIR) + "/scenarios/acks-leader-crash.json";

sim::Time at_s(double s) { return sim::Time::zero() + sim::Duration::from_ns(static_cast<std::int64_t>(s * 1e9)); }

// The logs as the partitions view shows them: per partition, per replica, end and high watermark.
std::vector<core::Offset> log_positions(const gui::Session& s) {
  std::vector<core::Offset> out;
  for (const core::PartitionView& p : s.cluster().partitions) {
    for (const core::ReplicaView& r : p.replica_logs) {
      out.push_back(r.log_end_offset);
      out.push_back(r.high_watermark);
    }
  }
  return out;
}

int distinct_colours(const QImage& image) {
  QSet<QRgb> seen;
  for (int y = 0; y < image.height(); y += 4) {
    for (int x = 0; x < image.width(); x += 4) seen.insert(image.pixel(x, y));
  }
  return static_cast<int>(seen.size());
}

// Shows the rebalance timeline tab, laid out and painted as a user would see it.
gui::RebalanceTimeline* show_timeline(gui::MainWindow& window) {
  if (!window.show_view("timeline")) return nullptr;
  window.show();
  QCoreApplication::processEvents();
  window.refresh();
  QCoreApplication::processEvents();
  return window.timeline_view();
}

}  // namespace

class GuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void steps_and_interesting_events() {
    auto session = gui::Session::open(kLab);
    const sim::Time start = session->now();
    QVERIFY(session->step());
    QVERIFY(session->now() >= start);
    const std::size_t before = session->timeline().size();
    QVERIFY(session->step_to_interesting());
    QVERIFY(session->timeline().size() > before);
  }

  void rewind_replays_the_same_moment() {
    auto session = gui::Session::open(kLab);
    session->run_to(at_s(12));
    QVERIFY(!session->cluster().brokers.at(0).running);  // the lab crashes broker 1 at 10 s
    session->run_to(at_s(5));                             // back: a re-run from the start
    QCOMPARE(session->now(), at_s(5));
    QVERIFY(session->cluster().brokers.at(0).running);
    auto fresh = gui::Session::open(kLab);
    fresh->run_to(at_s(5));
    QVERIFY(log_positions(*session) == log_positions(*fresh));
  }

  void a_fault_by_hand_saves_as_a_scenario_that_replays_to_the_same_hash() {
    auto session = gui::Session::open(kLab);
    session->run_to(at_s(4.5));
    QCOMPARE(QString::fromStdString(session->inject(gui::hand_fault::on_node(core::FaultType::crash, "broker:2"))), QString());
    // Nothing else was due: the fault joined the running play a nanosecond after now, no replay.
    QVERIFY(!session->last_fault_replayed());
    QCOMPARE(session->now(), at_s(4.5) + sim::Duration::from_ns(1));
    QVERIFY(!session->cluster().brokers.at(1).running);
    QTemporaryDir dir;
    const std::string saved = dir.filePath("session.json").toStdString();
    QCOMPARE(QString::fromStdString(session->save_as(saved)), QString());
    const std::vector<core::RunResult> replay = core::run_scenario_file(saved, std::nullopt, core::RunOptions{});
    QCOMPARE(replay.front().trace_hash, session->result_at_end().trace_hash);
    // At the run's end nothing can come after: that fault is replayed from the start instead,
    // and the file still replays to the session's hash.
    session->run_to(session->end());
    QCOMPARE(QString::fromStdString(session->inject(gui::hand_fault::on_node(core::FaultType::restart, "broker:2"))), QString());
    QVERIFY(session->last_fault_replayed());
    QCOMPARE(session->now(), session->end());
    QCOMPARE(QString::fromStdString(session->save_as(saved)), QString());
    QCOMPARE(core::run_scenario_file(saved, std::nullopt, core::RunOptions{}).front().trace_hash, session->result_at_end().trace_hash);
    // And the fault changed the run: the original file gives another hash.
    const std::vector<core::RunResult> original = core::run_scenario_file(kLab, std::nullopt, core::RunOptions{});
    QVERIFY(original.front().trace_hash != replay.front().trace_hash);
  }

  void the_window_draws_a_crashed_broker_as_down() {
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab)), QString());
    window.run_to(at_s(12));
    window.show();
    QCoreApplication::processEvents();
    const QImage whole = window.grab().toImage();
    QVERIFY(whole.width() >= 1280 && whole.height() >= 800);
    QVERIFY(distinct_colours(whole) > 12);  // not blank
    gui::ClusterWidget* cluster = window.cluster_widget();
    const QImage drawing = cluster->grab().toImage();
    const auto fill_of = [&](core::BrokerId id) {
      const QRect r = cluster->broker_rect(id);
      return QColor(drawing.pixel(r.left() + 10, r.center().y()));  // inside the box, off the text and the cross
    };
    const gui::Palette palette = gui::Palette::light(false);
    QCOMPARE(fill_of(1), palette.down);
    QCOMPARE(fill_of(2), palette.up);
    // The partitions table lists the lab's partition with its new leader.
    QTableWidget* table = window.partitions_table();
    QVERIFY(table->rowCount() >= 1);
    QCOMPARE(table->item(0, 0)->text(), QString("orders-0"));
    // Broker 1 leads it and is down, but the controller fences it only at 17.25 s: said in words.
    QVERIFY2(table->item(0, 8)->text().startsWith("LEADER DOWN"), qPrintable(table->item(0, 8)->text()));
  }

  void the_cluster_view_draws_each_controller_and_the_active_one() {
    // controller-failover-fencing: controller:1 loses power at 14 s, controller:2 is active from
    // about 16.8 s, controller:3 stands by.
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/controller-failover-fencing.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab)), QString());
    window.run_to(at_s(20));
    const core::ClusterView view = window.session()->cluster();
    QCOMPARE(view.controllers.size(), std::size_t{3});
    QVERIFY(!view.controllers[0].running);
    QVERIFY(view.controllers[1].active);
    QCOMPARE(QString::fromStdString(view.controllers[1].role), QString("Leader"));
    QCOMPARE(QString::fromStdString(view.controllers[2].role), QString("Follower"));
    QVERIFY(view.controllers[1].log_end > 0);
    QVERIFY(view.controllers[2].high_watermark > 0);
    window.show();
    QCoreApplication::processEvents();
    gui::ClusterWidget* cluster = window.cluster_widget();
    const QImage drawing = cluster->grab().toImage();
    const auto fill_of = [&](std::size_t index) {
      const QRect r = cluster->controller_rect(index);
      return QColor(drawing.pixel(r.left() + 8, r.center().y()));  // inside the box, off the text and the cross
    };
    const gui::Palette palette = gui::Palette::light(false);
    QCOMPARE(fill_of(0), palette.down);
    QCOMPARE(fill_of(1), palette.controller);
    QCOMPARE(fill_of(2), palette.panel);
    QCOMPARE(cluster->active_controller_rect(), cluster->controller_rect(1));
    // The boxes sit side by side, above the brokers.
    QVERIFY(cluster->controller_rect(0).right() < cluster->controller_rect(1).left());
    QVERIFY(cluster->controller_rect(2).bottom() < cluster->broker_rect(1).top());
  }

  void the_partitions_table_shows_eligible_leader_replicas() {
    // unclean-shutdown-rejoin: at 21 s the ISR has shrunk to the leader below min.insync.replicas,
    // and the followers that left it are eligible leader replicas.
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/unclean-shutdown-rejoin.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab)), QString());
    window.run_to(at_s(21));
    QTableWidget* table = window.partitions_table();
    QCOMPARE(table->horizontalHeaderItem(5)->text(), QString("ELR"));
    QCOMPARE(table->item(0, 4)->text(), QString("1"));
    QCOMPARE(table->item(0, 5)->text(), QString("2,3"));
  }

  void the_inspector_draws_truncated_records_as_lost() {
    // The zombie-leader lab: broker 1, cut off and deposed at 10 s, keeps accepting writes; when
    // the cut heals at 25 s it truncates them. At 30 s they are gone from its log.
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/zombie-leader.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab)), QString());
    window.run_to(at_s(30));
    const std::vector<gui::Truncation>& cut = window.session()->truncations();
    QVERIFY(!cut.empty());
    QCOMPARE(cut.front().broker, core::BrokerId{1});
    QVERIFY(cut.front().to > cut.front().from);
    QVERIFY(window.show_view("inspector"));
    window.show();
    QCoreApplication::processEvents();
    gui::PartitionInspector* inspector = window.inspector();
    const QImage drawing = inspector->grab().toImage();
    const gui::Palette palette = gui::Palette::light(false);
    // Broker 1 is the first replica of orders-0: its lost band is red over the truncated offsets,
    // and broker 2's (which lost nothing) is not.
    const auto red_in = [&](const QRect& band, core::Offset from, core::Offset to) {
      int red = 0;
      for (int x = inspector->x_of(from) + 2; x < inspector->x_of(to) - 2; x += 3) {
        for (int y = band.top() + 1; y < band.bottom(); ++y) red += QColor(drawing.pixel(x, y)) == palette.lost ? 1 : 0;
      }
      return red;
    };
    QVERIFY(red_in(inspector->lost_band(0), cut.front().from, cut.front().to) > 20);
    QCOMPARE(red_in(inspector->lost_band(1), cut.front().from, cut.front().to), 0);
  }

  void the_rebalance_timeline_shows_eager_stopping_everything_and_cooperative_only_the_moves() {
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/rebalance-eager-vs-cooperative.json";
    // Partitions that went without an owner at some point after they were first assigned.
    const auto paused = [&](const gui::Session& s) {
      std::map<std::string, std::vector<const gui::Ownership*>> by_partition;
      for (const gui::Ownership& o : s.ownership()) by_partition[o.tp.str()].push_back(&o);
      int count = 0;
      for (const auto& [partition, held] : by_partition) {
        sim::Time covered = held.front()->from;
        bool gap = false;
        for (const gui::Ownership* o : held) {
          gap = gap || o->from > covered;
          covered = std::max(covered, std::min(o->to, s.now()));
        }
        count += gap ? 1 : 0;
      }
      return std::make_pair(count, static_cast<int>(by_partition.size()));
    };
    auto eager = gui::Session::open(lab);
    eager->run_to(at_s(25));
    const auto [eager_paused, partitions] = paused(*eager);
    QCOMPARE(eager_paused, partitions);  // everything stopped
    auto cooperative = gui::Session::open(lab, "cooperative-sticky");
    cooperative->run_to(at_s(25));
    const auto [cooperative_paused, same] = paused(*cooperative);
    QCOMPARE(same, partitions);
    QVERIFY(cooperative_paused > 0);           // the moved partitions did pause...
    QVERIFY(cooperative_paused < partitions);  // ...and only they
  }

  void a_rewind_goes_on_from_a_checkpoint_to_the_same_state() {
    auto session = gui::Session::open(kLab);  // 30 s: checkpoints every 2.5 s
    QCOMPARE(session->checkpoint_interval(), sim::Duration(sim::milliseconds(2500)));
    session->run_to(at_s(25));
    session->wait_for_checkpoints();
    const std::vector<sim::Time> parked = session->checkpoints();
    // The three just behind now, and a half and a quarter of the way back (k = 10, 9, 8, 5, 2).
    QVERIFY((parked == std::vector<sim::Time>{at_s(5), at_s(12.5), at_s(20), at_s(22.5), at_s(25)}));
    session->run_to(at_s(21));
    QCOMPARE(session->last_rewind_from(), at_s(20));
    auto fresh = gui::Session::open(kLab);
    fresh->run_to(at_s(21));
    QVERIFY(log_positions(*session) == log_positions(*fresh));
    QCOMPARE(session->series().points.size(), fresh->series().points.size());
    QCOMPARE(session->series().points.back().acked, fresh->series().points.back().acked);
    QCOMPARE(session->ownership().size(), fresh->ownership().size());
    QCOMPARE(session->result_at_end().trace_hash, fresh->result_at_end().trace_hash);
    // Further back, the quarter-way checkpoint; before it, a re-run from the start.
    session->run_to(at_s(6));
    QCOMPARE(session->last_rewind_from(), at_s(5));
    session->run_to(at_s(3));
    QCOMPARE(session->last_rewind_from(), sim::Time::zero());
    // A hand-made fault changes the scenario: the old checkpoints go.
    QCOMPARE(QString::fromStdString(session->inject(gui::hand_fault::on_node(core::FaultType::crash, "broker:3"))), QString());
    QVERIFY(session->checkpoints().empty() || session->checkpoints().front() <= at_s(3));
  }

  void a_long_jump_runs_a_frame_at_a_time_to_the_same_state() {
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab)), QString());
    window.seek(at_s(25));  // what Run to... and a click in the event log do
    while (window.seeking()) {
      QVERIFY(window.session()->now() < at_s(25));  // still on its way
      window.tick();
    }
    QCOMPARE(window.session()->now(), at_s(25));
    auto fresh = gui::Session::open(kLab);
    fresh->run_to(at_s(25));
    QVERIFY(log_positions(*window.session()) == log_positions(*fresh));
    // Backward: from a checkpoint or the start, then the same way forward.
    window.seek(at_s(3));
    while (window.seeking()) window.tick();
    QCOMPARE(window.session()->now(), at_s(3));
    // The next interesting event, found over as many frames as it takes: the one the session finds.
    auto twin = gui::Session::open(kLab);
    twin->run_to(at_s(3));
    QVERIFY(twin->step_to_interesting());
    window.step_to_interesting();
    while (window.seeking()) window.tick();
    QCOMPARE(window.session()->now(), twin->now());
    QCOMPARE(window.session()->timeline_size(), twin->timeline_size());
    // A fault by hand at the very end cannot come a nanosecond later: it is stamped at the end and
    // replayed from the start, a frame's budget at a time; the saved file gives the same run.
    window.run_to(window.session()->end());
    QCOMPARE(window.broker_fault(2, core::FaultType::crash), QString());
    QVERIFY(window.session()->last_fault_replayed());
    while (window.seeking()) window.tick();
    QCOMPARE(window.session()->now(), window.session()->end());
    QVERIFY(!window.session()->cluster().brokers.at(1).running);
    QTemporaryDir dir;
    const std::string saved = dir.filePath("end.json").toStdString();
    QCOMPARE(QString::fromStdString(window.session()->save_as(saved)), QString());
    QCOMPARE(core::run_scenario_file(saved, std::nullopt, core::RunOptions{}).front().trace_hash, window.session()->result_at_end().trace_hash);
    // Another action ends a jump where it got to.
    window.seek(at_s(29));
    window.step();
    QVERIFY(!window.seeking());
  }

  void every_kind_of_hand_fault_replays_from_its_saved_file() {
    // The actions the context menus and the Faults menu call, on a variant: links, consumers, a
    // new member, configs. The saved file replays the variant to the live session's hash.
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/rebalance-eager-vs-cooperative.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab), "cooperative-sticky"), QString());
    gui::Session& session = *window.session();
    window.run_to(at_s(4));
    QCOMPARE(window.link_fault("broker:1", "broker:2", "cut"), QString());
    const auto link = [&](const std::string& a, const std::string& b) {
      for (const gui::LinkState& l : session.links()) {
        if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return std::optional<gui::LinkState>(l);
      }
      return std::optional<gui::LinkState>();
    };
    QVERIFY(link("broker:1", "broker:2") && link("broker:1", "broker:2")->a_to_b_cut && link("broker:1", "broker:2")->b_to_a_cut);
    window.run_to(at_s(5));
    QCOMPARE(window.link_fault("broker:1", "broker:2", "heal"), QString());
    QVERIFY(!link("broker:1", "broker:2"));
    QCOMPARE(window.link_fault("broker:3", "controller", "cut-one-way"), QString());
    // "controller" is the active one: a one-way cut from broker 3 to it.
    const std::string active = session.cluster().active_controller;
    QVERIFY(link(active, "broker:3")->b_to_a_cut && !link(active, "broker:3")->a_to_b_cut);
    QCOMPARE(window.link_fault("broker:2", "broker:3", "slow"), QString());
    QVERIFY(link("broker:2", "broker:3")->slow);
    window.run_to(at_s(6));
    QCOMPARE(window.consumer_fault("consumer:analytics/0", "crash"), QString());
    QCOMPARE(window.add_consumer("analytics"), QString());
    const std::vector<std::string> nodes = session.nodes();
    QVERIFY(std::find(nodes.begin(), nodes.end(), "consumer:analytics/2") != nodes.end());  // the newcomer
    window.run_to(at_s(7));
    QCOMPARE(window.set_config("topic:events", "min.insync.replicas", "3"), QString());
    QCOMPARE(window.set_config("topic:events", "unclean.leader.election.enable", "true"), QString());
    // A clean stop: the broker goes through its controlled shutdown and exits once every active
    // broker has the change, so only after the controller fenced broker 3 (its heartbeats are cut).
    QCOMPARE(window.broker_fault(1, core::FaultType::stop), QString());
    window.run_to(at_s(16));
    QVERIFY(!session.cluster().brokers.at(0).running);
    QCOMPARE(session.injected().size(), std::size_t{9});
    QTemporaryDir dir;
    const std::string saved = dir.filePath("session.json").toStdString();
    QCOMPARE(QString::fromStdString(session.save_as(saved)), QString());
    const std::vector<core::RunResult> replay = core::run_scenario_file(saved, "cooperative-sticky", core::RunOptions{});
    QCOMPARE(replay.front().variant, std::string("cooperative-sticky"));
    QCOMPARE(replay.front().trace_hash, session.result_at_end().trace_hash);
  }

  void a_refused_hand_fault_changes_nothing() {
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab)), QString());
    window.run_to(at_s(2));
    const std::string before = window.session()->text();
    // The lab's topic has three replicas: four in sync can never be met, and the loader says so.
    const QString error = window.set_config("topic:orders", "min.insync.replicas", "4");
    QVERIFY2(error.contains("replication factor"), qPrintable(error));
    QVERIFY(window.session()->injected().empty());
    QCOMPARE(window.session()->text(), before);
    QCOMPARE(window.session()->now(), at_s(2));
    QVERIFY(!window.link_fault("broker:1", "broker:9", "cut").isEmpty());
  }

  void the_charts_and_figures_follow_the_run() {
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab)), QString());
    window.run_to(at_s(20));
    QVERIFY(window.show_view("charts"));
    window.refresh();
    // The lab crashes the partition's leader at 10 s: the offline line rises after it, and not before.
    const QLineSeries* offline = window.charts()->line("offline");
    QVERIFY(offline != nullptr && offline->count() > 150);
    double before = 0, after = 0;
    for (const QPointF& p : offline->points()) (p.x() < 10 ? before : after) = std::max(p.x() < 10 ? before : after, p.y());
    QCOMPARE(before, 0.0);
    QCOMPARE(after, 1.0);
    QVERIFY(window.charts()->line("lag: billing") != nullptr);
    QVERIFY(window.charts()->line("p99 ms")->count() > 0);
    // Rewinding takes the series back with it.
    window.run_to(at_s(8));
    QVERIFY(window.session()->series().points.back().at <= at_s(8));
    const QList<QPointF> rewound = offline->points();
    QVERIFY(!rewound.isEmpty());
    QVERIFY(std::all_of(rewound.begin(), rewound.end(), [](const QPointF& p) { return p.y() == 0; }));

    // The figures pane shows the checkers' figures of the moment and the expectations against them.
    window.run_to(at_s(20));
    QVERIFY(window.show_view("figures"));
    window.refresh();                      // asks the background thread for 20 s
    window.session()->wait_for_figures();  // which computes them on its own run of the lab
    window.refresh();                      // and the pane shows them
    const core::Figures figures = window.session()->figures();  // the same, on the UI thread
    QTableWidget* table = window.figures()->table();
    QCOMPARE(table->rowCount(), static_cast<int>(figures.size()));
    bool found = false;
    for (int r = 0; r < table->rowCount(); ++r) {
      if (table->item(r, 0)->text() != "acked_lost") continue;
      found = true;
      QCOMPARE(table->item(r, 1)->text().toDouble(), figures.at("acked_lost"));
    }
    QVERIFY(found);
    QVERIFY(figures.at("acked_lost") > 0);  // acks=1 lost what only the crashed leader had
    QCOMPARE(window.figures()->expectations()->count(), static_cast<int>(window.session()->scenario().expect.size()));
  }

  void the_sequence_diagram_shows_when_each_acks_setting_answers() {
    // Per Produce the leader received: how long until it sent the producer its ProduceResponse.
    // acks=1 answers in the instant the write is in the leader's log; acks=all only once the
    // followers' next Fetch has shown the write copied, so never in the same instant.
    const auto answer_delays = [](gui::Session& s) {
      s.run_to(at_s(5));
      std::vector<sim::Duration> delays;
      const std::vector<gui::Message> messages = s.messages(at_s(4.9), at_s(5));
      for (const gui::Message& produce : messages) {
        if (produce.label != "Produce" || produce.kind != gui::MessageKind::message) continue;
        for (const gui::Message& answer : messages) {
          if (answer.label == "ProduceResponse" && answer.from == produce.to && answer.to == produce.from && answer.sent >= produce.arrival) {
            delays.push_back(answer.sent - produce.arrival);
            break;
          }
        }
      }
      return delays;
    };
    auto acks1 = gui::Session::open(kLab);
    const std::vector<sim::Duration> one = answer_delays(*acks1);
    auto acks_all = gui::Session::open(kLab, "acks=all");
    const std::vector<sim::Duration> all = answer_delays(*acks_all);
    QVERIFY(one.size() >= 5 && all.size() >= 5);
    QVERIFY(std::all_of(one.begin(), one.end(), [](sim::Duration d) { return d == sim::Duration{}; }));
    QVERIFY(std::all_of(all.begin(), all.end(), [](sim::Duration d) { return d > sim::Duration{}; }));

    // The diagram draws them: lifelines for every node, the Produce round trips, and the filter.
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab), "acks=all"), QString());
    window.run_to(at_s(5));
    QVERIFY(window.show_view("sequence"));
    window.show();
    QCoreApplication::processEvents();
    window.refresh();
    gui::SequenceDiagram* diagram = window.sequence();
    QVERIFY(diagram->lifelines().front().rfind("controller:", 0) == 0);  // the controllers first
    QVERIFY(!diagram->shown().empty());
    diagram->set_filter("Produce");
    window.refresh();
    QVERIFY(!diagram->shown().empty());
    for (const gui::Message& m : diagram->shown()) QVERIFY(m.label == "Produce" || m.label == "ProduceResponse");
    QVERIFY(distinct_colours(diagram->grab().toImage()) > 4);
  }

  void the_sequence_diagram_shows_lost_transmissions_retransmissions_and_connection_ends() {
    // On the lossy link, a lost transmission is sent again by TCP, later, and arrives.
    const std::string lossy = std::string(KSIM_SOURCE_DIR) + "/scenarios/lossy-link-retries.json";
    auto s = gui::Session::open(lossy);
    s->run_to(at_s(8));
    const std::vector<gui::Message> messages = s->messages(at_s(7), at_s(8));
    const auto delayed = std::find_if(messages.begin(), messages.end(), [](const gui::Message& m) {
      return m.kind == gui::MessageKind::delayed && m.why == "loss";
    });
    QVERIFY(delayed != messages.end());
    QVERIFY(delayed->arrival > delayed->sent);  // the retransmission time
    QVERIFY(std::any_of(delayed, messages.end(), [&](const gui::Message& m) {
      return m.kind == gui::MessageKind::retransmission && m.from == delayed->from && m.label == delayed->label &&
             m.sent == delayed->arrival;
    }));
    // A crashed leader's host resets the producer's connection.
    auto crash = gui::Session::open(kLab);
    crash->run_to(at_s(10.1));
    const std::vector<gui::Message> around = crash->messages(at_s(9.99), at_s(10.1));
    QVERIFY(std::any_of(around.begin(), around.end(), [](const gui::Message& m) {
      return m.kind == gui::MessageKind::ended && m.label == "ended" && m.why == "reset" &&
             m.from.rfind("producer:", 0) == 0 && m.to == "broker:1";
    }));

    // The diagram draws them.
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lossy)), QString());
    window.run_to(at_s(8));
    QVERIFY(window.show_view("sequence"));
    window.show();
    QCoreApplication::processEvents();
    window.refresh();
    gui::SequenceDiagram* diagram = window.sequence();
    diagram->set_filter("producer:desk");
    window.refresh();
    QVERIFY(!diagram->shown().empty());
    QVERIFY(distinct_colours(diagram->grab().toImage()) > 2);
  }

  void a_new_cluster_from_the_dialog_runs_and_saves() {
    gui::NewClusterDialog dialog;
    // The form keeps what Kafka would refuse out of reach.
    dialog.field("brokers")->setValue(2);
    QCOMPARE(dialog.field("replication_factor")->value(), 2);
    QCOMPARE(dialog.field("min_insync_replicas")->value(), 2);
    dialog.field("brokers")->setValue(4);
    dialog.field("replication_factor")->setValue(3);
    dialog.field("partitions")->setValue(8);
    dialog.field("racks")->setValue(2);
    dialog.field("groups")->setValue(2);
    gui::MainWindow window;
    QCOMPARE(window.open_text(gui::new_cluster_scenario(dialog.cluster()), "new-cluster.json"), QString());
    window.run_to(at_s(10));
    const core::ClusterView view = window.session()->cluster();
    QCOMPARE(static_cast<int>(view.brokers.size()), 4);
    int partitions = 0;
    for (const core::PartitionView& p : view.partitions) {
      if (p.tp.topic != core::kOffsetsTopic) {
        ++partitions;
        QCOMPARE(static_cast<int>(p.isr.size()), 3);
      }
    }
    QCOMPARE(partitions, 8);
    QCOMPARE(static_cast<int>(window.session()->groups().size()), 2);
    QVERIFY(window.session()->series().points.back().processed > 0);
    QCOMPARE(window.broker_fault(4, core::FaultType::crash), QString());
    QTemporaryDir dir;
    const std::string saved = dir.filePath("demo.json").toStdString();
    QCOMPARE(QString::fromStdString(window.session()->save_as(saved)), QString());
    QCOMPARE(core::run_scenario_file(saved, std::nullopt, core::RunOptions{}).front().trace_hash, window.session()->result_at_end().trace_hash);
  }

  void the_lab_picker_lists_every_lab_with_its_variants() {
    const std::vector<core::LabEntry> labs = core::list_labs(std::string(KSIM_SOURCE_DIR) + "/scenarios");
    QVERIFY(labs.size() >= 25);
    gui::LabPicker picker(labs);
    QCOMPARE(picker.list()->count(), static_cast<int>(labs.size()));
    int acks = -1;
    for (std::size_t i = 0; i < labs.size(); ++i) {
      QVERIFY2(labs[i].error.empty(), labs[i].error.c_str());
      QVERIFY(!labs[i].summary.empty());
      if (labs[i].file.filename() == "acks-leader-crash.json") acks = static_cast<int>(i);
    }
    QVERIFY(acks >= 0);
    picker.list()->setCurrentRow(acks);
    QVERIFY(picker.list()->item(acks)->text().contains(QString::fromStdString(labs[static_cast<std::size_t>(acks)].summary)));
    QCOMPARE(picker.variants()->count(), 3);  // the base, acks=all, acks=0
    QVERIFY(!picker.variant());
    picker.variants()->setCurrentIndex(1);
    QCOMPARE(picker.variant().value_or(""), std::string("acks=all"));
    QCOMPARE(picker.file(), kLab);
  }

  void switching_variants_keeps_the_moment_and_the_hand_made_faults() {
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(kLab)), QString());
    window.run_to(at_s(6));
    QCOMPARE(window.broker_fault(3, core::FaultType::pause), QString());
    QCOMPARE(window.choose_variant("acks=all"), QString());
    while (window.seeking()) window.tick();  // the replay runs a frame's budget at a time
    gui::Session& session = *window.session();
    QCOMPARE(session.now(), at_s(6) + sim::Duration::from_ns(1));  // where the fault left it
    QCOMPARE(session.variant().value_or(""), std::string("acks=all"));
    QCOMPARE(session.injected().size(), std::size_t{1});
    QVERIFY(session.cluster().brokers.at(2).paused);
    QTemporaryDir dir;
    const std::string saved = dir.filePath("variant.json").toStdString();
    QCOMPARE(QString::fromStdString(session.save_as(saved)), QString());
    QCOMPARE(core::run_scenario_file(saved, "acks=all", core::RunOptions{}).front().trace_hash, session.result_at_end().trace_hash);
    QVERIFY(!window.choose_variant("acks=2").isEmpty());  // no such variant: refused, nothing changes
    QCOMPARE(session.variant().value_or(""), std::string("acks=all"));
  }

  void the_groups_table_and_the_timeline_give_a_member_one_colour() {
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/rebalance-eager-vs-cooperative.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab)), QString());
    window.run_to(at_s(20));
    QVERIFY(window.show_view("groups"));
    window.refresh();
    QTableWidget* table = window.groups_table();
    gui::RebalanceTimeline* timeline = show_timeline(window);
    QVERIFY(timeline != nullptr);
    const QImage drawing = timeline->grab().toImage();
    QSet<QRgb> colours;
    for (int r = 0; r < table->rowCount(); ++r) {
      const QString partition = table->item(r, 3)->text();
      const QColor in_table = table->item(r, 6)->background().color();
      QVERIFY2(table->item(r, 6)->text().contains("consumer:analytics/"), qPrintable(table->item(r, 6)->text()));
      const QRect strip = timeline->strip_rect("analytics", partition.toStdString());
      QVERIFY(!strip.isEmpty());
      QCOMPARE(QColor(drawing.pixel(timeline->x_of(at_s(20)) - 3, strip.center().y())), in_table);
      colours.insert(in_table.rgb());
    }
    QCOMPARE(colours.size(), 3);  // three members, three colours
    QVERIFY(table->item(0, 7)->text().contains("consumer:analytics/"));  // the group leader, by name
  }

  void a_consumer_protocol_group_shows_epochs_targets_and_no_leader() {
    const std::string lab = std::string(KSIM_SOURCE_DIR) + "/scenarios/rebalance-eager-vs-cooperative.json";
    gui::MainWindow window;
    QCOMPARE(window.open_file(QString::fromStdString(lab), "consumer-protocol"), QString());
    // The first member released its partition at once, the second only at its heartbeat at about
    // 17 s; the newcomer took the first and waits for its own next heartbeat to take the second.
    window.run_to(at_s(17.5));
    QVERIFY(window.show_view("groups"));
    window.refresh();
    QTableWidget* table = window.groups_table();
    int moving = 0;
    for (int r = 0; r < table->rowCount(); ++r) {
      QCOMPARE(table->item(r, 1)->text(), QString("Reconciling"));
      QCOMPARE(table->item(r, 2)->text(), QString("epoch 3 (target 3)"));
      QVERIFY(table->item(r, 7)->text().startsWith("none: the coordinator assigns (uniform)"));
      const QString member = table->item(r, 6)->text();
      if (member.startsWith("nobody")) {
        QVERIFY2(member.contains("-> analytics/2-1 at its next heartbeat"), qPrintable(member));
        ++moving;
      } else {
        QVERIFY2(member.contains("epoch 3 STABLE") || (member.startsWith("analytics/2-1") && member.contains("epoch 3 UNRELEASED_PARTITIONS")),
                 qPrintable(member));
      }
    }
    QCOMPARE(moving, 1);
    // The timeline marks each group epoch: two at the start (a join each), the third at 12 s.
    const std::vector<gui::GroupEpochMark>& epochs = window.session()->group_epochs();
    QCOMPARE(epochs.size(), std::size_t{3});
    QVERIFY(epochs.back().consumer_protocol);
    QCOMPARE(epochs.back().epoch, 3);
    QVERIFY(epochs.back().at >= at_s(12));
    gui::RebalanceTimeline* timeline = show_timeline(window);
    QVERIFY(timeline != nullptr);
    const QImage drawing = timeline->grab().toImage();
    const QRect strip = timeline->strip_rect("analytics", "events-1");  // kept by its owner throughout
    const int x = timeline->x_of(epochs.back().at);
    // The dashed line crosses the strip; a little later the strip is its member's colour alone.
    int marked = 0;
    for (int y = strip.top(); y <= strip.bottom(); ++y) {
      QCOMPARE(QColor(drawing.pixel(x + 20, y)), QColor(drawing.pixel(x + 20, strip.center().y())));
      if (QColor(drawing.pixel(x, y)) != QColor(drawing.pixel(x + 20, y))) ++marked;
    }
    QVERIFY(marked > strip.height() / 3);
  }

  void bad_input_is_reported_not_fatal() {
    gui::MainWindow window;
    const QString error = window.open_file("/nonexistent/lab.json");
    QVERIFY(!error.isEmpty());
    QVERIFY(window.session() == nullptr);
  }
};

QTEST_MAIN(GuiTest)
#include "gui_test.moc"
