#include "gui/rebalance_timeline.hpp"

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
  setObjectName("timeline");
  setMinimumHeight(160);
}

void RebalanceTimeline::set_palette(const Palette& palette) { palette_ = palette; }

void RebalanceTimeline::set_snapshot(std::vector<Ownership> ownership, sim::Time now, sim::Time end) {
  ownership_ = std::move(ownership);
  now_ = now;
  end_ = std::max(end, sim::Time::zero() + sim::milliseconds(1));
}

std::vector<RebalanceTimeline::Row> RebalanceTimeline::rows() const {
  // Groups and partitions in name order (partition numbers numerically).
  std::map<std::string, std::map<std::pair<std::string, int>, std::string>> sorted;
  for (const Ownership& o : ownership_) {
    const auto dash = o.partition.rfind('-');
    sorted[o.group][{o.partition.substr(0, dash), std::stoi(o.partition.substr(dash + 1))}] = o.partition;
  }
  std::vector<Row> out;
  for (const auto& [group, partitions] : sorted) {
    for (const auto& [key, name] : partitions) out.push_back(Row{group, name});
  }
  return out;
}

int RebalanceTimeline::x_of(sim::Time t) const {
  const int width_px = std::max(1, width() - kLabelWidth - 16);
  return kLabelWidth + static_cast<int>(static_cast<double>(width_px) * static_cast<double>(t.ns()) / static_cast<double>(end_.ns()));
}

QRect RebalanceTimeline::strip_rect(const std::string& group, const std::string& partition) const {
  const std::vector<Row> all = rows();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].group == group && all[i].partition == partition) {
      return {kLabelWidth, kTop + static_cast<int>(i) * kRowHeight, width() - kLabelWidth - 16, kRowHeight - 6};
    }
  }
  return {};
}

void RebalanceTimeline::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette_.background);
  painter.setPen(palette_.text);
  painter.setFont(palette_.font(0, true));
  const std::vector<Row> all = rows();
  if (all.empty()) {
    painter.drawText(rect(), Qt::AlignCenter, "no consumer group has owned a partition yet");
    return;
  }
  painter.drawText(QRect(8, 6, width() - 16, 22), Qt::AlignLeft | Qt::AlignVCenter,
                   "who owns each partition over time: a colour per member; red: nobody, the partition is paused by a rebalance");
  std::map<std::string, std::size_t> colour_of;
  for (const Ownership& o : ownership_) colour_of.emplace(o.member, colour_of.size());
  for (const Row& row : all) {
    const QRect strip = strip_rect(row.group, row.partition);
    painter.setPen(palette_.text);
    painter.setFont(palette_.font(-1));
    painter.drawText(QRect(8, strip.top(), kLabelWidth - 16, strip.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     QString::fromStdString(row.group + "  " + row.partition));
    painter.fillRect(QRect(QPoint(strip.left(), strip.top()), QPoint(x_of(now_), strip.bottom())), palette_.panel);
    std::vector<const Ownership*> held;
    for (const Ownership& o : ownership_) {
      if (o.group != row.group || o.partition != row.partition) continue;
      held.push_back(&o);
      const sim::Time until = std::min(o.to, now_);
      if (until <= o.from) continue;
      painter.fillRect(QRect(QPoint(x_of(o.from), strip.top()), QPoint(std::max(x_of(until), x_of(o.from) + 1), strip.bottom())),
                       member_colour(colour_of[o.member]));
    }
    // A gap without an owner after the first assignment (a rebalance pausing the partition) is
    // marked in red and at least 3 pixels wide, so that a 100 ms pause shows on a minute's scale.
    sim::Time covered = held.empty() ? now_ : held.front()->from;
    for (const Ownership* o : held) {
      if (o->from > covered) {
        const int left = x_of(covered);
        painter.fillRect(QRect(QPoint(left, strip.top()), QPoint(std::max(x_of(o->from), left + 3), strip.bottom())), palette_.lost);
      }
      covered = std::max(covered, std::min(o->to, now_));
    }
  }
  // Now.
  painter.setPen(QPen(palette_.highlight, 2));
  painter.drawLine(x_of(now_), kTop - 4, x_of(now_), kTop + static_cast<int>(all.size()) * kRowHeight);
}

}  // namespace ksim::gui
