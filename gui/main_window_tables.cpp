// The main window's tables and lists, filled from a snapshot: partitions, consumer groups, the
// event log, and the partition inspector's inputs.
#include <QListWidget>
#include <QLineEdit>
#include <QTableWidget>
#include <algorithm>
#include <map>

#include "core/group/offsets_records.hpp"
#include "gui/format.hpp"
#include "gui/main_window.hpp"
#include "gui/partition_inspector.hpp"
#include "gui/rebalance_timeline.hpp"
#include "gui/table_cells.hpp"

namespace ksim::gui {
namespace {

QString join(const std::vector<core::BrokerId>& ids) {
  QStringList parts;
  for (const core::BrokerId id : ids) parts << QString::number(id.value());
  return parts.join(",");
}

}  // namespace

void MainWindow::fill_inspector(const core::ClusterView& view) {
  const core::PartitionView* chosen = nullptr;
  for (const core::PartitionView& p : view.partitions) {
    if (p.tp.topic == core::kOffsetsTopic) continue;
    if (QString::fromStdString(p.tp.str()) == inspected_ || (inspected_.isEmpty() && chosen == nullptr)) chosen = &p;
  }
  std::vector<Truncation> truncations;
  std::vector<std::vector<std::pair<core::LeaderEpoch, core::Offset>>> epochs;
  if (chosen != nullptr) {
    for (const Truncation& t : session_->truncations()) {
      if (t.partition == chosen->tp) truncations.push_back(t);
    }
    for (const core::BrokerId b : chosen->replicas) epochs.push_back(session_->epochs(b, chosen->tp));
  }
  std::vector<core::BrokerId> down;
  for (const core::BrokerView& b : view.brokers) {
    if (!b.running) down.push_back(b.id);
  }
  inspector_->set_snapshot(chosen, std::move(truncations), std::move(epochs), std::move(down));
  inspector_->update();
}

void MainWindow::fill_partitions(const core::ClusterView& view) {
  std::vector<core::PartitionView> rows;
  for (const core::PartitionView& p : view.partitions) {
    if (p.tp.topic != core::kOffsetsTopic) rows.push_back(p);
  }
  const bool resized = set_rows(partitions_, static_cast<int>(rows.size()));
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    const core::PartitionView& p = rows[static_cast<std::size_t>(r)];
    QString status = "ok";
    QColor colour;  // none while healthy
    const auto leader = std::find_if(view.brokers.begin(), view.brokers.end(), [&](const core::BrokerView& b) { return b.id == p.leader; });
    if (!p.offline() && leader != view.brokers.end() && !leader->running) {
      // The controller's metadata still names it: nothing is elected until the broker's session
      // times out and the controller fences it.
      status = "LEADER DOWN (the controller does not know yet)";
      colour = palette_.lost;
    } else if (p.offline()) {
      status = "OFFLINE";
      colour = palette_.lost;
    } else if (p.under_min_isr()) {
      status = "under min ISR";
      colour = palette_.out_of_sync;
    } else if (p.under_replicated()) {
      status = "under-replicated";
      colour = palette_.uncommitted;
    }
    QStringList logs;
    core::Offset hw = -1;
    for (const core::ReplicaView& replica : p.replica_logs) {
      if (replica.is_leader) hw = replica.high_watermark;
      // * the leader, ! out of the ISR, Z a broker that still acts as leader after losing it.
      const char* mark = replica.is_leader ? "*" : (replica.acts_as_leader ? "Z" : (replica.in_isr ? "" : "!"));
      logs << QString("%1%2: %3").arg(replica.broker.value()).arg(mark).arg(replica.log_end_offset.value());
    }
    set_cell(partitions_, r, 0, QString::fromStdString(p.tp.str()));
    set_cell(partitions_, r, 1, p.offline() ? "none" : QString::number(p.leader.value()));
    set_cell(partitions_, r, 2, QString::number(p.leader_epoch.value()));
    set_cell(partitions_, r, 3, join(p.replicas));
    set_cell(partitions_, r, 4, join(p.isr));
    // Eligible leader replicas (KIP-966), then the last known leader in brackets once both the
    // ISR and the ELR are empty, as kafka-topics prints Elr and LastKnownElr.
    set_cell(partitions_, r, 5, join(p.elr) + (p.last_known_elr.empty() ? "" : " [" + join(p.last_known_elr) + "]"));
    set_cell(partitions_, r, 6, hw < 0 ? "-" : QString::number(hw.value()));
    set_cell(partitions_, r, 7, logs.join("   "));
    set_cell(partitions_, r, 8, status, colour);
  }
  if (resized) partitions_->resizeColumnsToContents();
}

namespace {

// Consumer protocol: the holder's member epoch and state, and where the partition goes when the
// target gives it to another member (it moves once the holder revokes and the other heartbeats).
QString reconciliation_note(const core::GroupAdminView& g, const core::GroupPartitionRow& p) {
  QString note;
  for (const core::GroupDescription::ConsumerMember& m : g.consumer_members) {
    const bool holds = std::find(m.member.assigned.begin(), m.member.assigned.end(), p.tp) != m.member.assigned.end() ||
                       std::find(m.member.pending_revocation.begin(), m.member.pending_revocation.end(), p.tp) !=
                           m.member.pending_revocation.end();
    if (holds) {
      note += QString("  epoch %1 %2").arg(m.member.epoch).arg(QString::fromStdString(std::string(core::member_reconciliation_name(m.member.state))));
    }
  }
  for (const core::GroupDescription::ConsumerMember& m : g.consumer_members) {
    const bool targeted = std::find(m.target.begin(), m.target.end(), p.tp) != m.target.end();
    if (!targeted || m.member.id == p.member) continue;
    // The new owner gets it at its next heartbeat once the holder has revoked it.
    note += QString("  -> %1%2").arg(QString::fromStdString(m.member.id),
                                     p.member.empty() ? " at its next heartbeat" : " once revoked");
  }
  return note;
}

}  // namespace

void MainWindow::fill_groups() {
  int row = 0;
  const std::vector<core::GroupAdminView> groups = session_->groups();
  int rows = 0;
  for (const core::GroupAdminView& g : groups) rows += std::max<int>(1, static_cast<int>(g.partitions.size()));
  const bool resized = set_rows(groups_, rows);
  // A colour per member, the one the rebalance timeline gives its consumer node, so that who owns
  // what reads at a glance in both.
  const std::map<std::string, std::size_t> index = session_->consumer_indices();
  for (const core::GroupAdminView& g : groups) {
    // The leader's consumer, from a partition it holds (a leader without partitions shows its id).
    // A consumer-protocol group has no leader: the coordinator assigns.
    std::string leader = g.consumer_protocol ? "none: the coordinator assigns (" + (g.protocol.empty() ? std::string("-") : g.protocol) + ")"
                         : g.leader.empty()  ? "-"
                                             : g.leader;
    for (const core::GroupPartitionRow& p : g.partitions) {
      if (g.consumer_protocol) break;
      const std::string node = p.member == g.leader && !g.leader.empty() ? session_->owner_of(g.group, p.tp) : std::string();
      if (!node.empty()) {
        leader = g.leader + "  (" + node + ")";
        break;
      }
    }
    const auto put = [&](const core::GroupPartitionRow* p) {
      set_cell(groups_, row, 0, QString::fromStdString(g.group));
      set_cell(groups_, row, 1, QString::fromStdString(std::string(core::group_state_name(g.state))));
      set_cell(groups_, row, 2, g.consumer_protocol ? QString("epoch %1 (target %2)").arg(g.generation).arg(g.assignment_epoch)
                                                    : QString::number(g.generation));
      set_cell(groups_, row, 3, p != nullptr ? QString::fromStdString(p->tp.str()) : "-");
      set_cell(groups_, row, 4, p != nullptr && p->committed >= 0 ? QString::number(p->committed.value()) : "-");
      set_cell(groups_, row, 5, p != nullptr && p->lag ? QString::number(*p->lag) : "-");
      QColor colour;
      QString member = g.consumer_protocol ? "nobody" : "-";
      if (p != nullptr && !p->member.empty()) {
        // The coordinator's member id, and the consumer that holds the partition by its own account.
        const std::string node = session_->owner_of(g.group, p->tp);
        // A consumer-protocol member id already names its process ("analytics/0-1").
        const bool named = node.empty() || g.consumer_protocol;
        member = QString::fromStdString(named ? p->member : p->member + "  (" + node + ")");
        if (index.count(node) != 0U) colour = member_colour(index.at(node));
      }
      if (p != nullptr && g.consumer_protocol) member += reconciliation_note(g, *p);
      set_cell(groups_, row, 6, member, colour);
      set_cell(groups_, row, 7, QString::fromStdString(leader));
      ++row;
    };
    if (g.partitions.empty()) put(nullptr);
    for (const core::GroupPartitionRow& p : g.partitions) put(&p);
  }
  if (resized) groups_->resizeColumnsToContents();
}

void MainWindow::fill_events(bool filter_changed) {
  if (!session_) return;
  // The log only grows while playing, and shrinks on a rewind: rebuilt when its length changes.
  if (!filter_changed && session_->timeline_size() == events_listed_) return;
  const QString filter = filter_->text().trimmed();
  const std::vector<core::TimelineEntry> timeline = session_->timeline();
  events_listed_ = timeline.size();
  events_->clear();
  for (const core::TimelineEntry& e : timeline) {
    const QString line = QString("%1  %2  %3").arg(seconds_text(e.at), -10).arg(QString::fromStdString(e.kind), -10).arg(QString::fromStdString(e.text));
    if (!filter.isEmpty() && !line.contains(filter, Qt::CaseInsensitive)) continue;
    auto* item = new QListWidgetItem(line, events_);
    item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(e.at.ns()));
  }
  events_->scrollToBottom();
}

}  // namespace ksim::gui
