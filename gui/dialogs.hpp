// The dialogs that start a session: the lab picker (every bundled lab with its summary and its
// variants) and the "new cluster" form for a live demo without a file.
#pragma once

#include <QDialog>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/lab_library.hpp"
#include "gui/session/new_cluster.hpp"

class QComboBox;
class QListWidget;
class QLabel;
class QSpinBox;

namespace ksim::gui {

class LabPicker final : public QDialog {
  Q_OBJECT
 public:
  explicit LabPicker(std::vector<core::LabEntry> labs, QWidget* parent = nullptr);
  // The chosen lab's file and variant (nullopt: the base scenario).
  std::string file() const;
  std::optional<std::string> variant() const;
  QListWidget* list() { return list_; }
  QComboBox* variants() { return variants_; }

 private:
  void chosen(int row);

  std::vector<core::LabEntry> labs_;
  QListWidget* list_ = nullptr;
  QComboBox* variants_ = nullptr;
  QLabel* details_ = nullptr;
};

class NewClusterDialog final : public QDialog {
  Q_OBJECT
 public:
  explicit NewClusterDialog(QWidget* parent = nullptr);
  NewCluster cluster() const;
  // The spin box for a field ("brokers", "partitions", ...): for tests.
  QSpinBox* field(const QString& name) const;

 private:
  void keep_consistent();

  std::vector<std::pair<QString, QSpinBox*>> fields_;
  QComboBox* acks_ = nullptr;
};

}  // namespace ksim::gui
