#include "gui/cluster_widget.hpp"

#include <QContextMenuEvent>
#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>
#include <cmath>

#include "core/group/offsets_records.hpp"

namespace ksim::gui {
namespace {

// Text on the boxes' fills: every fill of the palette is light, in both themes.
const QColor kOnFill(0x1A, 0x1A, 0x1A);

}  // namespace

ClusterWidget::ClusterWidget(QWidget* parent) : QWidget(parent) {
  setMinimumSize(400, 200);
  setObjectName("cluster");
}

void ClusterWidget::set_snapshot(core::ClusterView view, std::vector<LinkState> links) {
  view_ = std::move(view);
  links_ = std::move(links);
}

void ClusterWidget::set_palette(const Palette& palette) {
  palette_ = palette;
  // Room for the controllers on two detail lines and a broker's three lines of text.
  const int controllers = QFontMetrics(palette_.font(0, true)).height() + 2 * QFontMetrics(palette_.font(-1)).height() + 12;
  const int broker = QFontMetrics(palette_.font(1, true)).height() + 2 * QFontMetrics(palette_.font(-1)).height() + 16;
  setMinimumHeight(10 + controllers + 28 + broker + 12);
}

namespace {

QString controller_title(const core::ControllerView& c) {
  return QString::fromStdString(c.name) + (c.active ? " · active" : "");
}

// The Raft state, epoch, log end and high watermark: one line, or two where the box is narrow.
QString controller_detail(const core::ControllerView& c, bool one_line) {
  if (!c.running) return QString("down%1log end %2").arg(one_line ? " · " : "\n").arg(c.log_end.value());
  return QString("%1 · epoch %2%3log end %4 · HW %5")
      .arg(QString::fromStdString(c.role))
      .arg(c.epoch.value())
      .arg(one_line ? " · " : "\n")
      .arg(c.log_end.value())
      .arg(c.high_watermark >= 0 ? QString::number(c.high_watermark.value()) : QString("?"));
}

}  // namespace

int ClusterWidget::controller_width() const {
  const std::size_t n = std::max<std::size_t>(1, view_.controllers.size());
  return std::max(60, width() / static_cast<int>(n) - 16);
}

bool ClusterWidget::controllers_on_one_line() const {
  const QFontMetrics detail(palette_.font(-1));
  for (const core::ControllerView& c : view_.controllers) {
    if (detail.horizontalAdvance(controller_detail(c, true)) + 12 > controller_width()) return false;
  }
  return true;
}

// The name, then the detail on one line or two.
int ClusterWidget::controller_height() const {
  const int lines = controllers_on_one_line() ? 1 : 2;
  return QFontMetrics(palette_.font(0, true)).height() + lines * QFontMetrics(palette_.font(-1)).height() + 12;
}

int ClusterWidget::brokers_top() const { return 10 + controller_height() + 28; }

QRect ClusterWidget::controller_rect(std::size_t index) const {
  const std::size_t n = view_.controllers.size();
  if (index >= n) return {};
  // As wide as the longest line needs, within its share of the width.
  const QFontMetrics title(palette_.font(0, true));
  const QFontMetrics detail(palette_.font(-1));
  const bool one_line = controllers_on_one_line();
  int needed = 150;
  for (const core::ControllerView& c : view_.controllers) {
    needed = std::max(needed, title.horizontalAdvance(controller_title(c)) + 16);
    for (const QString& line : controller_detail(c, one_line).split('\n')) needed = std::max(needed, detail.horizontalAdvance(line) + 16);
  }
  const int cell_w = width() / static_cast<int>(n);
  const int w = std::min(controller_width(), needed);
  return {static_cast<int>(index) * cell_w + (cell_w - w) / 2, 10, w, controller_height()};
}

QRect ClusterWidget::active_controller_rect() const {
  for (std::size_t i = 0; i < view_.controllers.size(); ++i) {
    if (view_.controllers[i].active) return controller_rect(i);
  }
  return {};
}

QRect ClusterWidget::broker_rect(core::BrokerId id) const {
  const int n = static_cast<int>(view_.brokers.size());
  if (id < 1 || id > n) return {};
  // One row while they fit, then as many rows as needed.
  const int per_row = std::max(1, std::min(n, width() / 110));
  const int rows = (n + per_row - 1) / per_row;
  const int index = id.value() - 1;
  const int row = index / per_row;
  const int column = index % per_row;
  const int cell_w = width() / per_row;
  const int top = brokers_top();
  const int cell_h = std::max(60, (height() - top - 10) / rows);
  const int w = std::min(cell_w - 16, 160);
  const int h = std::min(cell_h - 12, 96);
  return {column * cell_w + (cell_w - w) / 2, top + row * cell_h, w, h};
}

QRect ClusterWidget::node_rect(const std::string& name) const {
  if (name == "controller") return active_controller_rect();
  for (std::size_t i = 0; i < view_.controllers.size(); ++i) {
    if (view_.controllers[i].name == name) return controller_rect(i);
  }
  if (name.rfind("broker:", 0) == 0) return broker_rect(std::stoi(name.substr(7)));
  return {};
}

void ClusterWidget::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), palette_.background);

  // Links first, under the boxes.
  for (const LinkState& l : links_) {
    const QRect a = node_rect(l.a);
    const QRect b = node_rect(l.b);
    if (a.isNull() || b.isNull()) continue;
    const QPointF from = a.center();
    const QPointF to = b.center();
    const bool cut = l.a_to_b_cut || l.b_to_a_cut;
    QPen pen(cut ? palette_.cut : palette_.slow, cut ? 4 : 3, cut ? Qt::SolidLine : Qt::DashLine);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    // Boxes on one row: the link bows below them rather than running through the boxes between.
    QPointF mid = (from + to) / 2;
    if (std::abs(from.y() - to.y()) < 1) {
      // The curve's lowest point is half the control point's offset: keep it inside the widget,
      // and for the controllers' row, in the gap above the brokers.
      const int floor = a.bottom() < brokers_top() ? brokers_top() - 6 : height() - 14;
      const double room = std::max(8.0, static_cast<double>(floor - std::max(a.bottom(), b.bottom())));
      const double bow = std::min(std::abs(to.x() - from.x()) * 0.35, 2 * (room + a.height() / 2.0));
      const QPointF control = mid + QPointF(0, bow);
      QPainterPath curve(from);
      curve.quadTo(control, to);
      painter.drawPath(curve);
      mid = 0.25 * from + 0.5 * control + 0.25 * to;
    } else {
      painter.drawLine(from, to);
    }
    if (cut) {
      // A cross at the middle; for a one-way cut, an arrow head shows the blocked direction.
      painter.drawLine(mid + QPointF(-9, -9), mid + QPointF(9, 9));
      painter.drawLine(mid + QPointF(-9, 9), mid + QPointF(9, -9));
      if (l.a_to_b_cut != l.b_to_a_cut) {
        const QPointF dir = l.a_to_b_cut ? to - from : from - to;
        const double len = std::hypot(dir.x(), dir.y());
        if (len > 0) {
          const QPointF u = dir / len;
          const QPointF tip = mid + u * 24;
          const QPointF side(-u.y(), u.x());
          QPainterPath head;
          head.moveTo(tip);
          head.lineTo(tip - u * 12 + side * 7);
          head.lineTo(tip - u * 12 - side * 7);
          head.closeSubpath();
          painter.fillPath(head, palette_.cut);
        }
      }
    }
  }

  paint_controllers(painter);

  // The brokers.
  std::map<core::BrokerId, int> leads;    // as the controller decided
  std::map<core::BrokerId, int> zombies;  // partitions a broker still leads in its own eyes only
  for (const core::PartitionView& p : view_.partitions) {
    if (p.tp.topic == core::kOffsetsTopic) continue;
    if (p.leader != core::kNoBroker) ++leads[p.leader];
    for (const core::ReplicaView& r : p.replica_logs) {
      if (r.acts_as_leader && !r.is_leader) ++zombies[r.broker];
    }
  }
  for (const core::BrokerView& b : view_.brokers) {
    const QRect r = broker_rect(b.id);
    QColor fill = palette_.up;
    QString state = "up";
    if (!b.running) {
      fill = palette_.down;
      state = "down";
    } else if (b.paused) {
      fill = palette_.paused;
      state = "paused";
    } else if (b.fenced) {
      fill = palette_.fenced;
      state = "fenced";
    }
    painter.setPen(QPen(palette_.text, b.running ? 2 : 3, b.running ? Qt::SolidLine : Qt::DashLine));
    painter.setBrush(fill);
    painter.drawRoundedRect(r, 8, 8);
    if (!b.running) {  // crossed out, so "down" never rests on colour alone
      painter.setPen(QPen(palette_.cut, 3));
      painter.drawLine(r.topLeft() + QPoint(6, 6), r.bottomRight() - QPoint(6, 6));
      painter.drawLine(r.topRight() + QPoint(-6, 6), r.bottomLeft() + QPoint(6, -6));
    }
    painter.setPen(kOnFill);
    painter.setFont(palette_.font(1, true));
    const QRect title = r.adjusted(6, 4, -6, -r.height() / 2);
    painter.drawText(title, Qt::AlignCenter, QString("broker %1").arg(b.id.value()));
    painter.setFont(palette_.font(-1));
    QString detail = state;
    if (!b.rack.empty()) detail += QString(" · rack %1").arg(QString::fromStdString(b.rack));
    detail += QString("\nleads %1").arg(leads[b.id]);
    painter.drawText(r.adjusted(6, r.height() / 2 - 6, -6, -4), Qt::AlignHCenter | Qt::AlignTop, detail);
    if (zombies[b.id] > 0) {  // the deposed leader that has not heard: the lesson of a zombie
      painter.setPen(palette_.cut);
      painter.setFont(palette_.font(-1, true));
      painter.drawText(QRect(r.left() - 20, r.bottom() + 2, r.width() + 40, 2 * palette_.font_points + 6), Qt::AlignHCenter | Qt::AlignTop,
                       QString("still acts as leader of %1").arg(zombies[b.id]));
    }
  }
}

void ClusterWidget::paint_controllers(QPainter& painter) const {
  const bool one_line = controllers_on_one_line();
  for (std::size_t i = 0; i < view_.controllers.size(); ++i) {
    const core::ControllerView& c = view_.controllers[i];
    const QRect r = controller_rect(i);
    // The active one: the controller fill and a thick outline. A standby: the panel's fill and
    // a thin one. Down: the broker's "down" fill, dashed and crossed out.
    painter.setPen(QPen(palette_.text, c.active ? 4 : (c.running ? 1.5 : 3), c.running ? Qt::SolidLine : Qt::DashLine));
    painter.setBrush(!c.running ? palette_.down : c.active ? palette_.controller : palette_.panel);
    painter.drawRoundedRect(r, 8, 8);
    if (!c.running) {
      painter.setPen(QPen(palette_.cut, 3));
      painter.drawLine(r.topLeft() + QPoint(6, 6), r.bottomRight() - QPoint(6, 6));
      painter.drawLine(r.topRight() + QPoint(-6, 6), r.bottomLeft() + QPoint(6, -6));
    }
    // A standby's panel fill follows the theme; the other fills are light in both.
    painter.setPen(c.running && !c.active ? palette_.text : kOnFill);
    const QFont title = palette_.font(0, true);
    const int title_h = QFontMetrics(title).height();
    painter.setFont(title);
    painter.drawText(QRect(r.left() + 6, r.top() + 5, r.width() - 12, title_h), Qt::AlignHCenter, controller_title(c));
    painter.setFont(palette_.font(-1));
    painter.drawText(r.adjusted(6, 5 + title_h, -6, -4), Qt::AlignHCenter | Qt::AlignTop, controller_detail(c, one_line));
  }
}

void ClusterWidget::contextMenuEvent(QContextMenuEvent* event) {
  for (const core::BrokerView& b : view_.brokers) {
    if (broker_rect(b.id).contains(event->pos())) {
      Q_EMIT broker_menu_requested(b.id, event->globalPos());
      return;
    }
  }
}

}  // namespace ksim::gui
