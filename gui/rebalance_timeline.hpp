// The rebalance timeline: for each group, one strip per partition over simulated time, coloured by
// the member that owned it and empty while nobody did. The
// stop-the-world gap of an eager rebalance shows as a blank column across every partition; a
// cooperative one blanks only the partitions that move. A dashed line across a group's strips marks
// each of its new generations ("g3", classic protocol) or group epochs ("e3", consumer protocol:
// the target assignment the members then reach one by one).
#pragma once

#include <QWidget>
#include <vector>

#include "gui/palette.hpp"
#include "gui/session/session.hpp"

namespace ksim::gui {

class RebalanceTimeline final : public QWidget {
  Q_OBJECT
 public:
  explicit RebalanceTimeline(QWidget* parent = nullptr);
  void set_palette(const Palette& palette);
  // `colours`: per ownership entry, the member_colour() index of its member.
  void set_snapshot(std::vector<Ownership> ownership, std::vector<std::size_t> colours,
                    std::vector<GroupEpochMark> epochs, sim::Time now, sim::Time end);
  // Where the strip of (group, partition) is drawn, and the x of a moment: for tests.
  QRect strip_rect(const std::string& group, const std::string& partition) const;
  // Tall enough for every strip (it sits in a scroll area: a thousand partitions scroll).
  QSize sizeHint() const override;
  int x_of(sim::Time t) const;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  struct Row {
    std::string group;
    std::string partition;
    std::vector<std::size_t> held;  // into ownership_, in the order it began
  };
  // Rows in name order (partition numbers numerically), computed once per snapshot.
  void build_rows();
  QRect strip_of_row(std::size_t index) const;

  std::vector<Ownership> ownership_;
  std::vector<std::size_t> colours_;
  std::vector<GroupEpochMark> epochs_;
  std::vector<Row> rows_;
  sim::Time now_;
  sim::Time end_ = sim::Time::zero() + sim::seconds(1);
  Palette palette_ = Palette::light(false);
};

// The colour of the n-th member to appear in a view (the groups table, the timeline).
QColor member_colour(std::size_t index);

}  // namespace ksim::gui
