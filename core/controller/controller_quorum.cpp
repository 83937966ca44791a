// The controller as a member of the metadata quorum: taking over as the active controller and
// giving it up, writing records, and answering once they are committed.
#include "core/controller/controller.hpp"

namespace ksim::core {

Controller::Controller(KafkaEvents& events, std::string name, ReplicaId id, QuorumConfig quorum, BrokerConfig config)
    : QuorumMember(std::move(name), events, id, std::move(quorum)), config_(config) {}

void Controller::on_start() {
  // The images are rebuilt from the log as its records are known to be committed again.
  committed_ = MetadataImage{};
  image_ = MetadataImage{};
  start_raft();
}

void Controller::on_stop(sim::StopKind kind) {
  deactivate();
  stop_raft(kind);
}

void Controller::on_raft_committed(Offset high_watermark) {
  // Replays what became committed (the listener's handleCommit). The active controller has
  // applied its own records to its working image already; a standby has only the committed one.
  const RaftLog& log = metadata_log();
  for (Offset o = committed_.offset() + 1; o < high_watermark; ++o) committed_.apply(o, *log.at(o).record);
  if (!active_) return;
  // Answers that waited for these records.
  auto keep = pending_replies_.begin();
  for (auto it = pending_replies_.begin(); it != pending_replies_.end(); ++it) {
    if (it->offset < high_watermark) {
      send_reply(it->to, it->reply);
    } else {
      *keep++ = std::move(*it);
    }
  }
  pending_replies_.erase(keep, pending_replies_.end());
}

void Controller::raft_leader_changed(LeaderAndEpoch leader) {
  // The quorum tells its leader only once the epoch's first record is committed, when the
  // committed image holds everything written before: QuorumController claims here.
  if (leader.leader == replica_id()) {
    activate();
  } else {
    deactivate();
  }
}

void Controller::on_raft_role_changed(RaftRole from, RaftRole to) {
  if (from == RaftRole::leader && to != RaftRole::leader) deactivate();
}

void Controller::activate() {
  if (active_) return;
  active_ = true;
  ++term_;
  image_ = committed_;
  last_written_ = committed_.offset();
  // A controller that takes over gives every registered broker a full session to check in
  // (BrokerHeartbeatManager starts empty).
  sessions_.clear();
  for (const auto& [id, broker] : image_.brokers()) sessions_[id] = BrokerSession{now(), -1, -1};
  balance_scheduled_ = false;
  unclean_scheduled_ = false;
  emit(ControllerActivated{replica_id(), raft()->epoch()});
  check_sessions();
  maybe_schedule_checks();
  while_active_after(config_.metadata_max_idle_interval, &Controller::write_no_op);
}

void Controller::deactivate() {
  if (!active_) return;
  active_ = false;
  ++term_;
  // What was written and not committed is gone with the leadership (the controller reverts to
  // its last committed snapshot); those waiting for it are told to find the new controller.
  image_ = MetadataImage{};
  for (PendingReply& p : pending_replies_) {
    std::visit([](auto& r) { r.error = ErrorCode::NOT_CONTROLLER; }, p.reply);
    if (running()) send_reply(p.to, p.reply);
  }
  pending_replies_.clear();
  sessions_.clear();
  emit(ControllerDeactivated{replica_id()});
}

void Controller::while_active_after(sim::Duration delay, void (Controller::*action)()) {
  after(delay, [this, term = term_, action] {
    if (active_ && term_ == term) (this->*action)();
  });
}

void Controller::write(std::vector<MetadataRecord> records) {
  if (records.empty()) return;
  RaftReplica* replica = raft();
  const Offset last = replica->append(replica->epoch(), records).value();
  Offset offset = last - static_cast<std::int64_t>(records.size()) + 1;
  for (const MetadataRecord& r : records) image_.apply(offset++, r);
  last_written_ = last;
}

void Controller::reply_after_commit(sim::NodeId to, Reply reply) {
  if (last_written_ <= committed_.offset()) {
    send_reply(to, reply);
    return;
  }
  pending_replies_.push_back(PendingReply{last_written_, to, std::move(reply)});
}

void Controller::send_reply(sim::NodeId to, Reply& reply) {
  std::visit([&](auto& r) { send_message(to, std::move(r)); }, reply);
}

void Controller::write_no_op() {
  write({NoOpRecord{}});
  while_active_after(config_.metadata_max_idle_interval, &Controller::write_no_op);
}

}  // namespace ksim::core
