#include "gui/rebalance_timeline.hpp"

#include <QPaintEvent>
#include <QPainter>
#include <algorithm>
#include <iterator>
#include <map>

namespace ksim::gui {
namespace {

constexpr int kLabelWidth = 190;
constexpr int kTop = 34;
constexpr int kRowHeight = 22;

}  // namespace

QColor member_colour(std::size_t index) {
  static const QColor kColours[] = {okabe_ito::sky_blue, okabe_ito::orange, okabe_ito::bluish_green, okabe_ito::yellow,
                                    okabe_ito::reddish_purple, okabe_ito::blue, okabe_ito::vermillion};
  return kColours[index % std::size(kColours)];
}

RebalanceTimeline::RebalanceTimeline(QWidget* parent) : QWidget(parent) {
  setObjectName("timeline-strips");
  setMinimumHeight(160);
}

void RebalanceTimeline::set_palette(const Palette& palette) { palette_ = palette; }

void RebalanceTimeline::set_snapshot(std::vector<Ownership> ownership, std::vector<std::size_t> colours,
                                     std::vector<GroupEpochMark> epochs, sim::Time now, sim::Time end) {
  ownership_ = std::move(ownership);
  colours_ = std::move(colours);
  epochs_ = std::move(epochs);
  colours_.resize(ownership_.size(), 0);
  now_ = now;
  end_ = std::max(end, sim::Time::zero() + sim::milliseconds(1));
  const std::size_t before = rows_.size();
  build_rows();
  if (rows_.size() != before) {
    setMinimumHeight(sizeHint().height());
    updateGeometry();
  }
}

QSize RebalanceTimeline::sizeHint() const { return {640, std::max(160, kTop + static_cast<int>(rows_.size()) * kRowHeight + 8)}; }

void RebalanceTimeline::build_rows() {
  std::map<std::pair<std::string, core::TopicPartition>, Row> sorted;
  for (std::size_t i = 0; i < ownership_.size(); ++i) {
    const Ownership& o = ownership_[i];
    Row& row = sorted[{o.group, o.tp}];
    row.group = o.group;
    row.partition = o.tp.str();
    row.held.push_back(i);
  }
  rows_.clear();
  for (auto& [key, row] : sorted) rows_.push_back(std::move(row));
}

QRect RebalanceTimeline::strip_of_row(std::size_t index) const {
  return {kLabelWidth, kTop + static_cast<int>(index) * kRowHeight, width() - kLabelWidth - 16, kRowHeight - 6};
}

int RebalanceTimeline::x_of(sim::Time t) const {
  const int width_px = std::max(1, width() - kLabelWidth - 16);
  return kLabelWidth + static_cast<int>(static_cast<double>(width_px) * static_cast<double>(t.ns()) / static_cast<double>(end_.ns()));
}

QRect RebalanceTimeline::strip_rect(const std::string& group, const std::string& partition) const {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].group == group && rows_[i].partition == partition) return strip_of_row(i);
  }
  return {};
}

void RebalanceTimeline::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(event->rect(), palette_.background);
  painter.setPen(palette_.text);
  painter.setFont(palette_.font(0, true));
  if (rows_.empty()) {
    painter.drawText(rect(), Qt::AlignCenter, "no consumer group has owned a partition yet");
    return;
  }
  painter.drawText(QRect(8, 6, width() - 16, 22), Qt::AlignLeft | Qt::AlignVCenter,
                   "who owns each partition: a colour per member; red: nobody (paused); gN, eN: a new generation, group epoch");
  // Only the rows the paint event exposes (a scroll area shows a few dozen of a thousand).
  const int first = std::max(0, (event->rect().top() - kTop) / kRowHeight);
  const int last = std::min(static_cast<int>(rows_.size()) - 1, (event->rect().bottom() - kTop) / kRowHeight);
  painter.setFont(palette_.font(-1));
  for (int i = first; i <= last; ++i) {
    const Row& row = rows_[static_cast<std::size_t>(i)];
    const QRect strip = strip_of_row(static_cast<std::size_t>(i));
    painter.setPen(palette_.text);
    painter.drawText(QRect(8, strip.top(), kLabelWidth - 16, strip.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     QString::fromStdString(row.group + "  " + row.partition));
    painter.fillRect(QRect(QPoint(strip.left(), strip.top()), QPoint(x_of(now_), strip.bottom())), palette_.panel);
    for (const std::size_t index : row.held) {
      const Ownership& o = ownership_[index];
      const sim::Time until = std::min(o.to, now_);
      if (until <= o.from) continue;
      painter.fillRect(QRect(QPoint(x_of(o.from), strip.top()), QPoint(std::max(x_of(until), x_of(o.from) + 1), strip.bottom())),
                       member_colour(colours_[index]));
    }
    // A gap without an owner after the first assignment (a rebalance pausing the partition) is
    // marked in red and at least 3 pixels wide, so that a 100 ms pause shows on a minute's scale.
    sim::Time covered = row.held.empty() ? now_ : ownership_[row.held.front()].from;
    for (const std::size_t index : row.held) {
      const Ownership& o = ownership_[index];
      if (o.from > covered) {
        const int left = x_of(covered);
        painter.fillRect(QRect(QPoint(left, strip.top()), QPoint(std::max(x_of(o.from), left + 3), strip.bottom())), palette_.lost);
      }
      covered = std::max(covered, std::min(o.to, now_));
    }
  }
  // Each new generation or group epoch: a dashed line across the group's strips, labelled at its top.
  for (const GroupEpochMark& mark : epochs_) {
    if (mark.at > now_) continue;
    int top = -1;
    int bottom = -1;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (rows_[i].group != mark.group) continue;
      const QRect strip = strip_of_row(i);
      if (top < 0) top = strip.top();
      bottom = strip.bottom();
    }
    if (top < 0) continue;
    const int x = x_of(mark.at);
    painter.setPen(QPen(palette_.text, 1, Qt::DashLine));
    painter.drawLine(x, top, x, bottom);
    // The label on a patch of background at the top of the group's first strip, readable over
    // any member's colour.
    const QString label = QString("%1%2").arg(mark.consumer_protocol ? "e" : "g").arg(mark.epoch);
    const QRect box(x + 2, top, painter.fontMetrics().horizontalAdvance(label) + 4, kRowHeight - 6);
    painter.fillRect(box, palette_.background);
    painter.setPen(palette_.text);
    painter.drawText(box, Qt::AlignCenter, label);
  }
  // Now.
  painter.setPen(QPen(palette_.highlight, 2));
  painter.drawLine(x_of(now_), kTop - 4, x_of(now_), kTop + static_cast<int>(rows_.size()) * kRowHeight);
}

}  // namespace ksim::gui
