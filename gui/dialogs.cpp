#include "gui/dialogs.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ksim::gui {

LabPicker::LabPicker(std::vector<core::LabEntry> labs, QWidget* parent) : QDialog(parent), labs_(std::move(labs)) {
  setWindowTitle("Open a lab");
  resize(900, 560);
  auto* layout = new QVBoxLayout(this);
  list_ = new QListWidget(this);
  for (const core::LabEntry& lab : labs_) {
    const QString file = QString::fromStdString(lab.file.filename().string());
    auto* item = new QListWidgetItem(lab.error.empty() ? QString("%1\n    %2").arg(QString::fromStdString(lab.name), QString::fromStdString(lab.summary))
                                                       : QString("%1\n    does not load: %2").arg(file, QString::fromStdString(lab.error)),
                                     list_);
    item->setToolTip(file);
    if (!lab.error.empty()) item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
  }
  layout->addWidget(list_, 1);
  details_ = new QLabel(this);
  layout->addWidget(details_);
  auto* form = new QFormLayout();
  variants_ = new QComboBox(this);
  form->addRow("Variant:", variants_);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(list_, &QListWidget::currentRowChanged, this, &LabPicker::chosen);
  connect(list_, &QListWidget::itemDoubleClicked, this, &QDialog::accept);
  if (!labs_.empty()) list_->setCurrentRow(0);
}

void LabPicker::chosen(int row) {
  variants_->clear();
  if (row < 0 || row >= static_cast<int>(labs_.size())) return;
  const core::LabEntry& lab = labs_[static_cast<std::size_t>(row)];
  variants_->addItem("(the base scenario)");
  for (const std::string& v : lab.variants) variants_->addItem(QString::fromStdString(v));
  variants_->setEnabled(!lab.variants.empty());
  details_->setText(QString("%1 — docs/labs/%2.md").arg(QString::fromStdString(lab.file.filename().string()),
                                                         QString::fromStdString(lab.file.stem().string())));
}

std::string LabPicker::file() const {
  const int row = list_->currentRow();
  return row < 0 ? std::string() : labs_[static_cast<std::size_t>(row)].file.string();
}

std::optional<std::string> LabPicker::variant() const {
  if (variants_->currentIndex() <= 0) return std::nullopt;
  return variants_->currentText().toStdString();
}

NewClusterDialog::NewClusterDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle("A new cluster");
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout();
  const NewCluster defaults;
  const auto add = [&](const QString& name, const QString& label, int low, int high, int value) {
    auto* box = new QSpinBox(this);
    box->setRange(low, high);
    box->setValue(value);
    form->addRow(label, box);
    fields_.emplace_back(name, box);
    connect(box, &QSpinBox::valueChanged, this, &NewClusterDialog::keep_consistent);
  };
  add("brokers", "Brokers:", 1, 30, defaults.brokers);
  add("racks", "Racks (0: none):", 0, 30, defaults.racks);
  add("topics", "Topics:", 1, 10, defaults.topics);
  add("partitions", "Partitions per topic:", 1, 1000, defaults.partitions);
  add("replication_factor", "Replication factor:", 1, 30, defaults.replication_factor);
  add("min_insync_replicas", "min.insync.replicas:", 1, 30, defaults.min_insync_replicas);
  add("producers", "Producers:", 0, 10, defaults.producers);
  add("rate", "Records per second, per producer:", 1, 100000, defaults.rate);
  acks_ = new QComboBox(this);
  acks_->addItems({"all", "1", "0"});
  form->addRow("Producers' acks:", acks_);
  add("groups", "Consumer groups:", 0, 5, defaults.groups);
  add("members", "Members per group:", 1, 20, defaults.members);
  add("duration_seconds", "Duration (simulated seconds):", 10, 3600, defaults.duration_seconds);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  keep_consistent();
}

QSpinBox* NewClusterDialog::field(const QString& name) const {
  for (const auto& [n, box] : fields_) {
    if (n == name) return box;
  }
  return nullptr;
}

// Kafka refuses a replication factor above the broker count, and min.insync.replicas above the
// replication factor makes every acks=all write fail: the form does not offer them.
void NewClusterDialog::keep_consistent() {
  QSpinBox* rf = field("replication_factor");
  QSpinBox* min_isr = field("min_insync_replicas");
  QSpinBox* racks = field("racks");
  if (rf == nullptr || min_isr == nullptr || racks == nullptr) return;
  rf->setMaximum(field("brokers")->value());
  min_isr->setMaximum(rf->value());
  racks->setMaximum(field("brokers")->value());
}

NewCluster NewClusterDialog::cluster() const {
  NewCluster c;
  c.brokers = field("brokers")->value();
  c.racks = field("racks")->value();
  c.topics = field("topics")->value();
  c.partitions = field("partitions")->value();
  c.replication_factor = field("replication_factor")->value();
  c.min_insync_replicas = field("min_insync_replicas")->value();
  c.producers = field("producers")->value();
  c.rate = field("rate")->value();
  c.acks = acks_->currentText().toStdString();
  c.groups = field("groups")->value();
  c.members = field("members")->value();
  c.duration_seconds = field("duration_seconds")->value();
  return c;
}

}  // namespace ksim::gui
