#include "gui/cluster_widget.hpp"

#include <QContextMenuEvent>
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

void ClusterWidget::set_palette(const Palette& palette) { palette_ = palette; }

QRect ClusterWidget::controller_rect() const {
  const int w = std::min(180, width() / 4);
  return {width() / 2 - w / 2, 12, w, 48};
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
  const int top = 90;
  const int cell_h = std::max(60, (height() - top - 10) / rows);
  const int w = std::min(cell_w - 16, 160);
  const int h = std::min(cell_h - 12, 96);
  return {column * cell_w + (cell_w - w) / 2, top + row * cell_h, w, h};
}

QRect ClusterWidget::node_rect(const std::string& name) const {
  if (name.rfind("controller", 0) == 0) return controller_rect();  // the quorum is drawn as one box
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
      // The curve's lowest point is half the control point's offset: keep it inside the widget.
      const double room = std::max(8.0, static_cast<double>(height() - std::max(a.bottom(), b.bottom()) - 14));
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

  // The controller.
  const QRect c = controller_rect();
  painter.setPen(QPen(palette_.text, 2));
  painter.setBrush(view_.controller_running ? palette_.controller : palette_.down);
  painter.drawRoundedRect(c, 8, 8);
  painter.setFont(palette_.font(0, true));
  painter.setPen(kOnFill);
  painter.drawText(c, Qt::AlignCenter, view_.controller_running ? "controller" : "controller (down)");

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

void ClusterWidget::contextMenuEvent(QContextMenuEvent* event) {
  for (const core::BrokerView& b : view_.brokers) {
    if (broker_rect(b.id).contains(event->pos())) {
      Q_EMIT broker_menu_requested(b.id, event->globalPos());
      return;
    }
  }
}

}  // namespace ksim::gui
