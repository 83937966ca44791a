// The cluster at a glance: the controllers of the metadata quorum (the active one outlined and
// named, each with its Raft state, epoch, log end and high watermark), the brokers (up, down,
// paused, fenced) with their racks and how many partitions each leads, and the network between
// them (cuts as red lines with an arrow for a one-way cut, slowed links dashed). Drawn from a
// snapshot; set_snapshot() and update() at frame rate.
#pragma once

#include <QWidget>
#include <map>
#include <vector>

#include "gui/palette.hpp"
#include "gui/session/session.hpp"

namespace ksim::gui {

class ClusterWidget final : public QWidget {
  Q_OBJECT
 public:
  explicit ClusterWidget(QWidget* parent = nullptr);
  void set_snapshot(core::ClusterView view, std::vector<LinkState> links);
  void set_palette(const Palette& palette);
  // Where a broker is drawn (empty when unknown): for tests and for context menus.
  QRect broker_rect(core::BrokerId id) const;
  // Where controller `index` (0-based, in node.id order) is drawn (empty when unknown), and the
  // active controller (empty while none is).
  QRect controller_rect(std::size_t index) const;
  QRect active_controller_rect() const;
  QSize sizeHint() const override { return {640, 260}; }

 Q_SIGNALS:
  void broker_menu_requested(core::BrokerId id, QPoint global_position);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QRect node_rect(const std::string& name) const;
  int controller_width() const;
  bool controllers_on_one_line() const;
  int controller_height() const;
  int brokers_top() const;
  void paint_controllers(QPainter& painter) const;

  core::ClusterView view_;
  std::vector<LinkState> links_;
  Palette palette_ = Palette::light(false);
};

}  // namespace ksim::gui
