// The partition inspector: the logs of every replica of one partition side by side, as strips of
// offsets. Records below the partition's high watermark are committed (green), those above it
// uncommitted (yellow); offsets a replica held and then truncated are drawn under its strip in
// red, hatched, as lost from that replica. Leader epochs are bands along the top of each strip
// (from the replica's own epoch cache), the high watermark a line and each log end a tick. This
// is where acks=1 loss, unclean elections and KIP-101's divergence become visible.
#pragma once

#include <QWidget>
#include <string>
#include <vector>

#include "gui/palette.hpp"
#include "gui/session/session.hpp"

namespace ksim::gui {

class PartitionInspector final : public QWidget {
  Q_OBJECT
 public:
  explicit PartitionInspector(QWidget* parent = nullptr);
  void set_palette(const Palette& palette);
  // The partition to show and what the session knows of it now.
  // `down`: the brokers not running now (their strips show the log as their disk left it).
  void set_snapshot(const core::PartitionView* partition, std::vector<Truncation> truncations,
                    std::vector<std::vector<std::pair<core::LeaderEpoch, core::Offset>>> epochs,
                    std::vector<core::BrokerId> down);
  // Where replica `index` (in replica order) is drawn: its strip, and the band of its lost offsets.
  QRect strip_rect(std::size_t index) const;
  QRect lost_band(std::size_t index) const;
  // The x of an offset on the strips.
  int x_of(core::Offset offset) const;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  core::Offset max_offset() const;

  bool has_partition_ = false;
  core::PartitionView partition_;
  std::vector<Truncation> truncations_;
  std::vector<std::vector<std::pair<core::LeaderEpoch, core::Offset>>> epochs_;
  std::vector<core::BrokerId> down_;
  Palette palette_ = Palette::light(false);
};

}  // namespace ksim::gui
