#include "core/controller/partition_change.hpp"

#include <algorithm>

namespace ksim::core {
namespace {

bool contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

void remove(std::vector<BrokerId>& list, BrokerId id) { list.erase(std::remove(list.begin(), list.end(), id), list.end()); }

// The ELR a change leads to: everyone who was in the ISR or the ELR and is not in the new ISR,
// without the replicas that shut down uncleanly; and the last known ELR, the former members that
// are in neither list. Both empty once the ISR is back at min ISR.
void target_elr(const PartitionState& p, const std::vector<BrokerId>& target_isr, const PartitionChangeRules& rules,
                const std::vector<BrokerId>& unclean_shutdown, std::vector<BrokerId>& elr,
                std::vector<BrokerId>& last_known_elr) {
  if (static_cast<std::int32_t>(target_isr.size()) >= rules.min_isr) {
    elr.clear();
    last_known_elr.clear();
    return;
  }
  // Kafka collects these in a hash set; replica order keeps them deterministic and readable.
  std::vector<BrokerId> candidates;
  for (const BrokerId r : p.replicas) {
    if (contains(p.elr, r) || contains(p.isr, r)) candidates.push_back(r);
  }
  elr.clear();
  for (const BrokerId r : candidates) {
    if (!contains(target_isr, r) && !contains(unclean_shutdown, r)) elr.push_back(r);
  }
  std::vector<BrokerId> known;
  for (const BrokerId r : p.replicas) {
    if ((contains(candidates, r) || contains(p.last_known_elr, r)) && !contains(target_isr, r) && !contains(elr, r)) {
      known.push_back(r);
    }
  }
  last_known_elr = std::move(known);
}

struct Election {
  BrokerId leader = kNoBroker;
  LeaderChoice choice = LeaderChoice::none;
};

Election elect(const PartitionState& p, const std::vector<BrokerId>& isr, const std::vector<BrokerId>& elr,
               const std::function<bool(BrokerId)>& may_lead, const PartitionChangeRules& rules) {
  const auto valid = [&](BrokerId r) {
    return r != kNoBroker && (contains(isr, r) || (isr.empty() && contains(elr, r))) && may_lead(r);
  };
  const auto from_lists = [&](BrokerId r) {
    return Election{r, contains(isr, r) ? LeaderChoice::isr : LeaderChoice::eligible};
  };
  if (rules.preferred && !p.replicas.empty() && valid(p.replicas.front())) {
    return {p.replicas.front(), p.replicas.front() == p.leader ? LeaderChoice::unchanged : LeaderChoice::preferred};
  }
  if (valid(p.leader)) return {p.leader, LeaderChoice::unchanged};
  for (const BrokerId r : p.replicas) {
    if (valid(r)) return from_lists(r);
  }
  if (rules.eligible_leader_replicas && isr.empty() && elr.empty() && p.last_known_elr.size() == 1 &&
      may_lead(p.last_known_elr.front())) {
    return {p.last_known_elr.front(), LeaderChoice::last_known};
  }
  if (rules.unclean_election && !rules.preferred) {
    for (const BrokerId r : p.replicas) {
      if (may_lead(r)) return {r, LeaderChoice::unclean};
    }
  }
  return {};
}

}  // namespace

PartitionChangeResult change_partition(PartitionState& p, std::vector<BrokerId> target_isr,
                                       const std::function<bool(BrokerId)>& may_lead,
                                       const PartitionChangeRules& rules,
                                       const std::vector<BrokerId>& unclean_shutdown) {
  std::vector<BrokerId> elr = p.elr;
  std::vector<BrokerId> last_known_elr = p.last_known_elr;
  if (rules.eligible_leader_replicas) target_elr(p, target_isr, rules, unclean_shutdown, elr, last_known_elr);

  PartitionChangeResult result;
  const Election election = elect(p, target_isr, elr, may_lead, rules);
  bool recovering = p.leader_recovering;
  bool isr_forced = false;  // an unclean election sets the ISR itself
  if (election.leader != p.leader) {
    result.leader_changed = true;
    result.choice = election.choice;
    if (election.choice == LeaderChoice::eligible) {
      target_isr = {election.leader};
      remove(elr, election.leader);
    } else if (election.choice == LeaderChoice::unclean || election.choice == LeaderChoice::last_known) {
      target_isr = {election.leader};
      isr_forced = true;
      recovering = true;
    }
  }
  // An unclean election, or ELR off, leaves no ELR behind.
  if (isr_forced || !rules.eligible_leader_replicas) {
    elr.clear();
    last_known_elr.clear();
  }
  // Kafka keeps the last known leader there, not the last known ELR: it is the one that a later
  // election may fall back on (useLastKnownLeaderInBalancedRecovery).
  if (rules.eligible_leader_replicas && !isr_forced) {
    last_known_elr = p.last_known_elr;
    const bool leaderless_after = result.leader_changed ? election.leader == kNoBroker : p.leader == kNoBroker;
    const bool isr_emptied = target_isr.empty() && !p.isr.empty();
    if (isr_emptied && !(p.last_known_elr.size() == 1 && p.last_known_elr.front() == p.leader) && p.leader != kNoBroker) {
      last_known_elr = {p.leader};
    } else if (!leaderless_after && !p.last_known_elr.empty()) {
      last_known_elr.clear();
    }
  }
  // Without ELR the ISR never empties: its last member stays, the one that holds the committed data.
  const bool isr_changes = target_isr != p.isr && (!target_isr.empty() || rules.eligible_leader_replicas || isr_forced);

  result.changed = result.leader_changed || isr_changes || elr != p.elr || last_known_elr != p.last_known_elr ||
                   recovering != p.leader_recovering;
  if (!result.changed) return result;
  if (result.leader_changed) {
    p.leader = election.leader;
    ++p.leader_epoch;
  }
  if (isr_changes) p.isr = std::move(target_isr);
  p.elr = std::move(elr);
  p.last_known_elr = std::move(last_known_elr);
  p.leader_recovering = recovering;
  ++p.partition_epoch;
  return result;
}

}  // namespace ksim::core
