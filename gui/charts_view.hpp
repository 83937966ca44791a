// The charts: four plots on the simulated time axis, from the series the run samples every
// 100 ms. Lag per group; produce and consume rates; under-replicated, under-min-ISR and offline
// partitions; produce latency p50 and p99. Every fault is a dashed line across all four, and the
// current moment a solid one, so "what happened after the crash" reads straight down the column.
#pragma once

#include <QWidget>
#include <QString>
#include <string>
#include <utility>
#include <vector>

#include "core/scenario/series.hpp"
#include "gui/palette.hpp"

class QChart;
class QLineSeries;
class QValueAxis;

namespace ksim::gui {

class MarkedChartView;

class ChartsView final : public QWidget {
  Q_OBJECT
 public:
  explicit ChartsView(QWidget* parent = nullptr);
  void set_palette(const Palette& palette);
  // Cheap when nothing changed (the same number of points and the same moment).
  // `faults`: when each fault fires and what it does ("crash broker:1").
  void set_snapshot(const core::Series& series, const std::vector<std::pair<sim::Time, std::string>>& faults, sim::Time now,
                    sim::Time end);
  // The plotted lines, by title ("lag: billing", "produced/s", "offline", "p99 ms", ...): for tests.
  const QLineSeries* line(const QString& title) const;

 private:
  struct Plot {
    MarkedChartView* view = nullptr;
    QChart* chart = nullptr;
    QValueAxis* x = nullptr;
    QValueAxis* y = nullptr;
    std::vector<QLineSeries*> lines;
  };
  Plot make_plot(const QString& title, const QString& unit);
  QLineSeries* add_line(Plot& plot, const QString& title, const QColor& colour);
  void set_lines(Plot& plot, const std::vector<QList<QPointF>>& points);

  Plot lag_, rates_, health_, latency_;
  Palette palette_ = Palette::light(false);
  std::size_t shown_points_ = 0;
  std::size_t shown_groups_ = 0;
  sim::Time shown_now_;
  sim::Time shown_end_;
  std::vector<std::pair<double, QString>> shown_marks_;
};

}  // namespace ksim::gui
