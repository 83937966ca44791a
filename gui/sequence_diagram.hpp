// The message sequence: the requests and responses between nodes in the moments before now, as a
// sequence diagram. A lifeline per node (controller, brokers, producers, consumers) across the
// top, time running down to now at the bottom, an arrow per message from its sending to its
// arrival; one still in flight ends at the bottom edge. A transmission lost to a cut or a lossy
// link ends in a ring with the time TCP sends it again (then drawn as "again"), and what waits
// behind it on its connection says so; a message that died with its connection ends in a cross;
// a diamond on a lifeline marks a connection opened, closed or ended from afar. Stepping
// event by event, a student follows an acks=all write: Produce to the leader, the followers'
// Fetch, their FetchResponse, and only then the ProduceResponse.
#pragma once

#include <QString>
#include <QWidget>
#include <string>
#include <vector>

#include "gui/palette.hpp"
#include "gui/session/session.hpp"

class QComboBox;
class QLineEdit;

namespace ksim::gui {

class SequenceCanvas;

class SequenceDiagram final : public QWidget {
  Q_OBJECT
 public:
  explicit SequenceDiagram(QWidget* parent = nullptr);
  void set_palette(const Palette& palette);
  // The window shown ends at `now`; its length is the one chosen in the widget.
  void set_snapshot(const Session& session);
  sim::Duration window() const;
  // What the diagram draws now, after the filter: the newest messages of the window whose moments
  // fit one row each (at most kMaxDrawn). For tests.
  const std::vector<Message>& shown() const;
  const std::vector<std::string>& lifelines() const;
  void set_filter(const QString& text);
  static constexpr std::size_t kMaxDrawn = 60;

 private:
  SequenceCanvas* canvas_ = nullptr;
  QComboBox* window_box_ = nullptr;
  QLineEdit* filter_ = nullptr;
};

}  // namespace ksim::gui
