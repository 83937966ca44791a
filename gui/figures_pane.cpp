#include "gui/figures_pane.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/check/figure_catalog.hpp"
#include "gui/format.hpp"
#include "gui/table_cells.hpp"

namespace ksim::gui {

FiguresPane::FiguresPane(QWidget* parent) : QWidget(parent) {
  setObjectName("figures");
  auto* layout = new QVBoxLayout(this);
  moment_ = new QLabel(this);
  layout->addWidget(moment_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  table_ = new QTableWidget(0, 2, split);
  table_->setHorizontalHeaderLabels({"figure", "so far"});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  auto* right = new QWidget(split);
  auto* right_layout = new QVBoxLayout(right);
  right_layout->setContentsMargins(0, 0, 0, 0);
  right_layout->addWidget(new QLabel("The lab's expectations, checked against the figures so far "
                                     "(they are judged at the end of the run):", right));
  expectations_ = new QListWidget(right);
  right_layout->addWidget(expectations_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setSizes({720, 480});
  layout->addWidget(split, 1);
}

void FiguresPane::set_palette(const Palette& palette) {
  palette_ = palette;
  table_->verticalHeader()->setDefaultSectionSize(QFontMetrics(palette.font()).height() + 6);
}

void FiguresPane::set_snapshot(const core::Figures& figures, const std::vector<core::ExpectationResult>& expectations, sim::Time at,
                               sim::Time now) {
  const QString when = seconds_text(at);
  moment_->setText(at == now ? QString("The figures at %1, now.").arg(when)
                             : QString("The figures at %1 (computed in the background; they follow the run).").arg(when));
  const bool resized = set_rows(table_, static_cast<int>(figures.size()));
  int row = 0;
  for (const auto& [name, value] : figures) {
    const bool whole = value == static_cast<double>(static_cast<long long>(value));
    set_cell(table_, row, 0, QString::fromStdString(name));
    // What the figure measures, from the catalogue the loader and the report use.
    table_->item(row, 0)->setToolTip(QString::fromStdString(std::string(core::figure_meaning(name))));
    set_cell(table_, row, 1, whole ? QString::number(static_cast<long long>(value)) : QString::number(value, 'f', 1));
    table_->item(row, 1)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    ++row;
  }
  if (resized) table_->resizeColumnsToContents();
  expectations_->clear();
  for (const core::ExpectationResult& e : expectations) {
    // A mark and words, not colour alone.
    auto* item = new QListWidgetItem(QString("%1  %2   (now %3)")
                                         .arg(e.passed ? "✓ holds" : "✗ fails", QString::fromStdString(e.expr))
                                         .arg(e.actual, 0, 'g', 10),
                                     expectations_);
    item->setBackground(e.passed ? palette_.committed : palette_.lost);
    item->setForeground(Qt::black);
  }
}

}  // namespace ksim::gui
