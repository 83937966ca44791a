// The figures pane: the checkers' figures as they stand now (acked_lost, duplicates, lag, ...)
// and the lab's expectations checked against them. Expectations speak of the end of a run, so
// the pane says "so far": a student watches acked_lost jump at the unclean election.
#pragma once

#include <QWidget>
#include <vector>

#include "core/scenario/figures.hpp"
#include "core/scenario/runner.hpp"
#include "gui/palette.hpp"

class QTableWidget;
class QListWidget;
class QLabel;

namespace ksim::gui {

class FiguresPane final : public QWidget {
  Q_OBJECT
 public:
  explicit FiguresPane(QWidget* parent = nullptr);
  void set_palette(const Palette& palette);
  // The figures of moment `at` (computed in the background: it may trail `now` a little).
  void set_snapshot(const core::Figures& figures, const std::vector<core::ExpectationResult>& expectations, sim::Time at, sim::Time now);
  QTableWidget* table() { return table_; }
  QListWidget* expectations() { return expectations_; }

 private:
  QTableWidget* table_ = nullptr;
  QListWidget* expectations_ = nullptr;
  QLabel* moment_ = nullptr;
  Palette palette_ = Palette::light(false);
};

}  // namespace ksim::gui
