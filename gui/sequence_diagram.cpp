#include "gui/sequence_diagram.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace ksim::gui {
namespace {

constexpr int kHeader = 30;   // node names
constexpr int kTimes = 86;    // the left column: each row's time
constexpr int kMargin = 12;
constexpr int kRowHeight = 20;

// Requests and their responses share a colour by family, so a produce round trip reads as one.
QColor family_colour(const std::string& label, const Palette& palette) {
  const auto starts = [&](const char* prefix) { return label.rfind(prefix, 0) == 0; };
  if (starts("Produce") || starts("InitProducerId")) return okabe_ito::blue;
  if (starts("Fetch") || starts("ListOffsets") || starts("OffsetsForLeaderEpoch")) return okabe_ito::bluish_green;
  if (starts("JoinGroup") || starts("SyncGroup") || starts("Heartbeat") || starts("LeaveGroup") || starts("OffsetCommit") ||
      starts("OffsetFetch") || starts("FindCoordinator")) {
    return okabe_ito::reddish_purple;
  }
  if (starts("Metadata")) return okabe_ito::sky_blue;
  return palette.muted;  // the controller's traffic: registrations, heartbeats, AlterPartition, ...
}

QString ms_text(sim::Duration d) { return QString::number(static_cast<double>(d.ns()) / 1e6, 'f', 1) + " ms"; }

}  // namespace

class SequenceCanvas final : public QWidget {
 public:
  explicit SequenceCanvas(QWidget* parent) : QWidget(parent) { setMinimumHeight(200); }

  Palette palette;
  std::vector<std::string> lifelines;
  std::vector<Message> window;  // the window's messages after the filter (the newest kMaxDrawn)
  std::vector<Message> shown;   // the newest of them that fit
  sim::Time now;

  // A row of the diagram: a moment, and which of a node's sends at that same moment (a broker
  // answering two requests in one instant gets two rows, so their labels do not collide).
  struct Moment {
    sim::Time at;
    int nth = 0;
    auto operator<=>(const Moment&) const = default;
  };
  std::vector<Moment> rows;
  std::vector<int> send_nth;  // per shown message

  // Keeps the newest messages whose rows fit the height: the diagram is ordered, not to scale,
  // so that messages a microsecond apart still read one after the other.
  void fit() {
    const auto capacity = static_cast<std::size_t>(std::max(8, (height() - kHeader - 30) / kRowHeight));
    std::size_t first = 0;
    while (true) {
      layout(first);
      if (rows.size() <= capacity || first >= window.size()) break;
      first += std::max<std::size_t>(1, (rows.size() - capacity) / 2);
    }
    update();
  }

  int x_of(const std::string& node) const {
    const auto it = std::find(lifelines.begin(), lifelines.end(), node);
    const int index = static_cast<int>(it - lifelines.begin());
    const int columns = std::max<int>(1, static_cast<int>(lifelines.size()));
    return kTimes + kMargin + (width() - kTimes - 2 * kMargin) * (2 * index + 1) / (2 * columns);
  }
  double y_of(sim::Time t, int nth = 0) const {
    const auto it = std::lower_bound(rows.begin(), rows.end(), Moment{t, nth});
    return kHeader + 14 + static_cast<double>(it - rows.begin()) * kRowHeight;
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette.panel);
    p.setFont(palette.font(-1, true));
    for (const std::string& node : lifelines) {
      const int x = x_of(node);
      p.setPen(palette.text);
      p.drawText(QRect(x - 70, 4, 140, kHeader - 6), Qt::AlignCenter, QString::fromStdString(node));
      p.setPen(QPen(palette.grid, 1, Qt::DotLine));
      p.drawLine(x, kHeader, x, height() - 4);
    }
    p.setFont(palette.font(-2));
    p.setPen(palette.muted);
    for (const Moment& row : rows) {
      if (row.nth != 0) continue;
      p.drawText(QRectF(2, y_of(row.at) - 8, kTimes - 6, 16), Qt::AlignRight | Qt::AlignVCenter,
                 row.at == now ? QString("now") : QString::number(static_cast<double>(row.at.ns()) / 1e9, 'f', 6) + " s");
    }
    if (window.size() > shown.size()) {
      p.drawText(QRect(4, height() - 18, width() - 8, 16), Qt::AlignRight,
                 QString("the newest %1 of %2 messages (a shorter window or a filter shows fewer)").arg(shown.size()).arg(window.size()));
    }
    for (std::size_t i = 0; i < shown.size(); ++i) draw(p, shown[i], send_nth[i]);
  }

 private:
  void resizeEvent(QResizeEvent*) override { fit(); }

  void layout(std::size_t first) {
    shown.assign(window.begin() + static_cast<std::ptrdiff_t>(first), window.end());
    rows.assign(1, Moment{now, 0});
    send_nth.clear();
    for (std::size_t i = 0; i < shown.size(); ++i) {
      int nth = 0;
      for (std::size_t j = 0; j < i; ++j) nth += shown[j].sent == shown[i].sent && shown[j].from == shown[i].from ? 1 : 0;
      send_nth.push_back(nth);
      rows.push_back(Moment{shown[i].sent, nth});
      const bool arrives = shown[i].kind == MessageKind::message || shown[i].kind == MessageKind::retransmission;
      if (arrives && shown[i].arrival <= now) rows.push_back(Moment{shown[i].arrival, 0});
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  }

  void draw(QPainter& p, const Message& m, int nth) {
    const QColor colour = family_colour(m.label, palette);
    const double x1 = x_of(m.from);
    const double y1 = y_of(m.sent, nth);
    if (is_connection_event(m.kind)) {  // a diamond on the node's lifeline
      const QColor mark = m.kind == MessageKind::connected ? palette.text : palette.lost;
      QPainterPath diamond;
      diamond.moveTo(x1, y1 - 5);
      diamond.lineTo(x1 + 5, y1);
      diamond.lineTo(x1, y1 + 5);
      diamond.lineTo(x1 - 5, y1);
      diamond.closeSubpath();
      p.fillPath(diamond, mark);
      p.setPen(mark);
      const std::string text = m.kind == MessageKind::connected ? "connected to " + m.to
                               : m.kind == MessageKind::closed  ? "closed its connection to " + m.to
                                                                : "connection to " + m.to + " ended (" + m.why + ")";
      p.drawText(QPointF(x1 + 8, y1 - 4), QString::fromStdString(text));
      return;
    }
    if (m.kind == MessageKind::dropped || m.kind == MessageKind::delayed) {
      // A short stub: a cross where a message died with its connection, a ring where a
      // transmission was lost and waits for TCP to send it again.
      const double x2 = x1 + (x_of(m.to) - x1) * 0.35;
      p.setPen(QPen(palette.lost, 1.5, Qt::DashLine));
      p.drawLine(QPointF(x1, y1), QPointF(x2, y1));
      p.setPen(QPen(palette.lost, 2));
      std::string text;
      if (m.kind == MessageKind::dropped) {
        p.drawLine(QPointF(x2 - 5, y1 - 5), QPointF(x2 + 5, y1 + 5));
        p.drawLine(QPointF(x2 - 5, y1 + 5), QPointF(x2 + 5, y1 - 5));
        text = m.label + " gone (" + m.why + ")";
      } else {
        p.drawEllipse(QPointF(x2, y1), 5, 5);
        text = m.label + " lost (" + m.why + "), sent again at " +
               QString::number(static_cast<double>(m.arrival.ns()) / 1e9, 'f', 3).toStdString() + " s";
      }
      p.drawText(QPointF(std::min(x1, x2) + 4, y1 - 4), QString::fromStdString(text));
      return;
    }
    if (m.arrival == sim::Time::max()) {
      // Sent while an earlier message of its connection waits for a retransmission: TCP hands it
      // on only after that one. A short stub at the sender says so.
      const double x2 = x1 + (x_of(m.to) - x1) * 0.25;
      p.setPen(QPen(colour, 1.6, Qt::DotLine));
      p.drawLine(QPointF(x1, y1), QPointF(x2, y1));
      p.setPen(palette.text);
      p.drawText(QPointF(std::min(x1, x2) + 4, y1 - 4), QString::fromStdString(m.label + " waits behind a lost one"));
      return;
    }
    const bool in_flight = m.arrival > now;
    const double x2_full = x_of(m.to);
    // In flight: the arrow stops where the message is now along its way.
    const double progress = in_flight ? std::clamp(static_cast<double>((now - m.sent).ns()) /
                                                       std::max<double>(1, static_cast<double>((m.arrival - m.sent).ns())),
                                                   0.0, 1.0)
                                      : 1.0;
    const double x2 = x1 + (x2_full - x1) * progress;
    const double y2 = y_of(in_flight ? now : m.arrival);
    p.setPen(QPen(colour, 1.6, in_flight ? Qt::DashLine : Qt::SolidLine));
    p.drawLine(QPointF(x1, y1), QPointF(x2, y2));
    // The head.
    const double angle = std::atan2(y2 - y1, x2 - x1);
    QPainterPath head;
    head.moveTo(x2, y2);
    head.lineTo(x2 - 8 * std::cos(angle - 0.4), y2 - 8 * std::sin(angle - 0.4));
    head.lineTo(x2 - 8 * std::cos(angle + 0.4), y2 - 8 * std::sin(angle + 0.4));
    head.closeSubpath();
    p.fillPath(head, colour);
    p.setPen(palette.text);
    const QString prefix = QString::fromStdString(m.label) + (m.kind == MessageKind::retransmission ? " (again)" : "");
    const QString text = prefix + (in_flight ? " (in flight)" : QString("  %1").arg(ms_text(m.arrival - m.sent)));
    // The label just after the sender, above the line, on the side the arrow goes.
    const QRectF box = x2 >= x1 ? QRectF(x1 + 6, y1 - 15, 220, 14) : QRectF(x1 - 226, y1 - 15, 220, 14);
    p.drawText(box, (x2 >= x1 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, text);
  }
};

SequenceDiagram::SequenceDiagram(QWidget* parent) : QWidget(parent) {
  setObjectName("sequence");
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout();
  controls->addWidget(new QLabel("Window before now:", this));
  window_box_ = new QComboBox(this);
  for (const char* w : {"2 ms", "10 ms", "50 ms", "200 ms", "1 s"}) window_box_->addItem(w);
  window_box_->setCurrentText("50 ms");
  controls->addWidget(window_box_);
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText("show only messages whose kind or node contains... (Produce, Fetch, JoinGroup, broker:2, ...)");
  controls->addWidget(filter_, 1);
  layout->addLayout(controls);
  canvas_ = new SequenceCanvas(this);
  layout->addWidget(canvas_, 1);
}

void SequenceDiagram::set_palette(const Palette& palette) { canvas_->palette = palette; }

sim::Duration SequenceDiagram::window() const {
  const QString text = window_box_->currentText();
  const double value = text.section(' ', 0, 0).toDouble();
  return sim::Duration::from_ns(static_cast<std::int64_t>(value * (text.endsWith("ms") ? 1e6 : 1e9)));
}

void SequenceDiagram::set_filter(const QString& text) { filter_->setText(text); }

const std::vector<Message>& SequenceDiagram::shown() const { return canvas_->shown; }
const std::vector<std::string>& SequenceDiagram::lifelines() const { return canvas_->lifelines; }

void SequenceDiagram::set_snapshot(const Session& session) {
  canvas_->now = session.now();
  const sim::Time from = session.now() - std::min(window(), session.now() - sim::Time::zero());
  canvas_->lifelines = session.nodes();
  const QString filter = filter_->text().trimmed();
  std::vector<Message> all = session.messages(from, session.now());
  std::vector<Message> kept;
  for (Message& m : all) {
    const QString text = QString::fromStdString(m.label + " " + m.from + " " + m.to);
    if (filter.isEmpty() || text.contains(filter, Qt::CaseInsensitive)) kept.push_back(std::move(m));
  }
  if (kept.size() > kMaxDrawn) kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(kMaxDrawn));
  canvas_->window = std::move(kept);
  canvas_->fit();
}

}  // namespace ksim::gui
