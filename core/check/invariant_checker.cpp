#include "core/check/invariant_checker.hpp"

#include <algorithm>

namespace ksim::core {
namespace {

// The batch holding `offset` in a replica's log, if any.
const RecordBatch* batch_at(const PartitionLog& log, Offset offset) {
  for (const Segment& s : log.segments()) {
    for (const RecordBatch& b : s.batches) {
      if (b.base_offset <= offset && offset <= b.last_offset()) return &b;
    }
  }
  return nullptr;
}

}  // namespace

std::size_t InvariantChecker::count(Invariant invariant) const {
  return static_cast<std::size_t>(std::count_if(violations_.begin(), violations_.end(),
                                                [&](const Violation& v) { return v.invariant == invariant; }));
}

void InvariantChecker::on(const EventStamp& stamp, const ReplicaRoleChanged& e) {
  const Cause cause{stamp.time, "replica.role_changed"};
  if (e.role == ReplicaRole::leader) {
    const BrokerId broker = cluster_.broker_of(stamp.node);
    auto [it, fresh] = leader_of_epoch_.emplace(std::make_pair(e.tp, e.leader_epoch), broker);
    if (!fresh && it->second != broker) {
      report(cause, Invariant::one_leader_per_epoch, e.tp,
             "brokers " + to_string(it->second) + " and " + to_string(broker) + " both lead epoch " +
                 to_string(e.leader_epoch));
    }
  }
  check_partition(e.tp, cause);
}

void InvariantChecker::on(const EventStamp& stamp, const LeaderElected& e) {
  // A last-known-leader election is unclean too (KIP-966): that leader may lack committed records.
  if (e.kind == ElectionKind::unclean || e.kind == ElectionKind::last_known) {
    unclean_epochs_.insert({e.state.tp, e.state.leader_epoch});
    // An unclean election gives up, by design, the committed records its leader lacks: from now
    // on the new leader's log is the truth, and what it does not hold is no longer expected.
    if (const Partition* p = cluster_.broker(e.state.leader).partition(e.state.tp)) {
      auto& committed = committed_[e.state.tp];
      committed.erase(committed.lower_bound(p->log().log_end_offset()), committed.end());
    }
  }
  check_partition(e.state.tp, Cause{stamp.time, "partition.leader_elected"});
}

void InvariantChecker::on(const EventStamp& stamp, const HighWatermarkAdvanced& e) {
  const BrokerId broker = cluster_.broker_of(stamp.node);
  const Partition* p = cluster_.broker(broker).partition(e.tp);
  const auto key = std::make_pair(e.tp, p->leader_epoch());
  const auto last = leader_hw_.find(key);
  if (last != leader_hw_.end() && e.from < last->second) {
    report(Cause{stamp.time, "partition.hw_advanced"}, Invariant::hw_monotonic, e.tp,
           "the leader's high watermark went back from " + to_string(last->second) + " to " + to_string(e.from));
  }
  leader_hw_[key] = e.to;
  record_committed(e.tp, broker, e.from, e.to);
  // Committing more cannot break anything by itself.
}

void InvariantChecker::on(const EventStamp& stamp, const IsrChanged& e) {
  check_partition(e.state.tp, Cause{stamp.time, "partition.isr_changed"});
}

void InvariantChecker::on(const EventStamp& stamp, const LogTruncated& e) {
  check_partition(e.tp, Cause{stamp.time, "log.truncated"});
}

void InvariantChecker::on(const EventStamp& stamp, const PartitionWentOffline& e) {
  check_partition(e.state.tp, Cause{stamp.time, "partition.offline"});
}

void InvariantChecker::record_committed(const TopicPartition& tp, BrokerId leader, Offset from, Offset to) {
  const Partition* p = cluster_.broker(leader).partition(tp);
  auto& committed = committed_[tp];
  p->log().for_each_batch_in(OffsetRange{from, to}, [&](const RecordBatch& b) {
    committed.emplace(b.base_offset, CommittedBatch{b.records->records.front().id});
  });
}

void InvariantChecker::check_partition(const TopicPartition& tp, const Cause& cause) {
  const PartitionState* state = cluster_.controller().partition(tp);
  if (state == nullptr) return;
  for (const BrokerId member : state->isr) {
    if (std::find(state->replicas.begin(), state->replicas.end(), member) == state->replicas.end()) {
      report(cause, Invariant::isr_subset_of_replicas, tp, "broker " + to_string(member) + " is in the ISR but not a replica");
    }
  }
  if (state->leader == kNoBroker) return;
  if (std::find(state->isr.begin(), state->isr.end(), state->leader) == state->isr.end() &&
      unclean_epochs_.count({tp, state->leader_epoch}) == 0U) {
    report(cause, Invariant::leader_in_isr, tp, "leader " + to_string(state->leader) + " is not in the ISR");
  }
  const auto committed = committed_.find(tp);
  if (committed == committed_.end()) return;
  std::vector<BrokerId> holders = state->isr;
  if (std::find(holders.begin(), holders.end(), state->leader) == holders.end()) holders.push_back(state->leader);
  for (const BrokerId member : holders) {
    const Partition* p = cluster_.broker(member).partition(tp);
    // A stopped broker's log is checked when it is back and has heard of this leader epoch: it may
    // still truncate then. (A restarted broker the controller still names, its old run not yet
    // fenced, holds nothing of this epoch: it is neither the leader nor a follower yet.)
    if (p == nullptr || !cluster_.broker(member).running() || p->leader_epoch() != state->leader_epoch) continue;
    const bool is_leader = member == state->leader;
    for (const auto& [base, batch] : committed->second) {
      if (base < p->log().log_start_offset()) continue;  // deleted by retention: not a loss
      if (base >= p->log().log_end_offset()) {
        if (is_leader) {
          report(cause, Invariant::strong_isr, tp,
                 "leader " + to_string(member) + " lacks committed offset " + to_string(base) +
                     " (record " + std::to_string(batch.first_record_id) + ")");
        }
        break;  // a follower may simply not have fetched it yet
      }
      const RecordBatch* held = batch_at(p->log(), base);
      if (held == nullptr || held->base_offset != base ||
          held->records->records.front().id != batch.first_record_id) {
        report(cause, Invariant::strong_isr, tp,
               "broker " + to_string(member) + " holds other data at committed offset " +
                   to_string(base) + " (committed record " + std::to_string(batch.first_record_id) + ")");
        break;
      }
    }
  }
}

// --- the metadata quorum ------------------------------------------------------------------------

namespace {
const TopicPartition kMetadataPartition{"__cluster_metadata", 0};
}  // namespace

void InvariantChecker::on(const EventStamp& stamp, const QuorumStateChanged& /*e*/) {
  check_quorum(Cause{stamp.time, "quorum.state_changed"});
}

void InvariantChecker::on(const EventStamp& stamp, const MetadataCommitted& e) {
  const Cause cause{stamp.time, "metadata.committed"};
  Applied& applied = applied_[e.replica];
  if (applied.incarnation == e.incarnation && e.applied < applied.offset) {
    report(cause, Invariant::metadata_applied_monotonic, kMetadataPartition,
           "replica " + to_string(e.replica) + " went back from metadata offset " + to_string(applied.offset) +
               " to " + to_string(e.applied));
  }
  applied = Applied{e.incarnation, e.applied};
  check_quorum(cause);
}

void InvariantChecker::on(const EventStamp& stamp, const MetadataLogTruncated& /*e*/) {
  check_quorum(Cause{stamp.time, "metadata.truncated"});
}

void InvariantChecker::check_quorum(const Cause& cause) {
  quorum_members_.clear();
  const auto add = [&](const QuorumMember& m) {
    quorum_members_.push_back(QuorumInvariants::Member{m.replica_id(), m.raft(), &m.metadata_log(), m.disks_lost()});
  };
  for (const Controller* c : cluster_.controllers()) add(*c);
  for (std::int32_t b = 1; b <= cluster_.broker_count(); ++b) add(cluster_.broker(BrokerId{b}));
  if (const std::optional<std::string> broken = quorum_.check(quorum_members_)) {
    report(cause, Invariant::quorum_safety, kMetadataPartition, *broken);
  }
}

void InvariantChecker::report(const Cause& cause, Invariant invariant, const TopicPartition& tp, std::string detail) {
  const std::string key = std::string(invariant_name(invariant)) + "|" + tp.str() + "|" + detail;
  if (!reported_.insert(key).second) return;
  violations_.push_back(Violation{cause.time, invariant, tp.str(), std::move(detail), std::string(cause.kind)});
}

}  // namespace ksim::core
