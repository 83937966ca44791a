// Filling a QTableWidget at frame rate: items are reused and touched only when their text or
// colour changes, and columns fit their contents only when the rows change. (A fresh item per
// cell per frame, with columns resized to contents, costs tens of milliseconds for a few dozen
// rows: Qt lays out every cell's text again.)
#pragma once

#include <QColor>
#include <QString>
#include <QTableWidget>

namespace ksim::gui {

// Sets the row count and returns whether it changed: then, once the cells are filled, the caller
// fits the columns to their contents (table->resizeColumnsToContents()).
inline bool set_rows(QTableWidget* table, int rows) {
  if (table->rowCount() == rows) return false;
  table->setRowCount(rows);
  return true;
}

// The cell's text and, when given a valid colour, its background (with black text, readable on
// every palette colour); read-only.
inline void set_cell(QTableWidget* table, int row, int column, const QString& text, const QColor& background = QColor()) {
  QTableWidgetItem* item = table->item(row, column);
  if (item == nullptr) {
    item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    table->setItem(row, column, item);
  } else if (item->text() != text) {
    item->setText(text);
  }
  const QBrush wanted = background.isValid() ? QBrush(background) : QBrush();
  if (item->background() != wanted) {
    item->setBackground(wanted);
    item->setForeground(background.isValid() ? QBrush(Qt::black) : QBrush());
  }
}

}  // namespace ksim::gui
