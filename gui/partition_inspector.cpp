#include "gui/partition_inspector.hpp"

#include <QPainter>
#include <algorithm>

namespace ksim::gui {
namespace {

constexpr int kLabelWidth = 190;
constexpr int kTop = 72;
constexpr int kRowHeight = 78;
constexpr int kStripHeight = 34;
constexpr int kLostHeight = 12;
const QColor kOnFill(0x1A, 0x1A, 0x1A);

}  // namespace

PartitionInspector::PartitionInspector(QWidget* parent) : QWidget(parent) {
  setObjectName("inspector");
  setMinimumHeight(200);
}

void PartitionInspector::set_palette(const Palette& palette) { palette_ = palette; }

void PartitionInspector::set_snapshot(const core::PartitionView* partition, std::vector<Truncation> truncations,
                                      std::vector<std::vector<std::pair<core::LeaderEpoch, core::Offset>>> epochs,
                                      std::vector<core::BrokerId> down) {
  has_partition_ = partition != nullptr;
  if (partition != nullptr) partition_ = *partition;
  truncations_ = std::move(truncations);
  epochs_ = std::move(epochs);
  down_ = std::move(down);
}

core::Offset PartitionInspector::max_offset() const {
  core::Offset most = 1;
  for (const core::ReplicaView& r : partition_.replica_logs) most = std::max(most, r.log_end_offset);
  for (const Truncation& t : truncations_) most = std::max(most, t.to);
  return most;
}

int PartitionInspector::x_of(core::Offset offset) const {
  const int width_px = std::max(1, width() - kLabelWidth - 24);
  return kLabelWidth + static_cast<int>(static_cast<double>(width_px) * static_cast<double>(offset.value()) /
                                        static_cast<double>(max_offset().value()));
}

QRect PartitionInspector::strip_rect(std::size_t index) const {
  const int top = kTop + static_cast<int>(index) * kRowHeight;
  return {kLabelWidth, top, width() - kLabelWidth - 24, kStripHeight};
}

QRect PartitionInspector::lost_band(std::size_t index) const {
  const QRect strip = strip_rect(index);
  return {strip.left(), strip.bottom() + 4, strip.width(), kLostHeight};
}

void PartitionInspector::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette_.background);
  painter.setPen(palette_.text);
  painter.setFont(palette_.font(1, true));
  if (!has_partition_) {
    painter.drawText(rect(), Qt::AlignCenter, "no partition selected: click one in the Partitions tab");
    return;
  }
  core::Offset hw = 0;
  for (const core::ReplicaView& r : partition_.replica_logs) {
    if (r.is_leader) hw = r.high_watermark;
  }
  painter.drawText(QRect(8, 6, width() - 16, 24), Qt::AlignLeft | Qt::AlignVCenter,
                   QString("%1   leader %2, epoch %3, high watermark %4")
                       .arg(QString::fromStdString(partition_.tp.str()))
                       .arg(partition_.leader < 0 ? QString("none") : QString::number(partition_.leader.value()))
                       .arg(partition_.leader_epoch.value())
                       .arg(hw.value()));
  painter.setFont(palette_.font(-1));
  painter.drawText(QRect(8, 30, width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   "green: committed (below the high watermark)   yellow: above it, not yet committed   "
                   "red, hatched, under a strip: offsets that replica held and truncated   bands: leader epochs");
  for (std::size_t i = 0; i < partition_.replica_logs.size(); ++i) {
    const core::ReplicaView& r = partition_.replica_logs[i];
    const QRect strip = strip_rect(i);
    painter.setPen(palette_.text);
    painter.setFont(palette_.font(0, true));
    const bool down = std::find(down_.begin(), down_.end(), r.broker) != down_.end();
    const QString role = down ? "down: its disk as left"
                              : r.is_leader ? "leader"
                                            : (r.acts_as_leader ? "acts as leader" : (r.in_isr ? "follower, in ISR" : "follower, out of ISR"));
    painter.drawText(QRect(8, strip.top(), kLabelWidth - 16, strip.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     QString("broker %1\n%2").arg(r.broker.value()).arg(role));
    // The log: committed below the high watermark, uncommitted above it.
    painter.setPen(Qt::NoPen);
    painter.fillRect(strip, palette_.panel);
    const core::Offset start = r.log_start_offset;
    const core::Offset committed_end = std::min(r.log_end_offset, hw);
    if (committed_end > start) {
      painter.fillRect(QRect(QPoint(x_of(start), strip.top()), QPoint(x_of(committed_end), strip.bottom())), palette_.committed);
    }
    if (r.log_end_offset > std::max(start, committed_end)) {
      painter.fillRect(QRect(QPoint(x_of(std::max(start, committed_end)), strip.top()), QPoint(x_of(r.log_end_offset), strip.bottom())),
                       palette_.uncommitted);
    }
    // Epoch bands along the top, alternating, each labelled.
    const auto& epochs = i < epochs_.size() ? epochs_[i] : std::vector<std::pair<core::LeaderEpoch, core::Offset>>{};
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      const core::Offset from = std::max(epochs[e].second, start);
      const core::Offset to = e + 1 < epochs.size() ? epochs[e + 1].second : r.log_end_offset;
      if (to <= from) continue;
      const QRect band(QPoint(x_of(from), strip.top()), QPoint(x_of(to), strip.top() + 11));
      painter.fillRect(band, e % 2 == 0 ? QColor(255, 255, 255, 110) : QColor(0, 0, 0, 50));
      painter.setPen(kOnFill);
      painter.setFont(palette_.font(-3));
      painter.drawText(band.adjusted(3, -1, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, QString("epoch %1").arg(epochs[e].first.value()));
    }
    // Lost: what this replica held and truncated.
    const QRect lost = lost_band(i);
    for (const Truncation& t : truncations_) {
      if (t.broker != r.broker || t.to <= t.from) continue;
      const QRect span(QPoint(x_of(t.from), lost.top()), QPoint(std::max(x_of(t.to), x_of(t.from) + 2), lost.bottom()));
      painter.fillRect(span, palette_.lost);
      painter.fillRect(span, QBrush(kOnFill, Qt::BDiagPattern));
    }
    // The high watermark (a line through every strip) and this replica's log end (a tick).
    painter.setPen(QPen(palette_.text, 2));
    painter.drawLine(x_of(hw), strip.top() - 4, x_of(hw), strip.bottom() + 4);
    painter.setPen(QPen(palette_.highlight, 3));
    painter.drawLine(x_of(r.log_end_offset), strip.top() - 6, x_of(r.log_end_offset), strip.bottom() + 6);
    painter.setPen(palette_.muted);
    painter.setFont(palette_.font(-2));
    painter.drawText(QRect(strip.left(), strip.top() - 18, strip.width(), 16), Qt::AlignRight | Qt::AlignBottom,
                     QString("log end %1").arg(r.log_end_offset.value()));
  }
}

}  // namespace ksim::gui
