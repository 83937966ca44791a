#include "core/check/figure_catalog.hpp"

#include <algorithm>
#include <array>

namespace ksim::core {
namespace {

using enum FigureArgument;

constexpr std::array kFigures{
    FigureInfo{"sent", none, "records handed to the producers"},
    FigureInfo{"acked", none, "records a broker acknowledged (acks 1 or all)"},
    FigureInfo{"acked", partition, "records acknowledged into the partition"},
    FigureInfo{"acked_lost", none, "acknowledged records absent from the final log"},
    FigureInfo{"sent_lost", none, "records whose send did not fail for the application (acks=0 included) absent from the final log"},
    FigureInfo{"batches", none, "produce batches the producers completed (acknowledged or failed)"},
    FigureInfo{"retries", none, "batch resends"},
    FigureInfo{"failed_sends", none, "sends that failed for the application"},
    FigureInfo{"unresolved", none, "records sent that were neither acknowledged nor failed at the end (still waiting, or gone with a producer crash)"},
    FigureInfo{"produce_errors", error_code, "failed sends by the last error a broker gave"},
    FigureInfo{"duplicates_in_log", none, "records present more than once in the final logs"},
    FigureInfo{"reordered_keys", none, "keys whose records from one producer sit in a log out of send order"},
    FigureInfo{"reordered_processing", group, "keys whose records from one producer the group first processed out of send order"},
    FigureInfo{"processed", group, "records the group (or standalone consumer) processed"},
    FigureInfo{"duplicates_processed", group, "records the group processed more than once"},
    FigureInfo{"skipped", group, "acknowledged records below the group's committed offset that it never processed"},
    FigureInfo{"dead_lettered", group, "records the group's error handling sent to the dead-letter topic"},
    FigureInfo{"max_lag", group, "the group's largest lag (log end minus committed offset, summed over partitions)"},
    FigureInfo{"final_lag", group, "the group's lag at the end"},
    FigureInfo{"rebalances", group, "generations that settled with members (the first join counts)"},
    FigureInfo{"commit_failures", group, "commits that failed with CommitFailed"},
    FigureInfo{"no_owner_ms", group, "partition-milliseconds without an owner, after the group first owned every partition"},
    FigureInfo{"max_no_owner_ms", group, "the longest single stretch a partition of the group had no owner"},
    FigureInfo{"partitions_paused", group, "partitions of the group that went without an owner at least once"},
    FigureInfo{"unavailable_ms", partition, "time the partition had no live leader"},
    FigureInfo{"max_unavailable_ms", none, "the longest time without a live leader of any partition"},
    FigureInfo{"active_controller_changes", none, "times another controller (or the same one in a new epoch) took office after the first"},
    FigureInfo{"no_active_controller_ms", none, "time without an active controller after the first took office"},
    FigureInfo{"quorum_epoch", none, "the highest epoch any controller of the metadata quorum reached"},
    FigureInfo{"preferred_leaders", none, "partitions of the scenario's topics led, at the end, by their preferred (first) replica"},
    FigureInfo{"produce_latency_p50_ms", none, "median time from a record's batch being created to its acknowledgement (a record still waiting counts its wait so far)"},
    FigureInfo{"produce_latency_p99_ms", none, "99th percentile of the time from batch creation to acknowledgement (waiting records count their wait so far)"},
    FigureInfo{"e2e_latency_p50_ms", none, "median time from a record's batch being created to its first processing (a record still waiting counts its wait so far)"},
    FigureInfo{"e2e_latency_p99_ms", none, "99th percentile of the time from batch creation to first processing (waiting records count their wait so far)"},
    FigureInfo{"invariant_violations", none, "broken replication invariants, in all"},
    FigureInfo{"invariant_violations", invariant, "broken replication invariants of one kind"},
    FigureInfo{"converged", none, "1 when the cluster and its clients healed after the last fault and stayed healed to the end"},
    FigureInfo{"convergence_ms", none, "time from the last fault until the cluster healed (the time waited, if it never did)"},
};

constexpr std::array kInvariants{
    InvariantInfo{Invariant::one_leader_per_epoch, "one_leader_per_epoch",
                  "no two brokers lead the same partition in the same leader epoch"},
    InvariantInfo{Invariant::hw_monotonic, "hw_monotonic", "a leader's high watermark never moves back within its epoch"},
    InvariantInfo{Invariant::isr_subset_of_replicas, "isr_subset_of_replicas", "the ISR only names replicas of the partition"},
    InvariantInfo{Invariant::leader_in_isr, "leader_in_isr", "the leader is in the ISR, unless it was elected uncleanly"},
    InvariantInfo{Invariant::strong_isr, "strong_isr",
                  "every committed record is in the leader's log and in each ISR member's that reaches its offset"},
    InvariantInfo{Invariant::quorum_safety, "quorum_safety",
                  "the metadata quorum: one leader per epoch, epochs and high watermarks never move back, a committed record is never lost or changed"},
    InvariantInfo{Invariant::metadata_applied_monotonic, "metadata_applied_monotonic",
                  "a broker's or controller's applied metadata offset never moves back while its process runs"},
};

}  // namespace

std::span<const FigureInfo> figure_catalog() { return kFigures; }

const FigureInfo* find_figure(std::string_view name, bool with_argument) {
  const auto it = std::find_if(kFigures.begin(), kFigures.end(),
                               [&](const FigureInfo& f) { return f.name == name && (f.argument != none) == with_argument; });
  return it != kFigures.end() ? &*it : nullptr;
}

std::string_view figure_meaning(std::string_view figure) {
  const std::size_t open = figure.find('[');
  const FigureInfo* f = find_figure(figure.substr(0, open), open != std::string_view::npos);
  return f != nullptr ? f->meaning : std::string_view{};
}

std::span<const InvariantInfo> invariant_catalog() { return kInvariants; }

std::string_view invariant_name(Invariant invariant) { return kInvariants[static_cast<std::size_t>(invariant)].name; }

}  // namespace ksim::core
