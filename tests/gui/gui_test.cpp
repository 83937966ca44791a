// ksim-gui's tests (QTest, offscreen): the session's transport (step, next interesting event,
// rewind by re-execution), faults by hand and the save-as-scenario round trip, and what the
// window draws.
#include <QImage>
#include <QSet>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

#include "core/scenario/runner.hpp"
#include "gui/cluster_widget.hpp"
#include "gui/main_window.hpp"
#include "gui/partition_inspector.hpp"
#include "gui/session.hpp"

using namespace ksim;

namespace {

const std::string kLab = std::string(KSIM_SOURCE_DIR) + "/scenarios/acks-leader-crash.json";

sim::Time at_s(double s) { return sim::Time::zero() + sim::Duration::from_ns(static_cast<std::int64_t>(s * 1e9)); }

// The logs as the partitions view shows them: per partition, per replica, end and high watermark.
std::vector<std::int64_t> log_positions(const gui::Session& s) {
  std::vector<std::int64_t> out;
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
    core::FaultSpec crash;
    crash.action = "crash";
    crash.target = "broker:2";
    session->inject(crash);
    QCOMPARE(session->now(), at_s(4.5));
    QVERIFY(!session->cluster().brokers.at(1).running);
    QTemporaryDir dir;
    const std::string saved = dir.filePath("session.json").toStdString();
    QCOMPARE(QString::fromStdString(session->save_as(saved)), QString());
    const std::vector<core::RunResult> replay = core::run_scenario_file(saved, std::nullopt, core::RunOptions{});
    QCOMPARE(replay.front().trace_hash, session->result_at_end().trace_hash);
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
      for (const gui::Ownership& o : s.ownership()) by_partition[o.partition].push_back(&o);
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

  void bad_input_is_reported_not_fatal() {
    gui::MainWindow window;
    const QString error = window.open_file("/nonexistent/lab.json");
    QVERIFY(!error.isEmpty());
    QVERIFY(window.session() == nullptr);
  }
};

QTEST_MAIN(GuiTest)
#include "gui_test.moc"
