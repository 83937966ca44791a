#include "gui/charts_view.hpp"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "gui/rebalance_timeline.hpp"

namespace ksim::gui {

// A chart view that draws the faults (dashed) and the current moment (solid) over its plot.
class MarkedChartView final : public QChartView {
 public:
  using QChartView::QChartView;
  void set_marks(std::vector<std::pair<double, QString>> faults, double now, const Palette& palette) {
    faults_ = std::move(faults);
    now_ = now;
    palette_ = palette;
  }

 protected:
  void drawForeground(QPainter* painter, const QRectF& rect) override {
    QChartView::drawForeground(painter, rect);
    const QRectF area = chart()->plotArea();
    const auto x_of = [&](double seconds) {
      return chart()->mapToPosition(QPointF(seconds, 0), chart()->series().isEmpty() ? nullptr : chart()->series().front()).x();
    };
    if (chart()->series().isEmpty()) return;
    painter->save();
    painter->setFont(palette_.font(-2));
    for (const auto& [at, what] : faults_) {
      const double x = x_of(at);
      if (x < area.left() || x > area.right()) continue;
      painter->setPen(QPen(palette_.cut, 1.5, Qt::DashLine));
      painter->drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
      // What the fault was, written up along its line.
      painter->save();
      painter->translate(x - 3, area.bottom() - 4);
      painter->rotate(-90);
      painter->setPen(palette_.muted);
      painter->drawText(QPointF(0, 0), what);
      painter->restore();
    }
    painter->setPen(QPen(palette_.text, 1.5));
    const double x = x_of(now_);
    if (x >= area.left() && x <= area.right()) painter->drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    painter->restore();
  }

 private:
  std::vector<std::pair<double, QString>> faults_;
  double now_ = 0;
  Palette palette_ = Palette::light(false);
};

namespace {

double seconds(sim::Time t) { return static_cast<double>(t.ns()) / 1e9; }

// A tick step of 1, 2 or 5 times a power of ten that gives at most about eight ticks.
double nice_step(double span) {
  double step = 1e-3;
  while (span / step > 8) {
    for (const double f : {2.0, 2.5, 2.0}) {
      step *= f;
      if (span / step <= 8) break;
    }
  }
  return step;
}

void set_axis(QValueAxis* axis, double top) {
  const double step = std::max(1.0, nice_step(top));
  axis->setTickType(QValueAxis::TicksDynamic);
  axis->setTickAnchor(0);
  axis->setTickInterval(step);
  axis->setRange(0, std::ceil(top / step) * step);
}

}  // namespace

ChartsView::ChartsView(QWidget* parent) : QWidget(parent) {
  setObjectName("charts");
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  lag_ = make_plot("Consumer lag (records)", "records");
  rates_ = make_plot("Records per second", "records/s");
  add_line(rates_, "produced/s", okabe_ito::blue);
  add_line(rates_, "consumed/s", okabe_ito::bluish_green);
  add_line(rates_, "failed/s", okabe_ito::vermillion);
  health_ = make_plot("Partitions in trouble", "partitions");
  add_line(health_, "under-replicated", okabe_ito::orange);
  add_line(health_, "under min ISR", okabe_ito::reddish_purple);
  add_line(health_, "offline", okabe_ito::vermillion);
  latency_ = make_plot("Produce latency (batch created → answered)", "ms");
  add_line(latency_, "p50 ms", okabe_ito::sky_blue);
  add_line(latency_, "p99 ms", okabe_ito::blue);
  grid->addWidget(lag_.view, 0, 0);
  grid->addWidget(rates_.view, 0, 1);
  grid->addWidget(health_.view, 1, 0);
  grid->addWidget(latency_.view, 1, 1);
}

ChartsView::Plot ChartsView::make_plot(const QString& title, const QString& unit) {
  Plot plot;
  plot.chart = new QChart();
  plot.chart->setTitle(title);
  plot.chart->legend()->setAlignment(Qt::AlignBottom);
  plot.chart->setMargins(QMargins(4, 4, 4, 4));
  plot.x = new QValueAxis(plot.chart);
  plot.x->setTitleText("simulated seconds");
  plot.x->setLabelFormat("%.0f");
  plot.y = new QValueAxis(plot.chart);
  plot.y->setTitleText(unit);
  plot.y->setLabelFormat("%.0f");
  plot.chart->addAxis(plot.x, Qt::AlignBottom);
  plot.chart->addAxis(plot.y, Qt::AlignLeft);
  plot.view = new MarkedChartView(plot.chart, this);
  plot.view->setRenderHint(QPainter::Antialiasing);
  return plot;
}

QLineSeries* ChartsView::add_line(Plot& plot, const QString& title, const QColor& colour) {
  auto* line = new QLineSeries(plot.chart);
  line->setName(title);
  line->setPen(QPen(colour, 2));
  plot.chart->addSeries(line);
  line->attachAxis(plot.x);
  line->attachAxis(plot.y);
  plot.lines.push_back(line);
  return line;
}

const QLineSeries* ChartsView::line(const QString& title) const {
  for (const Plot* plot : {&lag_, &rates_, &health_, &latency_}) {
    for (const QLineSeries* l : plot->lines) {
      if (l->name() == title) return l;
    }
  }
  return nullptr;
}

void ChartsView::set_lines(Plot& plot, const std::vector<QList<QPointF>>& points) {
  double top = 1;
  for (std::size_t i = 0; i < points.size() && i < plot.lines.size(); ++i) {
    plot.lines[i]->replace(points[i]);
    for (const QPointF& p : points[i]) top = std::max(top, p.y());
  }
  set_axis(plot.y, top * 1.05);
}

void ChartsView::set_palette(const Palette& palette) {
  palette_ = palette;
  for (Plot* plot : {&lag_, &rates_, &health_, &latency_}) {
    plot->chart->setBackgroundBrush(palette.panel);
    plot->chart->setTitleBrush(palette.text);
    plot->chart->setTitleFont(palette.font(0, true));
    plot->chart->legend()->setLabelColor(palette.text);
    plot->chart->legend()->setFont(palette.font(-1));
    for (QValueAxis* axis : {plot->x, plot->y}) {
      axis->setLabelsBrush(palette.text);
      axis->setTitleBrush(palette.muted);
      axis->setLabelsFont(palette.font(-1));
      axis->setGridLineColor(palette.grid);
    }
  }
  shown_points_ = SIZE_MAX;  // redraw with the new colours
}

void ChartsView::set_snapshot(const core::Series& series, const std::vector<std::pair<sim::Time, std::string>>& faults, sim::Time now,
                              sim::Time end) {
  std::vector<std::pair<double, QString>> marks;
  for (const auto& [at, what] : faults) marks.emplace_back(seconds(at), QString::fromStdString(what));
  for (Plot* plot : {&lag_, &rates_, &health_, &latency_}) {
    plot->view->set_marks(marks, seconds(now), palette_);
    set_axis(plot->x, seconds(end));
  }
  const bool same = series.points.size() == shown_points_ && series.groups.size() == shown_groups_ && now == shown_now_ &&
                    end == shown_end_ && marks == shown_marks_;
  if (same) return;
  shown_marks_ = marks;
  for (Plot* plot : {&lag_, &rates_, &health_, &latency_}) plot->view->viewport()->update();
  shown_now_ = now;
  shown_end_ = end;
  // One line per group on the lag chart, coloured as the groups' members are elsewhere.
  while (lag_.lines.size() < series.groups.size()) {
    add_line(lag_, "lag: " + QString::fromStdString(series.groups[lag_.lines.size()]), member_colour(lag_.lines.size()));
  }
  for (std::size_t g = 0; g < series.groups.size(); ++g) lag_.lines[g]->setName("lag: " + QString::fromStdString(series.groups[g]));
  shown_groups_ = series.groups.size();
  shown_points_ = series.points.size();

  std::vector<QList<QPointF>> lag(series.groups.size()), rates(3), health(3), latency(2);
  const core::SeriesPoint* previous = nullptr;
  for (const core::SeriesPoint& p : series.points) {
    if (p.at > now) break;
    const double x = seconds(p.at);
    for (std::size_t g = 0; g < p.lag.size() && g < lag.size(); ++g) lag[g].append({x, static_cast<double>(p.lag[g])});
    if (previous != nullptr) {
      const double dt = seconds(p.at) - seconds(previous->at);
      rates[0].append({x, static_cast<double>(p.acked - previous->acked) / dt});
      rates[1].append({x, static_cast<double>(p.processed - previous->processed) / dt});
      rates[2].append({x, static_cast<double>(p.failed - previous->failed) / dt});
    }
    health[0].append({x, static_cast<double>(p.under_replicated)});
    health[1].append({x, static_cast<double>(p.under_min_isr)});
    health[2].append({x, static_cast<double>(p.offline)});
    if (p.latency_p50_ms >= 0) {
      latency[0].append({x, p.latency_p50_ms});
      latency[1].append({x, p.latency_p99_ms});
    }
    previous = &p;
  }
  set_lines(lag_, lag);
  set_lines(rates_, rates);
  set_lines(health_, health);
  set_lines(latency_, latency);
}

}  // namespace ksim::gui
