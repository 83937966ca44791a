// The main window's faults by hand: the context menus, the Faults menu, and what their actions
// do (each a scenario fault, checked by the loader; see Session::inject).
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableWidget>
#include <map>

#include "gui/format.hpp"
#include "gui/session/hand_faults.hpp"
#include "gui/main_window.hpp"

namespace ksim::gui {

QString MainWindow::refuse(const QString& message) {
  statusBar()->showMessage(message);
  if (isVisible()) QMessageBox::warning(this, "Not possible here", message);
  return message;
}

QString MainWindow::apply(const std::string& fault_json, const QString& what) {
  if (!session_) return refuse("open a lab first");
  seek_target_.reset();  // the fault happens where the run is
  searching_from_.reset();
  const std::string error = session_->inject(fault_json, Session::Replay::by_caller);
  if (!error.empty()) return refuse(QString::fromStdString(error));
  const QString done = QString("%1 at %2 (added to the fault plan; File → Save as scenario keeps it)").arg(what, seconds_text(session_->fault_moment()));
  if (session_->now() < session_->fault_moment()) {
    seek(session_->fault_moment());  // a replay from the start, a frame's budget at a time
  } else {
    refresh();
  }
  statusBar()->showMessage(done);
  return {};
}

QString MainWindow::broker_fault(core::BrokerId id, core::FaultType type) {
  const QString name = QString::fromStdString(std::string(core::fault_type_name(type)));
  return apply(hand_fault::on_node(type, "broker:" + to_string(id)), QString("%1 broker %2").arg(name).arg(id.value()));
}

QString MainWindow::link_fault(const std::string& a, const std::string& b, const std::string& kind) {
  const QString between = QString::fromStdString(a + " and " + b);
  if (kind == "cut") return apply(hand_fault::cut_link(a, b, false), "cut the link between " + between);
  if (kind == "cut-one-way") return apply(hand_fault::cut_link(a, b, true), QString::fromStdString("cut the link from " + a + " to " + b));
  if (kind == "slow") return apply(hand_fault::slow_link(a, b, 200, 0), "slowed the link between " + between);
  if (kind == "lossy") return apply(hand_fault::slow_link(a, b, 200, 0.1), "made the link between " + between + " slow and lossy");
  if (kind == "heal") return apply(hand_fault::heal_link(a, b), "healed the link between " + between);
  if (kind == "restore") return apply(hand_fault::restore_link(a, b), "restored the link between " + between);
  return refuse(QString::fromStdString("\"" + kind + "\" is not a link fault; use cut, cut-one-way, slow, lossy, heal or restore"));
}

QString MainWindow::consumer_fault(const std::string& member, const std::string& action) {
  const QString who = QString::fromStdString(member);
  if (action == "slow") return apply(hand_fault::slow_consumer(member, 10), who + " processes ten times slower");
  if (action == "normal") return apply(hand_fault::slow_consumer(member, 1), who + " back to its own speed");
  const std::optional<core::FaultType> type = core::parse_fault_type(action);
  if (!type || !core::node_fault(*type)) {
    return refuse(QString::fromStdString("\"" + action + "\" is not a consumer fault; use crash, restart, pause, resume, slow or normal"));
  }
  return apply(hand_fault::on_node(*type, member), QString::fromStdString(action) + " " + who);
}

QString MainWindow::add_consumer(const std::string& group) {
  return apply(hand_fault::add_consumer(group), QString::fromStdString("a new member joins " + group));
}

QString MainWindow::set_config(const std::string& target, const std::string& key, const std::string& value_json) {
  return apply(hand_fault::set_config(target, key, value_json), QString::fromStdString(target + ": " + key + " = " + value_json));
}

void MainWindow::add_link_menu(QMenu& menu, const std::string& node) {
  QMenu* links = menu.addMenu("Link to");
  for (const std::string& peer : session_->nodes()) {
    if (peer == node) continue;
    QMenu* m = links->addMenu(QString::fromStdString(peer));
    const auto add = [&](const QString& text, const std::string& a, const std::string& b, const char* kind) {
      m->addAction(text, this, [this, a, b, kind] { link_fault(a, b, kind); });
    };
    add("Cut both ways", node, peer, "cut");
    add(QString::fromStdString("Cut " + node + " → " + peer + " only"), node, peer, "cut-one-way");
    add(QString::fromStdString("Cut " + peer + " → " + node + " only"), peer, node, "cut-one-way");
    add("Slow (200 ms)", node, peer, "slow");
    add("Slow and lossy (200 ms, 10% loss)", node, peer, "lossy");
    add("Heal the cut", node, peer, "heal");
    add("Restore its speed", node, peer, "restore");
  }
}

void MainWindow::add_consumer_actions(QMenu& menu, const std::string& member) {
  for (const char* action : {"crash", "restart", "pause", "resume", "slow", "normal"}) {
    static const std::map<std::string, QString> kText{{"crash", "Crash"},   {"restart", "Restart"},
                                                      {"pause", "Pause"},   {"resume", "Resume"},
                                                      {"slow", "Slow down (10×)"}, {"normal", "Normal speed"}};
    menu.addAction(kText.at(action), this, [this, member, action] { consumer_fault(member, action); });
  }
}

void MainWindow::broker_menu(core::BrokerId id, QPoint where) {
  if (!session_) return;
  QMenu menu(this);
  for (const core::FaultType type : hand_fault::kBrokerFaults) {
    const QString name = QString::fromStdString(std::string(core::fault_type_name(type)));
    menu.addAction(QString("%1 broker %2").arg(name).arg(id.value()), this, [this, id, type] { broker_fault(id, type); });
  }
  menu.addSeparator();
  add_link_menu(menu, "broker:" + to_string(id));
  menu.exec(where);
}

void MainWindow::groups_menu(QPoint where) {
  if (!session_) return;
  QTableWidgetItem* group = groups_->item(groups_->rowAt(where.y()), 0);
  QTableWidgetItem* member = groups_->item(groups_->rowAt(where.y()), 6);
  if (group == nullptr) return;
  QMenu menu(this);
  if (member != nullptr && member->text() != "-") add_consumer_actions(*menu.addMenu(member->text()), member->text().toStdString());
  const std::string g = group->text().toStdString();
  menu.addAction(QString("Add a consumer to %1").arg(group->text()), this, [this, g] { add_consumer(g); });
  menu.exec(groups_->viewport()->mapToGlobal(where));
}

// Rebuilt when it opens: consumers come and go, and each lab has its own topics and producers.
void MainWindow::fill_faults_menu() {
  faults_menu_->clear();
  if (!session_) {
    faults_menu_->addAction("Open a lab first")->setEnabled(false);
    return;
  }
  const core::Scenario& s = session_->scenario();
  QMenu* brokers = faults_menu_->addMenu("&Brokers");
  for (core::BrokerId b = 1; b <= s.cluster.brokers; ++b) {
    QMenu* m = brokers->addMenu(QString("broker %1").arg(b.value()));
    for (const core::FaultType type : hand_fault::kBrokerFaults) {
      m->addAction(QString::fromStdString(std::string(core::fault_type_name(type))), this, [this, b, type] { broker_fault(b, type); });
    }
    add_link_menu(*m, "broker:" + to_string(b));
  }
  QMenu* consumers = faults_menu_->addMenu("&Consumers");
  for (const std::string& node : session_->nodes()) {
    if (node.rfind("consumer:", 0) != 0) continue;
    QMenu* m = consumers->addMenu(QString::fromStdString(node));
    add_consumer_actions(*m, node);
    add_link_menu(*m, node);
  }
  std::vector<std::string> groups;
  for (const core::ConsumerSpec& c : s.consumers) {
    if (!c.group.empty() && std::find(groups.begin(), groups.end(), c.group) == groups.end()) groups.push_back(c.group);
  }
  QMenu* add = faults_menu_->addMenu("&Add a consumer to");
  for (const std::string& g : groups) add->addAction(QString::fromStdString(g), this, [this, g] { add_consumer(g); });
  add->setEnabled(!groups.empty());

  QMenu* configs = faults_menu_->addMenu("C&onfigs");
  for (const core::TopicSpec& t : s.topics) {
    QMenu* m = configs->addMenu(QString::fromStdString("topic " + t.name));
    const std::string target = "topic:" + t.name;
    for (int n = 1; n <= t.replication_factor; ++n) {
      m->addAction(QString("min.insync.replicas = %1").arg(n), this, [this, target, n] { set_config(target, "min.insync.replicas", std::to_string(n)); });
    }
    m->addAction("unclean.leader.election.enable = true", this, [this, target] { set_config(target, "unclean.leader.election.enable", "true"); });
    m->addAction("unclean.leader.election.enable = false", this, [this, target] { set_config(target, "unclean.leader.election.enable", "false"); });
  }
  for (const core::ProducerSpec& p : s.producers) {
    QMenu* m = configs->addMenu(QString::fromStdString("producer " + p.name));
    const std::string target = "producer:" + p.name;
    for (const char* acks : {"0", "1", "all"}) {
      m->addAction(QString("acks = %1").arg(acks), this, [this, target, acks] { set_config(target, "acks", std::string("\"") + acks + "\""); });
    }
  }
}

}  // namespace ksim::gui
